"""Race-safe writes for a ledger shared by many workers (PostgreSQL, or SQLite on one machine).

Two workers may sync the same calendar at once: a task whose worker died is re-run while the first
attempt is still writing, or an on-demand re-sync overlaps the hourly run. Each calendar is written in
one transaction that first takes the calendar's row lock, so writers of one calendar queue behind each
other and the second one sees what the first committed (it finds nothing to do). The calendar row is
created with INSERT ... ON CONFLICT DO NOTHING and entries are inserted with ON CONFLICT DO UPDATE, so
even a writer that got past the lock (another dialect) never fails on a unique key.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Insert, Table, insert, select
from sqlalchemy.orm import Session

from mentorledger.store.schema import CalendarRow, EntryRow

# Columns a re-inserted entry takes from the newer write; ``review`` (the mentor's decision) and
# ``first_seen_at`` keep their stored values.
_UPSERT_COLUMNS = (
    "calendar_id",
    "owner",
    "event_key",
    "start_utc",
    "end_utc",
    "category",
    "rule",
    "group_id",
    "participants",
    "fingerprint",
    "revision",
    "status",
    "updated_at",
    "removed_at",
)


def _dialect_insert(session: Session, table: Table) -> Insert | None:
    name = session.get_bind().dialect.name  # each dialect imported only when its ledger writes
    if name == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table)
    if name == "sqlite":
        from sqlalchemy.dialects import sqlite

        return sqlite.insert(table)
    return None


def _table(model: type[CalendarRow] | type[EntryRow]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def lock_calendar(session: Session, ref: Any) -> CalendarRow | None:
    """The calendar's row, created if missing and locked until the transaction ends.

    On PostgreSQL the row lock (SELECT ... FOR UPDATE) serialises writers of one calendar. On SQLite
    the first statement is a write, so the transaction holds the database's write lock from the start
    and never has to upgrade a stale read snapshot (which SQLite refuses with "database is locked").
    Returns None only on dialects without ON CONFLICT, where the caller creates the row itself.
    """
    statement = _dialect_insert(session, _table(CalendarRow))
    if statement is not None:
        session.execute(
            statement.values(
                calendar_key=ref.calendar_key,
                owner=ref.owner,
                kind=ref.kind,
                label=ref.label,
                consecutive_failures=0,
            ).on_conflict_do_nothing(index_elements=["calendar_key"])  # type: ignore[attr-defined]
        )
    query = select(CalendarRow).where(CalendarRow.calendar_key == ref.calendar_key)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    row: CalendarRow | None = session.scalar(query)
    return row


def upsert_entries(session: Session) -> Insert:
    """An INSERT of entry rows that updates a row whose ``source_key`` already exists."""
    table = _table(EntryRow)
    statement = _dialect_insert(session, table)
    if statement is None:
        return insert(table)
    excluded = statement.excluded  # type: ignore[attr-defined]
    upsert: Insert = statement.on_conflict_do_update(  # type: ignore[attr-defined]
        index_elements=["source_key"], set_={name: excluded[name] for name in _UPSERT_COLUMNS}
    )
    return upsert
