"""The ledger: counted entries per calendar, written idempotently, one transaction per calendar.

Re-syncing a calendar compares the new entries with the stored ones by source key (rule 6):
unchanged entries are not written at all; edited ones are updated; ones that disappeared from the
window (deleted, cancelled, declined, no longer mentoring) are marked removed. Every change leaves an
audit row. A re-sync never touches a mentor's review, except that a confirmed entry whose meeting
moved returns to pending (rule 8, audited in the review audit). A sync that dies halfway leaves each calendar either fully old or fully new.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Row, Select, insert, select, update
from sqlalchemy.orm import Session

from mentorledger.config import CalendarSource
from mentorledger.counting import Category, Entry
from mentorledger.coverage import CalendarCoverage
from mentorledger.instances import stable_hash
from mentorledger.reviews import Review
from mentorledger.sources.protocol import Cursor
from mentorledger.store import coverage
from mentorledger.store.concurrency import lock_calendar, upsert_entries
from mentorledger.store.db import engine_for
from mentorledger.store.review_audit import times
from mentorledger.store.schema import AuditRow, CalendarRow, CalendarRunRow, EntryRow, ReviewAuditRow


@dataclass(frozen=True, slots=True)
class CalendarRef:
    calendar_key: str
    owner: str
    kind: str
    label: str  # safe to show and log: a path as written, a redacted URL, or a calendar id


def calendar_ref(source: CalendarSource) -> CalendarRef:
    """The ledger's identity for a configured calendar: owner, kind and the reference as written.
    Here rather than in ``sync`` so that reading commands need not import the sync machinery."""
    key = stable_hash(source.owner, source.kind, source.reference)
    return CalendarRef(calendar_key=key, owner=source.owner, kind=source.kind, label=source.label)


@dataclass(frozen=True, slots=True)
class CalendarState:
    """What the previous sync of a calendar left behind: the counting rules it was counted under, and
    its source's cursor (for conditional and incremental reads)."""

    rules_fingerprint: str | None = None
    cursor: Cursor | None = None


@dataclass(slots=True)
class ApplyStats:
    created: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0


@dataclass(frozen=True, slots=True)
class StoredEntry:
    owner: str
    calendar_key: str
    source_key: str
    event_key: str
    start: dt.datetime
    end: dt.datetime
    category: Category
    rule: str
    group_id: str | None
    participants: tuple[str, ...]
    review: str
    revision: str = ""
    origin: str = "calendar"  # calendar | manual (rule 9: added by hand)
    entry_id: int = 0  # the row's id: the web app's handle on an entry (0 for entries not yet stored)


@dataclass(frozen=True, slots=True)
class RunRecord:
    """What is written about one calendar in one run, besides its entries."""

    run_id: str
    started_at: dt.datetime
    outcome: str
    error: str | None = None
    dropped: dict[str, int] = field(default_factory=dict)
    problems: Sequence[str] = ()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _snapshot(entry: Entry | EntryRow) -> dict[str, Any]:
    """The audit's view of an entry: times, category and rule; never titles."""
    if isinstance(entry, Entry):
        start, end, category, rule = entry.start, entry.end, str(entry.category), entry.rule
    else:
        start, end, category, rule = entry.start_utc, entry.end_utc, entry.category, entry.rule
    return {"start": start.isoformat(), "end": end.isoformat(), "category": category, "rule": rule}


def _confirmed_and_moved(row: EntryRow, entry: Entry) -> bool:
    """Rule 8: a confirmed entry whose meeting moved goes back to pending (any other change, and any
    other review state, is left as the mentor decided)."""
    return row.review == Review.CONFIRMED and (row.start_utc, row.end_utc) != (entry.start, entry.end)


def _back_to_pending(row: EntryRow, entry: Entry, run_id: str, at: dt.datetime) -> dict[str, Any]:
    """The review audit's row for a confirmation the calendar undid by moving the meeting."""
    return {
        "batch": run_id,
        "owner": row.owner,
        "actor": "sync",
        "at": at,
        "action": "moved",
        "target": "entry",
        "event_key": row.event_key,
        "manual_id": None,
        "before": {"review": str(Review.CONFIRMED), **times(row.start_utc, row.end_utc)},
        "after": {"review": str(Review.PENDING), **times(entry.start, entry.end)},
        "reason": "the meeting moved on the calendar",
    }


def _audit(
    source_key: str,
    calendar_id: int,
    run_id: str,
    at: dt.datetime,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> dict[str, Any]:
    return {
        "source_key": source_key,
        "calendar_id": calendar_id,
        "run_id": run_id,
        "at": at,
        "action": action,
        "before": before,
        "after": after,
    }


_CATEGORIES = {str(c): c for c in Category}


def _entries_query(
    calendar_keys: Collection[str], start: dt.datetime, end: dt.datetime, *, include_excluded: bool
) -> Select[Any]:
    """Active entries of these calendars overlapping [start, end), as columns, by owner and start."""
    query = (
        select(
            EntryRow.owner,
            CalendarRow.calendar_key,
            EntryRow.source_key,
            EntryRow.event_key,
            EntryRow.start_utc,
            EntryRow.end_utc,
            EntryRow.category,
            EntryRow.rule,
            EntryRow.group_id,
            EntryRow.participants,
            EntryRow.review,
            EntryRow.revision,
            EntryRow.id,
        )
        .join(CalendarRow, EntryRow.calendar_id == CalendarRow.id)
        .where(
            EntryRow.status == "active",
            EntryRow.start_utc < end,
            EntryRow.end_utc > start,
            CalendarRow.calendar_key.in_(list(calendar_keys)),
        )
        .order_by(EntryRow.owner, EntryRow.start_utc)
    )
    return query if include_excluded else query.where(EntryRow.review != "excluded")


def _stored(row: Row[Any]) -> StoredEntry:
    return StoredEntry(
        owner=row[0],
        calendar_key=row[1],
        source_key=row[2],
        event_key=row[3],
        start=row[4],
        end=row[5],
        category=_CATEGORIES[row[6]],
        rule=row[7],
        group_id=row[8],
        participants=tuple(row[9]),
        review=row[10],
        revision=row[11],
        entry_id=row[12],
    )


class Ledger:
    def __init__(self, engine: Engine, *, clock: Callable[[], dt.datetime] = _now) -> None:
        self.engine = engine
        self.clock = clock  # when a sync finished: stamps last success, failures and coverage

    @classmethod
    def open(
        cls,
        url: str | None = None,
        *,
        config_path: Path | None = None,
        clock: Callable[[], dt.datetime] = _now,
    ) -> Ledger:
        """The ledger at ``url``, else the one ``store.location`` picks for the configuration at
        ``config_path`` (MENTORLEDGER_DATABASE_URL, MENTORLEDGER_HOME, beside the file), migrated to head."""
        return cls(engine_for(url, config_path=config_path), clock=clock)

    # -- reading -------------------------------------------------------------------------------------

    def state(self, calendar_key: str) -> CalendarState | None:
        with Session(self.engine) as session:
            row = session.scalar(select(CalendarRow).where(CalendarRow.calendar_key == calendar_key))
            if row is None:
                return None
            return CalendarState(row.rules_fingerprint, Cursor.from_json(row.cursor))

    def coverage(self, calendar_keys: Collection[str]) -> dict[str, CalendarCoverage]:
        """What the successful syncs of these calendars covered, and their sync health."""
        return coverage.load_coverage(self.engine, calendar_keys)

    def entries(
        self,
        calendar_keys: Collection[str],
        start: dt.datetime,
        end: dt.datetime,
        *,
        owner: str | None = None,
        owners: Collection[str] | None = None,
        include_excluded: bool = False,
        event_key: str | None = None,
    ) -> list[StoredEntry]:
        """Active entries of these calendars that overlap [start, end) (of one owner or some owners,
        of one occurrence), by owner and start.

        Reads columns, not ORM objects: a mentor's year is thousands of rows, read on every page."""
        query = _entries_query(calendar_keys, start, end, include_excluded=include_excluded)
        if owner is not None:
            query = query.where(EntryRow.owner == owner)
        if owners is not None:
            query = query.where(EntryRow.owner.in_(list(owners)))
        if event_key is not None:
            query = query.where(EntryRow.event_key == event_key)
        with self.engine.connect() as connection:  # rows as tuples: no ORM session, no identity map
            return [_stored(row) for row in connection.execute(query).all()]  # one fetch, not one a row

    def entries_by_owner(
        self,
        calendar_keys: Collection[str],
        start: dt.datetime,
        end: dt.datetime,
        *,
        include_excluded: bool = False,
        chunk: int = 5000,
    ) -> Iterator[tuple[str, list[StoredEntry]]]:
        """The same entries as ``entries``, streamed one owner at a time (in owner order): memory holds
        one owner's year, not the institution's, however many faculty the ledger has."""
        query = _entries_query(calendar_keys, start, end, include_excluded=include_excluded)
        with self.engine.connect() as connection:
            rows = connection.execute(query.execution_options(yield_per=chunk))
            current: list[StoredEntry] = []
            for row in rows:
                entry = _stored(row)
                if current and entry.owner != current[0].owner:
                    yield current[0].owner, current
                    current = []
                current.append(entry)
            if current:
                yield current[0].owner, current

    # -- writing -------------------------------------------------------------------------------------

    def apply(
        self,
        ref: CalendarRef,
        entries: Sequence[Entry],
        *,
        window: tuple[dt.datetime, dt.datetime],
        state: CalendarState,
        run: RunRecord,
    ) -> ApplyStats:
        """Make the calendar's stored entries inside ``window`` equal ``entries``, in one transaction."""
        start, end = window
        wanted = {entry.source_key for entry in entries}
        with Session(self.engine) as session, session.begin():
            calendar = self._calendar(session, ref)
            stored = {
                row.source_key: row
                for row in session.scalars(select(EntryRow).where(EntryRow.calendar_id == calendar.id))
            }
            vanished = [
                key
                for key, row in stored.items()
                if key not in wanted and row.start_utc < end and row.end_utc > start
            ]
            stats = self._write(session, calendar.id, stored, entries, vanished, run)
            self._finish(session, calendar, run, stats, state=state, success=True, window=window)
        return stats

    def apply_changes(
        self,
        ref: CalendarRef,
        upserts: Sequence[Entry],
        removals: Collection[str],
        *,
        window: tuple[dt.datetime, dt.datetime],
        state: CalendarState,
        run: RunRecord,
    ) -> ApplyStats:
        """Apply an incremental sync in one transaction: create or update ``upserts``, mark the entries
        with source keys in ``removals`` removed, and leave every other entry alone (no window-wide
        reconciliation: the source reported only what changed). The new state (sync token) is written
        in the same transaction, so a token is never stored for changes that were not. ``window`` is
        the counting window the cursor stands for (a cursor is only reused under an unchanged window
        and rules): after the changes the ledger holds the source's view of all of it (coverage)."""
        wanted = {entry.source_key for entry in upserts}
        gone = set(removals) - wanted
        with Session(self.engine) as session, session.begin():
            calendar = self._calendar(session, ref)
            keys = list(wanted | gone)
            stored: dict[str, EntryRow] = {}
            for i in range(0, len(keys), 500):  # bounded IN lists
                query = select(EntryRow).where(
                    EntryRow.calendar_id == calendar.id, EntryRow.source_key.in_(keys[i : i + 500])
                )
                stored.update((row.source_key, row) for row in session.scalars(query))
            stats = self._write(session, calendar.id, stored, upserts, gone, run)
            self._finish(session, calendar, run, stats, state=state, success=True, window=window)
        return stats

    def _write(
        self,
        session: Session,
        calendar_id: int,
        stored: dict[str, EntryRow],
        upserts: Sequence[Entry],
        removals: Collection[str],
        run: RunRecord,
    ) -> ApplyStats:
        """Create, update, restore and remove entries against what is ``stored``, with an audit row for
        each change; an entry whose fingerprint is unchanged is not written at all."""
        now = _now()
        stats = ApplyStats()
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        audit: list[dict[str, Any]] = []
        reviews: list[dict[str, Any]] = []
        for entry in upserts:
            row = stored.get(entry.source_key)
            values = {
                "owner": entry.owner,
                "event_key": entry.event_key,
                "start_utc": entry.start,
                "end_utc": entry.end,
                "category": str(entry.category),
                "rule": entry.rule,
                "group_id": entry.group_id,
                "participants": list(entry.participants),
                "fingerprint": entry.fingerprint,
                "revision": entry.revision,
                "status": "active",
                "updated_at": now,
                "removed_at": None,
            }
            if row is None:
                inserts.append(
                    {
                        **values,
                        "source_key": entry.source_key,
                        "calendar_id": calendar_id,
                        "first_seen_at": now,
                    }
                )
                action = "created"
                stats.created += 1
            elif row.status != "active" or row.fingerprint != entry.fingerprint:
                moved = _confirmed_and_moved(row, entry)
                updates.append({**values, "id": row.id, **({"review": Review.PENDING} if moved else {})})
                if moved:
                    reviews.append(_back_to_pending(row, entry, run.run_id, now))
                action = "restored" if row.status != "active" else "updated"
                stats.updated += 1
            else:
                stats.unchanged += 1
                continue
            before = None if row is None else _snapshot(row)
            audit.append(
                _audit(entry.source_key, calendar_id, run.run_id, now, action, before, _snapshot(entry))
            )
        for key in removals:
            row = stored.get(key)
            if row is None or row.status != "active":
                continue
            updates.append({"id": row.id, "status": "removed", "removed_at": now, "updated_at": now})
            audit.append(_audit(key, calendar_id, run.run_id, now, "removed", _snapshot(row), None))
            stats.removed += 1
        if inserts:
            # A writer that re-runs the same batch (a task retried after its worker died) may have
            # inserted these keys already: upsert rather than fail the calendar.
            session.execute(upsert_entries(session), inserts)
        if updates:
            session.execute(update(EntryRow), updates)
        if audit:
            session.execute(insert(AuditRow), audit)
        if reviews:
            session.execute(insert(ReviewAuditRow), reviews)
        return stats

    def record_failure(self, ref: CalendarRef, *, run: RunRecord) -> None:
        """The calendar could not be synced; its stored entries stay as they were."""
        with Session(self.engine) as session, session.begin():
            self._finish(session, self._calendar(session, ref), run, ApplyStats(), state=None, success=False)

    # -- helpers -------------------------------------------------------------------------------------

    @staticmethod
    def _calendar(session: Session, ref: CalendarRef) -> CalendarRow:
        row = lock_calendar(session, ref)
        if row is None:
            row = CalendarRow(
                calendar_key=ref.calendar_key,
                owner=ref.owner,
                kind=ref.kind,
                label=ref.label,
                consecutive_failures=0,
            )
            session.add(row)
            session.flush()
        elif row.label != ref.label or row.owner != ref.owner:
            row.label, row.owner = ref.label, ref.owner
        return row

    def _finish(
        self,
        session: Session,
        calendar: CalendarRow,
        run: RunRecord,
        stats: ApplyStats,
        *,
        state: CalendarState | None,
        success: bool,
        window: tuple[dt.datetime, dt.datetime] | None = None,
    ) -> None:
        """The one place a calendar's sync ends, successful or not: sync state, health, coverage
        (``window``: the counting window the successful sync stands for) and the run."""
        now = self.clock()
        calendar.last_attempt_at = now
        if success:
            assert state is not None
            calendar.rules_fingerprint = state.rules_fingerprint
            token = state.cursor.token if state.cursor is not None else None
            previous = Cursor.from_json(calendar.cursor)
            if token != (previous.token if previous is not None else None):
                calendar.sync_token_at = now if token else None
            calendar.cursor = state.cursor.to_json() if state.cursor is not None else None
            calendar.last_success_at = now
            calendar.consecutive_failures = 0
            calendar.last_error = None if run.outcome != "partial" else run.error
            assert window is not None
            coverage.record_success(session, calendar, window, now)
        else:
            calendar.consecutive_failures = (calendar.consecutive_failures or 0) + 1
            calendar.last_error = run.error
            coverage.record_failure(calendar, now)
        session.add(
            CalendarRunRow(
                run_id=run.run_id,
                calendar_id=calendar.id,
                started_at=run.started_at,
                finished_at=now,
                outcome=run.outcome,
                error=run.error,
                created=stats.created,
                updated=stats.updated,
                removed=stats.removed,
                unchanged=stats.unchanged,
                dropped=dict(run.dropped),
                problems=list(run.problems),
            )
        )
