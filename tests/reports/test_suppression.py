"""Equity aggregates: cells under 5 people suppressed, plus a complementary cell, never a label on a row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st

from mentorledger.reports.chair_data import (
    MIN_CELL,
    NOT_REPORTED,
    SUPPRESSED_LABEL,
    EquityCell,
    build_chair_report,
    suppress,
)
from mentorledger.store.ledger import Ledger
from tests.reports.department import Department


@dataclass(frozen=True)
class Load:
    """What an equity cell adds up about one mentor (the faculty row's e-mail and hours)."""

    email: str
    minutes: int | None
    uncredited_minutes: int | None


def row(i: int, minutes: int = 60) -> Load:
    return Load(email=f"p{i}@x.edu", minutes=minutes, uncredited_minutes=minutes)


def groups_of(sizes: dict[str, int]) -> dict[str, list[Load]]:
    counter = iter(range(10_000))
    return {label: [row(next(counter)) for _ in range(n)] for label, n in sizes.items()}


def shown(cells: list[EquityCell]) -> dict[str, int | None]:
    return {c.label: c.people for c in cells if not c.suppressed}


def test_one_small_cell_takes_the_next_smallest_with_it() -> None:
    cells = suppress(groups_of({"a": 9, "b": 6, "c": 2}))
    assert shown(cells) == {"a": 9}
    assert cells[-1].label == SUPPRESSED_LABEL
    assert cells[-1].suppressed


def test_two_small_cells_need_no_complement() -> None:
    assert shown(suppress(groups_of({"a": 9, "b": 3, "c": 2, NOT_REPORTED: 6}))) == {"a": 9, NOT_REPORTED: 6}


def test_cells_of_five_or_more_are_shown_without_a_suppressed_row() -> None:
    cells = suppress(groups_of({"a": 5, "b": 5}))
    assert shown(cells) == {"a": 5, "b": 5}
    assert not any(c.suppressed for c in cells)


def test_an_answer_shared_by_everyone_is_not_shown() -> None:
    # showing "a: 8" beside a faculty table of 8 named people would label every one of them
    cells = suppress(groups_of({"a": 8}))
    assert shown(cells) == {}
    assert shown(suppress(groups_of({NOT_REPORTED: 8}))) == {NOT_REPORTED: 8}


def test_suppressed_answers_are_merged_without_labels_or_numbers() -> None:
    cells = suppress(groups_of({"a": 7, "rare": 1}))
    assert [c.label for c in cells] == [SUPPRESSED_LABEL]
    assert (cells[0].people, cells[0].minutes, cells[0].uncredited_minutes) == (None, None, None)


@given(st.dictionaries(st.sampled_from("abcdefgh"), st.integers(min_value=1, max_value=20), min_size=1))
def test_no_suppressed_cell_can_be_derived_from_the_total(sizes: dict[str, int]) -> None:
    visible = shown(suppress(groups_of(sizes)))
    hidden = set(sizes) - set(visible)
    assert all(n >= MIN_CELL for n in visible.values())
    assert {label for label, n in sizes.items() if n < MIN_CELL} <= hidden
    assert len(hidden) != 1 or not visible  # one hidden answer would be the total minus the shown ones
    assert all(visible[label] == sizes[label] for label in visible)


def test_fixture_equity_tables_suppress_the_small_groups(department: Department, ledger: Ledger) -> None:
    report = build_chair_report(
        department.config, ledger, "Pediatrics", start=dt.date(2025, 7, 1), end=dt.date(2026, 6, 30)
    )
    assert report.equity is not None
    tables = {t.field: t.cells for t in report.equity}
    # 6 woman, 5 man, 1 nonbinary: nonbinary hidden, and man with it (else 12 - 6 - 5 gives it away);
    # only the 12 mentors with data count: the 14 people without calendars would show as "not reported"
    assert shown(tables["gender"]) == {"woman": 6}
    # 3 yes, 7 no, 2 not reported: two small cells hide each other
    assert shown(tables["urim"]) == {"no": 7}
    woman = next(c for c in tables["gender"] if c.label == "woman")
    answers = department.config.self_reported
    rows = [r for r in report.rows if r.email in answers and answers[r.email].gender == "woman"]
    assert woman.minutes == sum(r.minutes or 0 for r in rows)


def test_answers_differing_only_in_case_or_spaces_are_one_group() -> None:
    from mentorledger.reports.chair_data import _label

    assert _label("Woman ") == _label("woman") == "woman"
    assert (_label(None), _label(True), _label(False)) == (NOT_REPORTED, "yes", "no")
