"""Distribution statistics for effort reports: pure functions over a list of non-negative loads.

Chairs compare these numbers across departments and years, so each method is fixed and stated here
(and printed on the report's method note):

- percentiles use linear interpolation between closest ranks (Hyndman & Fan type 7; numpy's default,
  Excel's PERCENTILE.INC): position ``p * (n - 1)`` in the sorted values;
- the Gini coefficient is the mean absolute difference over twice the mean,
  ``sum_i sum_j |x_i - x_j| / (2 n^2 mean)``; 0 when every load is equal, at most ``(n - 1) / n``;
- the top-10% share is the share of all hours carried by the ``ceil(0.1 n)`` largest loads;
- the Lorenz curve is ``(k / n, share of the k smallest loads)`` for k = 0..n.

With fewer than ``MIN_MENTORS`` loads none of these say anything about a distribution (a Gini
coefficient of two people is one difference), so reports leave them out and say why
(``too_few_note``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

MIN_MENTORS = 5
PERCENTILE_METHOD = "linear interpolation between closest ranks (Hyndman-Fan type 7, Excel PERCENTILE.INC)"
GINI_METHOD = "mean absolute difference / (2 x mean), over the mentors in the distribution, zeros included"
TOP_SHARE_METHOD = "share of all hours carried by the ceil(10% x n) mentors with the most hours"


def too_few_note(n: int) -> str:
    """The one sentence a report prints instead of distribution figures and review flags."""
    have = "no mentor" if n == 0 else ("1 mentor" if n == 1 else f"{n} mentors")
    return (
        f"Median, percentiles, Gini coefficient, top-10% share, Lorenz curve and review-for-credit flags "
        f"are left out: they need at least {MIN_MENTORS} mentors whose calendars covered the whole "
        f"period, and this report has {have}."
    )


def top_count(n: int, fraction: float = 0.1) -> int:
    """How many of n loads make up the top ``fraction``: ceil(fraction * n), at least 1 (0 for none)."""
    return max(1, math.ceil(fraction * n)) if n else 0


def _checked(values: Sequence[float]) -> list[float]:
    if any(v < 0 or math.isnan(v) for v in values):
        raise ValueError("loads must be non-negative numbers")
    return sorted(values)


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th quantile (0 <= p <= 1), type 7; 0.0 for no values."""
    if not 0 <= p <= 1:
        raise ValueError("p must be between 0 and 1")
    ordered = _checked(values)
    if not ordered:
        return 0.0
    position = p * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def median(values: Sequence[float]) -> float:
    return percentile(values, 0.5)


def gini(values: Sequence[float]) -> float:
    """Gini coefficient in [0, 1); 0 for no values, one value, or all-equal (including all-zero) loads."""
    ordered = _checked(values)
    n, total = len(ordered), sum(ordered)
    if n == 0 or total == 0:
        return 0.0
    # sum_i sum_j |x_i - x_j| = 2 * sum_i (2i - n - 1) x_(i), i = 1..n over sorted values
    weighted = sum((2 * i - n - 1) * x for i, x in enumerate(ordered, start=1))
    return max(0.0, weighted / (n * total))


def top_share(values: Sequence[float], fraction: float = 0.1) -> float:
    """Share of the total carried by the ceil(fraction * n) largest values; 0.0 when the total is 0."""
    ordered = _checked(values)
    total = sum(ordered)
    if not ordered or total == 0:
        return 0.0
    return sum(ordered[-top_count(len(ordered), fraction) :]) / total


def lorenz(values: Sequence[float]) -> list[tuple[float, float]]:
    """Points of the Lorenz curve from (0, 0) to (1, 1); the line of equality when the total is 0."""
    ordered = _checked(values)
    n, total = len(ordered), sum(ordered)
    if n == 0:
        return [(0.0, 0.0), (1.0, 1.0)]
    points = [(0.0, 0.0)]
    running = 0.0
    for k, value in enumerate(ordered, start=1):
        running += value
        share = running / total if total else k / n
        points.append((k / n, min(1.0, share)))
    points[-1] = (1.0, 1.0)
    return points
