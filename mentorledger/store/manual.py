"""Hand-made entries (rule 9): mentoring that never reached a calendar, added by its mentor.

Each one counts in its mentor's minute union like a calendar entry, with ``origin: manual``. A
removed entry stays in the table (and the audit) and can be restored. Every function is scoped to one
``owner``; another person's entry is NotFoundError. The private note is returned only to the owner's own
views and never enters the audit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from mentorledger.counting import Category
from mentorledger.manual_input import ManualInput
from mentorledger.reviews import MANUAL, How, Review
from mentorledger.store.ledger import Ledger, StoredEntry
from mentorledger.store.review_audit import (
    AuditEvent,
    Batch,
    NotFoundError,
    history,
    new_batch,
    now,
    record,
    times,
)
from mentorledger.store.schema import ManualEntryRow, ReviewAuditRow

NOTE_MAX = 2000
_AUDITED = ("start_utc", "end_utc", "how", "category", "mentee", "group_id")


@dataclass(frozen=True, slots=True)
class ManualEntry:
    id: int
    owner: str
    start: dt.datetime
    end: dt.datetime
    how: How
    category: Category
    mentee: str | None
    group_id: str | None
    note: str | None
    active: bool
    created_at: dt.datetime

    def as_stored(self) -> StoredEntry:
        """The entry as the minute union sees it: its own occurrence, never a copy of another."""
        key = f"manual:{self.id}"
        return StoredEntry(
            owner=self.owner,
            calendar_key="",
            source_key=key,
            event_key=key,
            start=self.start,
            end=self.end,
            category=self.category,
            rule=f"manual:{self.how}",
            group_id=self.group_id,
            participants=(self.mentee,) if self.mentee else (),
            review=Review.CONFIRMED,  # the mentor's own statement needs no review of its own
            origin=MANUAL,
            entry_id=self.id,
        )


def _entry(row: ManualEntryRow) -> ManualEntry:
    return ManualEntry(
        id=row.id,
        owner=row.owner,
        start=row.start_utc,
        end=row.end_utc,
        how=How(row.how),
        category=Category(row.category),
        mentee=row.mentee,
        group_id=row.group_id,
        note=row.note,
        active=row.status == "active",
        created_at=row.created_at,
    )


def _snapshot(row: ManualEntryRow | dict[str, Any], status: str) -> dict[str, Any]:
    """What the audit keeps of a hand-made entry: never the note."""
    values: dict[str, Any] = row if isinstance(row, dict) else {c: getattr(row, c) for c in _AUDITED}
    return {
        "status": status,
        **times(values["start_utc"], values["end_utc"]),
        **{name: values.get(name) for name in _AUDITED[2:]},
    }


def add_manual(
    ledger: Ledger,
    *,
    owner: str,
    actor: str,
    start: dt.datetime,
    minutes: int,
    how: How,
    category: Category,
    mentee: str | None = None,
    group_id: str | None = None,
    note: str | None = None,
) -> tuple[int, Batch]:
    """Store a hand-made entry (already validated by the caller) and audit it; returns its id."""
    at = now()
    values = {
        "owner": owner,
        "start_utc": start,
        "end_utc": start + dt.timedelta(minutes=minutes),
        "how": str(how),
        "category": str(category),
        "mentee": mentee,
        "group_id": group_id,
        "note": (note or "").strip()[:NOTE_MAX] or None,
        "status": "active",
        "created_at": at,
        "created_by": actor,
        "updated_at": at,
    }
    batch = new_batch()
    with Session(ledger.engine) as session, session.begin():
        manual_id = session.execute(
            insert(ManualEntryRow).values(**values).returning(ManualEntryRow.id)
        ).scalar_one()
        record(
            session,
            batch,
            owner=owner,
            actor=actor,
            action="add",
            manual_id=manual_id,
            before=None,
            after=_snapshot(values, "active"),
            at=at,
        )
    return manual_id, Batch(batch, 1)


def add_checked(ledger: Ledger, *, owner: str, actor: str, entry: ManualInput) -> tuple[int, Batch]:
    """Store an entry that ``manual_input.check_manual`` accepted."""
    return add_manual(
        ledger,
        owner=owner,
        actor=actor,
        start=entry.start,
        minutes=entry.minutes,
        how=entry.how,
        category=entry.category,
        mentee=entry.mentee,
        group_id=entry.group_id,
        note=entry.note,
    )


def _owned(session: Session, owner: str, manual_id: int) -> ManualEntryRow:
    row = session.scalar(
        select(ManualEntryRow).where(ManualEntryRow.id == manual_id, ManualEntryRow.owner == owner)
    )
    if row is None:
        raise NotFoundError(manual_id)
    return row


def manual_entry(ledger: Ledger, owner: str, manual_id: int) -> ManualEntry:
    with Session(ledger.engine) as session:
        return _entry(_owned(session, owner, manual_id))


def _set_status(
    session: Session, batch: str, row: ManualEntryRow, *, actor: str, active: bool, action: str
) -> int:
    status = "active" if active else "removed"
    if row.status == status:
        return 0
    before = _snapshot(row, row.status)
    session.execute(
        update(ManualEntryRow).where(ManualEntryRow.id == row.id).values(status=status, updated_at=now())
    )
    record(
        session,
        batch,
        owner=row.owner,
        actor=actor,
        action=action,
        manual_id=row.id,
        before=before,
        after=_snapshot(row, status),
    )
    return 1


def set_manual_active(ledger: Ledger, *, owner: str, actor: str, manual_id: int, active: bool) -> Batch:
    """Remove (``active=False``) or restore one of ``owner``'s hand-made entries."""
    batch = new_batch()
    with Session(ledger.engine) as session, session.begin():
        row = _owned(session, owner, manual_id)
        changed = _set_status(
            session, batch, row, actor=actor, active=active, action="restore" if active else "remove"
        )
    return Batch(batch, changed)


def undo_manual(session: Session, batch: str, rows: list[ReviewAuditRow], *, owner: str, actor: str) -> int:
    """Revert the hand-made entries an action added, removed or restored."""
    changed = 0
    for audit in rows:
        if audit.target != "manual" or audit.manual_id is None:
            continue
        row = _owned(session, owner, audit.manual_id)
        was_active = audit.before is not None and audit.before.get("status") == "active"
        changed += _set_status(
            session, batch, row, actor=actor, active=was_active, action="restore" if was_active else "remove"
        )
    return changed


def manual_entries(
    ledger: Ledger,
    start: dt.datetime,
    end: dt.datetime,
    *,
    owners: Collection[str] | None = None,
    include_removed: bool = False,
) -> list[ManualEntry]:
    """Hand-made entries overlapping [start, end), of these owners (default: everyone)."""
    query = (
        select(ManualEntryRow)
        .where(ManualEntryRow.start_utc < end, ManualEntryRow.end_utc > start)
        .order_by(ManualEntryRow.owner, ManualEntryRow.start_utc, ManualEntryRow.id)
    )
    if owners is not None:
        query = query.where(ManualEntryRow.owner.in_(list(owners)))
    if not include_removed:
        query = query.where(ManualEntryRow.status == "active")
    with Session(ledger.engine) as session:
        return [_entry(row) for row in session.scalars(query)]


def manual_history(ledger: Ledger, owner: str, manual_id: int) -> list[AuditEvent]:
    with Session(ledger.engine) as session:
        return history(session, owner, manual_id=manual_id)
