"""The Google request budget is one slot of a global concurrency limit per batch, not per request,
and batches of ICS feeds never touch it. (Prefect's limit is replaced by a recorder: no server.)"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

import tasks.budget as budget
from mentorledger.config import CalendarSource


@pytest.fixture
def acquired(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, int]]:
    calls: list[tuple[Any, int]] = []

    @contextmanager
    def recorder(names: Any, occupy: int = 1, **_: Any) -> Iterator[None]:
        calls.append((names, occupy))
        yield

    monkeypatch.setattr(budget, "concurrency", recorder)
    return calls


def test_a_batch_with_google_calendars_takes_one_slot(acquired: list[tuple[Any, int]]) -> None:
    sources = [
        CalendarSource(owner="ana@med.example.edu", google="primary"),
        CalendarSource(owner="ben@med.example.edu", google="primary"),
        CalendarSource(owner="cy@med.example.edu", ics="c.ics"),
    ]
    with budget.google_budget(sources):
        pass
    assert acquired == [("google-calendar", 1)]


def test_a_batch_of_ics_feeds_takes_no_slot(acquired: list[tuple[Any, int]]) -> None:
    with budget.google_budget([CalendarSource(owner="cy@med.example.edu", ics="c.ics")]):
        pass
    assert acquired == []
