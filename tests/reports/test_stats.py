"""Distribution statistics: hand-checked values and the properties every load list must satisfy."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mentorledger.reports import stats

loads = st.lists(st.floats(min_value=0, max_value=10_000, allow_nan=False), min_size=1, max_size=60)


def test_percentile_interpolates_between_closest_ranks() -> None:
    # type 7: position 0.9 * (4 - 1) = 2.7 -> 3 + 0.7 * (4 - 3)
    assert stats.percentile([4, 1, 3, 2], 0.9) == pytest.approx(3.7)
    assert stats.median([5, 1, 3]) == 3
    assert stats.median([1, 2, 3, 4]) == pytest.approx(2.5)
    assert stats.percentile([], 0.9) == 0.0


def test_gini_of_one_person_carrying_everything_is_n_minus_one_over_n() -> None:
    assert stats.gini([0, 0, 0, 10]) == pytest.approx(0.75)


def test_gini_matches_the_mean_absolute_difference_definition() -> None:
    values = [1.0, 2.0, 7.0]
    pairs = sum(abs(a - b) for a in values for b in values)
    assert stats.gini(values) == pytest.approx(pairs / (2 * len(values) ** 2 * (sum(values) / len(values))))


def test_top_share_takes_the_ceiling_of_ten_percent_of_mentors() -> None:
    # 11 mentors -> ceil(1.1) = 2 largest loads: (10 + 9) / 55 + ... over the total
    values = list(range(1, 12))
    assert stats.top_share(values) == pytest.approx((11 + 10) / sum(values))
    assert stats.top_share([0, 0]) == 0.0


def test_negative_loads_are_rejected() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        stats.gini([1, -1])


@given(loads)
def test_gini_is_between_zero_and_one(values: list[float]) -> None:
    g = stats.gini(values)
    assert 0 <= g < 1


@given(st.floats(min_value=0, max_value=1000, allow_nan=False), st.integers(min_value=1, max_value=50))
def test_gini_is_zero_for_equal_loads(value: float, n: int) -> None:
    assert stats.gini([value] * n) == pytest.approx(0, abs=1e-9)


@given(loads)
def test_lorenz_curve_is_monotone_from_origin_to_one_one_and_under_equality(values: list[float]) -> None:
    points = stats.lorenz(values)
    assert points[0] == (0.0, 0.0)
    assert points[-1] == (1.0, 1.0)
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        assert x1 > x0
        assert y1 >= y0 - 1e-12
    assert all(y <= x + 1e-9 for x, y in points)


@given(loads)
def test_percentiles_are_ordered_and_within_the_data(values: list[float]) -> None:
    median, p90 = stats.median(values), stats.percentile(values, 0.9)
    assert min(values) <= median <= p90 <= max(values) or math.isclose(median, p90)


@given(loads)
def test_top_share_is_at_least_the_top_mentors_fair_share(values: list[float]) -> None:
    share = stats.top_share(values)
    k = max(1, math.ceil(0.1 * len(values)))
    if sum(values) > 0:
        assert k / len(values) - 1e-9 <= share <= 1 + 1e-9
