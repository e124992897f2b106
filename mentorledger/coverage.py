"""Coverage (counting rule 10) and the as-of cut (rule 7): which spans a person's calendars are known
for, and which stored meetings therefore count. Pure functions over what the ledger recorded.

- A successful sync at instant T of the counting window [W0, W1) covers [W0, min(W1, T)); a calendar's
  spans are the union of those of all its successful syncs (see ``store/coverage.py``).
- A stored meeting counts when it ended by the as-of instant AND its end lies in a covered span of
  its calendar: a meeting that ended after the calendar's last successful sync has not been seen as
  happened (it may have been cancelled since), so it waits, shown as scheduled, like a future one.
  A meeting in progress at the as-of instant counts only once it has ended.
- A period no calendar of a person covered is "no data", never 0; one covered only in part says so.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import NamedTuple, Protocol, TypeVar
from zoneinfo import ZoneInfo

from mentorledger.config import Window

Span = tuple[dt.datetime, dt.datetime]  # [start, end) in UTC


class Covered(NamedTuple):
    """A span [start, end) a calendar's successful syncs covered, and the latest of those syncs.

    ``end`` is the sync instant, or the window's end when the sync came later; ``seen_at`` keeps the
    instant, so a meeting running past the window's end that had ended by then is known to have ended."""

    start: dt.datetime
    end: dt.datetime
    seen_at: dt.datetime


def merge_spans(spans: Iterable[Span]) -> list[Span]:
    """Spans sorted and merged where they overlap or touch; empty spans are dropped."""
    merged: list[Span] = []
    for start, end in sorted(s for s in spans if s[0] < s[1]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def merge_covered(spans: Iterable[Covered]) -> list[Covered]:
    """Covered spans merged where they overlap or touch (the later sync instant is kept)."""
    merged: list[Covered] = []
    for span in sorted(s for s in spans if s.start < s.end):
        last = merged[-1] if merged else None
        if last is not None and span.start <= last.end:
            merged[-1] = Covered(last.start, max(last.end, span.end), max(last.seen_at, span.seen_at))
        else:
            merged.append(span)
    return merged


def clip(spans: Iterable[Span], start: dt.datetime, end: dt.datetime) -> list[Span]:
    return merge_spans((max(s, start), min(e, end)) for s, e in spans)


def observed(start: dt.datetime, end: dt.datetime, spans: Sequence[Covered]) -> bool:
    """Whether a meeting [start, end) was seen as past by a successful sync of its calendar: it lies
    in a covered span and had ended by that span's latest sync."""
    return any(s.start < end and start < s.end and end <= s.seen_at for s in spans)


class Timed(Protocol):
    @property
    def start(self) -> dt.datetime: ...

    @property
    def end(self) -> dt.datetime: ...

    @property
    def calendar_key(self) -> str: ...


E = TypeVar("E", bound=Timed)


def split_counted(
    entries: Iterable[E], spans: Mapping[str, Sequence[Covered]], as_of: dt.datetime
) -> tuple[list[E], list[E]]:
    """(counted, scheduled): counted meetings ended by ``as_of`` and were seen as past by a sync;
    the rest (future, in progress, or not seen since it ended) are scheduled and never in a total."""
    counted: list[E] = []
    scheduled: list[E] = []
    for entry in entries:
        if entry.end <= as_of and observed(entry.start, entry.end, spans.get(entry.calendar_key, ())):
            counted.append(entry)
        else:
            scheduled.append(entry)
    return counted, scheduled


class SyncStatus(StrEnum):
    CONNECTED = "connected"  # every calendar synced, and the last attempt of each succeeded
    FAILING = "failing"  # at least one calendar's last attempt failed
    NEVER_SYNCED = "never synced"  # calendars configured, none synced successfully yet
    NOT_CONNECTED = "not connected"  # no calendar configured


@dataclass(frozen=True, slots=True)
class CalendarCoverage:
    """What the ledger knows about one calendar's syncs."""

    calendar_key: str
    owner: str
    spans: tuple[Covered, ...] = ()
    last_success_at: dt.datetime | None = None
    failing_since: dt.datetime | None = None
    consecutive_failures: int = 0


@dataclass(frozen=True, slots=True)
class PersonSync:
    status: SyncStatus
    calendars: int
    failing_since: dt.datetime | None = None
    last_success_at: dt.datetime | None = None  # the oldest of the calendars' last successes


def person_sync(calendars: Sequence[CalendarCoverage]) -> PersonSync:
    """One person's sync health from their configured calendars."""
    if not calendars:
        return PersonSync(SyncStatus.NOT_CONNECTED, 0)
    successes = [c.last_success_at for c in calendars if c.last_success_at is not None]
    oldest = min(successes) if len(successes) == len(calendars) else None
    failing = [c for c in calendars if c.consecutive_failures]
    if failing:
        known = [c.failing_since for c in failing if c.failing_since is not None]
        return PersonSync(SyncStatus.FAILING, len(calendars), min(known) if known else None, oldest)
    if not successes:
        return PersonSync(SyncStatus.NEVER_SYNCED, len(calendars))
    return PersonSync(SyncStatus.CONNECTED, len(calendars), None, oldest)


class Extent(StrEnum):
    FULL = "full"
    PARTIAL = "partial"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class PeriodCoverage:
    """How much of a period (up to the as-of instant) a person's calendars covered."""

    extent: Extent
    data_through: dt.datetime | None  # the end of what is known; None when nothing is
    months_with_data: int
    months: int  # calendar months of the period that had begun by the as-of instant
    until: dt.datetime | None = None  # the end of the part of the period looked at (as-of or its end)

    @property
    def has_data(self) -> bool:
        return self.extent is not Extent.NONE


NO_COVERAGE = PeriodCoverage(Extent.NONE, None, 0, 0)


def last_instant_date(instant: dt.datetime, tz: ZoneInfo) -> dt.date:
    """The local date an instant closes: local midnight closes the day before ("through March 1")."""
    return (instant.astimezone(tz) - dt.timedelta(microseconds=1)).date()


def period_bounds(window: Window, tz: ZoneInfo, as_of: dt.datetime) -> Span:
    """[first local midnight, min(the day after the last one, as_of)) in UTC; empty if not begun."""
    start = dt.datetime.combine(window.start, dt.time(), tz).astimezone(dt.UTC)
    end = dt.datetime.combine(window.end + dt.timedelta(days=1), dt.time(), tz).astimezone(dt.UTC)
    return start, max(start, min(end, as_of))


def period_coverage(
    calendars: Sequence[CalendarCoverage], window: Window, tz: ZoneInfo, as_of: dt.datetime
) -> PeriodCoverage:
    """Coverage of ``window`` up to ``as_of`` by one person's calendars.

    - none: no calendar covered any moment of it;
    - full: every local day of it was covered, through the as-of date;
    - partial: otherwise. ``data_through`` is the earliest end of coverage among the calendars that
      covered any of it (a calendar not synced since January holds the person's data at January), and
      ``months_with_data`` counts the months with a covered day before it.
    """
    start, stop = period_bounds(window, tz, as_of)
    if stop <= start:
        return NO_COVERAGE
    per_calendar = [clip(((c.start, c.end) for c in cal.spans), start, stop) for cal in calendars]
    union = merge_spans(s for spans in per_calendar for s in spans)
    days, months = _days(window.start, min(window.end, last_instant_date(stop, tz)))
    if not union:
        return PeriodCoverage(Extent.NONE, None, 0, months, stop)
    through = min(spans[-1][1] for spans in per_calendar if spans)
    starts = _day_starts(days[0], len(days), tz) if days else ()
    covered = _covered_days(union, days, starts, stop)
    with_data = {(days[i].year, days[i].month) for i in covered if starts[i] < through}
    complete = len(covered) == len(days) and last_instant_date(through, tz) >= last_instant_date(stop, tz)
    return PeriodCoverage(Extent.FULL if complete else Extent.PARTIAL, through, len(with_data), months, stop)


def _day_start(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tz).astimezone(dt.UTC)


@lru_cache(maxsize=256)
def _day_starts(first: dt.date, count: int, tz: ZoneInfo) -> tuple[dt.datetime, ...]:
    """The UTC starts of ``count`` local days from ``first`` and of the day after them. Reports ask
    the coverage of every person for the same few periods and months, so they are worked out once."""
    return tuple(_day_start(first + dt.timedelta(days=i), tz) for i in range(count + 1))


@lru_cache(maxsize=256)
def _days(first: dt.date, last: dt.date) -> tuple[tuple[dt.date, ...], int]:
    """The days from ``first`` to ``last`` and how many calendar months they meet (worked out once
    per period, not once per person)."""
    days = tuple(first + dt.timedelta(days=i) for i in range((last - first).days + 1))
    return days, len({(d.year, d.month) for d in days})


def _covered_days(
    union: Sequence[Span], days: Sequence[dt.date], starts: Sequence[dt.datetime], stop: dt.datetime
) -> list[int]:
    """The indexes of the days (before ``stop``) that a span of ``union`` touches; ``starts`` are the
    days' UTC starts and the next day's. ``union`` is sorted, disjoint and inside [starts[0], stop)
    (``clip``), so a span touches the run of days from the one it starts in to the last one starting
    before it ends: two binary searches per span, not a test of every day (reports ask this for every
    person, period and month)."""
    covered: list[int] = []
    for span_start, span_end in union:
        first = max(bisect_right(starts, span_start) - 1, covered[-1] + 1 if covered else 0)
        covered.extend(range(first, min(len(days), bisect_left(starts, min(span_end, stop)))))
    return covered
