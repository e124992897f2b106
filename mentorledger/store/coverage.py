"""Recording and reading calendar coverage (counting rule 10) in the ledger.

Written only from the ledger's one place that finishes a calendar's sync (``Ledger._finish``), inside
the calendar's transaction, so coverage and entries always agree: a success adds the span its window
covered up to that instant and clears ``failing_since``; a failure sets ``failing_since`` once.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from mentorledger.coverage import CalendarCoverage, Covered, Span, merge_covered
from mentorledger.store.schema import CalendarRow, CoverageRow


def record_success(session: Session, calendar: CalendarRow, window: Span, now: dt.datetime) -> None:
    """A successful sync at ``now`` of ``window``: the ledger holds the source's view of it."""
    calendar.failing_since = None
    calendar.synced_window_start, calendar.synced_window_end = window
    if window[0] >= min(window[1], now):
        return
    rows = list(session.scalars(select(CoverageRow).where(CoverageRow.calendar_id == calendar.id)))
    stored = [Covered(row.start_utc, row.end_utc, row.seen_at) for row in rows]
    merged = merge_covered([*stored, Covered(window[0], min(window[1], now), now)])
    session.execute(delete(CoverageRow).where(CoverageRow.calendar_id == calendar.id))
    session.add_all(
        CoverageRow(calendar_id=calendar.id, start_utc=s.start, end_utc=s.end, seen_at=s.seen_at)
        for s in merged
    )


def record_failure(calendar: CalendarRow, now: dt.datetime) -> None:
    if calendar.failing_since is None:
        calendar.failing_since = now


def load_coverage(engine: Engine, calendar_keys: Collection[str]) -> dict[str, CalendarCoverage]:
    """Coverage of each of these calendars that the ledger has seen (never-seen ones are absent).

    Reads only the columns coverage needs, through a plain connection: reports ask this of every
    calendar of the institution, and whole calendar rows would decode each one's cursor for nothing."""
    keys = list(calendar_keys)
    calendar_columns = select(
        CalendarRow.id,
        CalendarRow.calendar_key,
        CalendarRow.owner,
        CalendarRow.last_success_at,
        CalendarRow.failing_since,
        CalendarRow.consecutive_failures,
    ).where(CalendarRow.calendar_key.in_(keys))
    with engine.connect() as connection:
        calendars = list(connection.execute(calendar_columns))
        spans: dict[int, list[Covered]] = defaultdict(list)
        ids = [c.id for c in calendars]
        covered = (
            select(CoverageRow.calendar_id, CoverageRow.start_utc, CoverageRow.end_utc, CoverageRow.seen_at)
            .where(CoverageRow.calendar_id.in_(ids))
            .order_by(CoverageRow.start_utc)
        )
        for calendar_id, start, end, seen_at in connection.execute(covered):
            spans[calendar_id].append(Covered(start, end, seen_at))
    return {
        c.calendar_key: CalendarCoverage(
            calendar_key=c.calendar_key,
            owner=c.owner,
            spans=tuple(merge_covered(spans[c.id])),
            last_success_at=c.last_success_at,
            failing_since=c.failing_since,
            consecutive_failures=c.consecutive_failures or 0,
        )
        for c in calendars
    }
