"""Rules 7 and 10 as pure functions: which meetings count at an as-of instant, and how much of a
period a person's calendars covered (full, partial with its months, or no data)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from mentorledger.config import Window
from mentorledger.coverage import (
    CalendarCoverage,
    Covered,
    Extent,
    SyncStatus,
    merge_covered,
    period_coverage,
    person_sync,
    split_counted,
)

NY = ZoneInfo("America/New_York")
YEAR = Window(start=dt.date(2025, 7, 1), end=dt.date(2026, 6, 30))
W0 = dt.datetime(2025, 7, 1, 4, tzinfo=dt.UTC)  # local midnight, July 1
W1 = dt.datetime(2026, 7, 1, 4, tzinfo=dt.UTC)


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Meeting:
    start: dt.datetime
    end: dt.datetime
    calendar_key: str = "cal"


def calendar(*spans: Covered, key: str = "cal", failing: dt.datetime | None = None) -> CalendarCoverage:
    last = max((s.seen_at for s in spans), default=None)
    return CalendarCoverage(key, "ana@x.edu", spans, last, failing, 1 if failing else 0)


def test_a_meeting_counts_once_ended_by_the_as_of_instant_and_seen_by_a_sync() -> None:
    spans = {"cal": [Covered(W0, utc(2026, 1, 15, 12), utc(2026, 1, 15, 12))]}
    ended = Meeting(utc(2026, 1, 15, 11), utc(2026, 1, 15, 12))  # ends exactly at the sync
    after_sync = Meeting(utc(2026, 1, 20, 14), utc(2026, 1, 20, 15))  # the calendar never saw it happen
    future = Meeting(utc(2026, 3, 10, 14), utc(2026, 3, 10, 15))
    counted, scheduled = split_counted([ended, after_sync, future], spans, utc(2026, 3, 1))
    assert (counted, scheduled) == ([ended], [after_sync, future])
    # the same meeting, before it had ended at the as-of instant: not yet
    counted, _ = split_counted([ended], spans, utc(2026, 1, 15, 11, 30))
    assert counted == []


def test_a_meeting_running_past_the_window_end_counts_when_the_sync_came_after_it() -> None:
    late = Meeting(utc(2026, 7, 1, 3, 30), utc(2026, 7, 1, 4, 30))  # 23:30 - 00:30 across June 30
    seen_later = {"cal": [Covered(W0, W1, utc(2026, 12, 1))]}
    seen_before = {"cal": [Covered(W0, W1, utc(2026, 7, 1, 4, 10))]}
    assert split_counted([late], seen_later, utc(2026, 12, 1))[0] == [late]
    assert split_counted([late], seen_before, utc(2026, 12, 1))[0] == []


def test_covered_spans_merge_where_they_meet_and_keep_the_latest_sync() -> None:
    a = Covered(W0, utc(2025, 10, 1), utc(2025, 10, 1))
    b = Covered(W0, utc(2026, 1, 1), utc(2026, 1, 1))
    later_year = Covered(W1, utc(2026, 9, 1), utc(2026, 9, 1))
    assert merge_covered([later_year, a, b]) == [b, later_year]
    touching = Covered(utc(2026, 1, 1), utc(2026, 2, 1), utc(2026, 2, 1))
    assert merge_covered([b, touching]) == [Covered(W0, utc(2026, 2, 1), utc(2026, 2, 1))]


def test_a_period_no_calendar_covered_is_no_data() -> None:
    synced = calendar(Covered(W0, W1, utc(2026, 12, 1)))
    previous = Window(start=dt.date(2024, 7, 1), end=dt.date(2025, 6, 30))
    coverage = period_coverage([synced], previous, NY, utc(2026, 12, 1))
    assert (coverage.extent, coverage.data_through, coverage.months) == (Extent.NONE, None, 12)
    assert period_coverage([], YEAR, NY, utc(2026, 12, 1)).extent is Extent.NONE


def test_a_calendar_that_stopped_syncing_covers_the_period_in_part() -> None:
    stopped = calendar(Covered(W0, utc(2026, 1, 15, 12), utc(2026, 1, 15, 12)), failing=utc(2026, 2, 1))
    coverage = period_coverage([stopped], YEAR, NY, utc(2026, 3, 2, 5))
    assert coverage.extent is Extent.PARTIAL
    assert coverage.data_through == utc(2026, 1, 15, 12)
    assert (coverage.months_with_data, coverage.months) == (7, 9)  # July - January of July - March


def test_full_coverage_runs_to_the_as_of_date() -> None:
    synced = calendar(Covered(W0, utc(2026, 3, 5, 12), utc(2026, 3, 5, 12)))
    coverage = period_coverage([synced], YEAR, NY, utc(2026, 3, 2, 5))
    assert (coverage.extent, coverage.months_with_data, coverage.months) == (Extent.FULL, 9, 9)
    assert coverage.data_through == utc(2026, 3, 2, 5)


def test_a_stale_second_calendar_holds_the_persons_data_back() -> None:
    healthy = calendar(Covered(W0, utc(2026, 3, 5), utc(2026, 3, 5)), key="work")
    stale = calendar(Covered(W0, utc(2025, 12, 1, 12), utc(2025, 12, 1, 12)), key="home")
    coverage = period_coverage([healthy, stale], YEAR, NY, utc(2026, 3, 2, 5))
    assert (coverage.extent, coverage.data_through) == (Extent.PARTIAL, utc(2025, 12, 1, 12))


def test_a_persons_sync_status_comes_from_every_calendar() -> None:
    ok = calendar(Covered(W0, W1, utc(2026, 1, 1)))
    failing = calendar(Covered(W0, W1, utc(2026, 1, 1)), failing=utc(2026, 2, 1))
    never = CalendarCoverage("new", "ana@x.edu")
    assert person_sync([]).status is SyncStatus.NOT_CONNECTED
    assert person_sync([never]).status is SyncStatus.NEVER_SYNCED
    assert person_sync([ok]).status is SyncStatus.CONNECTED
    both = person_sync([ok, failing])
    assert (both.status, both.failing_since) == (SyncStatus.FAILING, utc(2026, 2, 1))
    assert person_sync([ok, never]).last_success_at is None  # one calendar has never synced
