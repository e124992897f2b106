"""A mentor's reviews of the entries counted from their calendars (rule 8): confirm, exclude, reset,
confirm a whole period, and undo an action. Every function is scoped to one ``owner``: an entry of
anyone else is NotFoundError, exactly like an entry that does not exist.

A review belongs to the occurrence: all copies of a meeting on the mentor's calendars (same
``event_key``) change together, and the audit gets one row per occurrence.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from mentorledger.reviews import Review, occurrence_review
from mentorledger.store.ledger import Ledger
from mentorledger.store.manual import undo_manual
from mentorledger.store.review_audit import (
    AuditEvent,
    Batch,
    NotFoundError,
    batch_rows,
    history,
    new_batch,
    record,
    times,
)
from mentorledger.store.schema import CalendarRow, EntryRow, ReviewAuditRow

REASON_MAX = 500


def _occurrence_rows(
    session: Session, owner: str, calendar_keys: Collection[str], event_keys: Iterable[str] | None = None
) -> dict[str, list[EntryRow]]:
    query = (
        select(EntryRow)
        .join(CalendarRow, EntryRow.calendar_id == CalendarRow.id)
        .where(
            EntryRow.owner == owner,
            EntryRow.status == "active",
            CalendarRow.calendar_key.in_(list(calendar_keys)),
        )
    )
    if event_keys is not None:
        query = query.where(EntryRow.event_key.in_(list(event_keys)))
    rows: dict[str, list[EntryRow]] = defaultdict(list)
    for row in session.scalars(query):
        rows[row.event_key].append(row)
    return rows


def owned_entry(
    ledger: Ledger, owner: str, entry_id: int, calendar_keys: Collection[str]
) -> tuple[str, dt.datetime]:
    """The occurrence (event key) an entry id stands for and its start, if it is one of ``owner``'s
    counted entries; NotFoundError for anyone else's, exactly as for an id that does not exist."""
    with Session(ledger.engine) as session:
        found = session.execute(
            select(EntryRow.event_key, EntryRow.start_utc)
            .join(CalendarRow, EntryRow.calendar_id == CalendarRow.id)
            .where(
                EntryRow.id == entry_id,
                EntryRow.owner == owner,
                EntryRow.status == "active",
                CalendarRow.calendar_key.in_(list(calendar_keys)),
            )
        ).first()
    if found is None:
        raise NotFoundError(entry_id)
    return found[0], found[1]


def _set(
    session: Session,
    batch: str,
    *,
    owner: str,
    actor: str,
    occurrences: dict[str, list[EntryRow]],
    review: Review,
    reason: str | None,
    action: str,
    only_from: Collection[Review] | None = None,
) -> int:
    changed = 0
    for event_key, copies in sorted(occurrences.items()):
        before = occurrence_review(c.review for c in copies)
        if before == review or (only_from is not None and before not in only_from):
            continue
        session.execute(update(EntryRow).where(EntryRow.id.in_([c.id for c in copies])).values(review=review))
        first = min(copies, key=lambda c: c.id)
        span = times(first.start_utc, first.end_utc)
        record(
            session,
            batch,
            owner=owner,
            actor=actor,
            action=action,
            event_key=event_key,
            before={"review": str(before), **span},
            after={"review": str(review), **span},
            reason=reason,
        )
        changed += 1
    return changed


def set_review(
    ledger: Ledger,
    *,
    owner: str,
    actor: str,
    entry_id: int,
    review: Review,
    calendar_keys: Collection[str],
    reason: str | None = None,
) -> Batch:
    """Confirm, exclude (with a reason) or reset to pending one of ``owner``'s entries."""
    if review == Review.EXCLUDED and not (reason or "").strip():
        raise ValueError("say why the entry does not count")
    event_key, _ = owned_entry(ledger, owner, entry_id, calendar_keys)
    action = {Review.CONFIRMED: "confirm", Review.EXCLUDED: "exclude", Review.PENDING: "reset"}[review]
    batch = new_batch()
    with Session(ledger.engine) as session, session.begin():
        occurrences = _occurrence_rows(session, owner, calendar_keys, [event_key])
        clean = (reason or "").strip()[:REASON_MAX] or None
        changed = _set(
            session,
            batch,
            owner=owner,
            actor=actor,
            occurrences=occurrences,
            review=review,
            reason=clean,
            action=action,
        )
    return Batch(batch, changed)


def confirm_period(
    ledger: Ledger,
    *,
    owner: str,
    actor: str,
    start: dt.datetime,
    end: dt.datetime,
    calendar_keys: Collection[str],
) -> Batch:
    """Confirm every pending entry of ``owner`` that starts in [start, end); exclusions stay."""
    batch = new_batch()
    with Session(ledger.engine) as session, session.begin():
        occurrences = {
            key: copies
            for key, copies in _occurrence_rows(session, owner, calendar_keys).items()
            if any(start <= c.start_utc < end for c in copies)
        }
        changed = _set(
            session,
            batch,
            owner=owner,
            actor=actor,
            occurrences=occurrences,
            review=Review.CONFIRMED,
            reason=None,
            action="confirm",
            only_from=(Review.PENDING,),
        )
    return Batch(batch, changed)


def undo_reviews(
    session: Session,
    batch: str,
    rows: list[ReviewAuditRow],
    *,
    owner: str,
    actor: str,
    calendar_keys: Collection[str],
) -> int:
    """Put each occurrence of an action back as it was, unless it changed again since."""
    changed = 0
    entry_rows = [r for r in rows if r.target == "entry"]
    occurrences = _occurrence_rows(
        session, owner, calendar_keys, [r.event_key for r in entry_rows if r.event_key]
    )
    for row in entry_rows:
        copies = occurrences.get(row.event_key or "")
        if (
            not copies
            or not row.before
            or not row.after
            or occurrence_review(c.review for c in copies) != row.after["review"]
        ):
            continue
        changed += _set(
            session,
            batch,
            owner=owner,
            actor=actor,
            occurrences={copies[0].event_key: copies},
            review=Review(row.before["review"]),
            reason=None,
            action="undo",
        )
    return changed


def entry_history(ledger: Ledger, owner: str, event_key: str) -> list[AuditEvent]:
    with Session(ledger.engine) as session:
        return history(session, owner, event_key=event_key)


def exclusion_reasons(ledger: Ledger, owner: str, event_keys: Collection[str]) -> dict[str, str]:
    """The reason given with the latest exclusion of each of these occurrences."""
    if not event_keys:
        return {}
    reasons: dict[str, str] = {}
    with Session(ledger.engine) as session:
        keys = list(event_keys)
        for i in range(0, len(keys), 500):  # bounded IN lists
            query = (
                select(ReviewAuditRow.event_key, ReviewAuditRow.reason)
                .where(
                    ReviewAuditRow.owner == owner,
                    ReviewAuditRow.action == "exclude",
                    ReviewAuditRow.event_key.in_(keys[i : i + 500]),
                )
                .order_by(ReviewAuditRow.id)
            )
            for key, reason in session.execute(query):
                if key is not None and reason:
                    reasons[key] = reason
    return reasons


def undo(ledger: Ledger, *, owner: str, actor: str, batch: str, calendar_keys: Collection[str]) -> Batch:
    """Revert one of ``owner``'s actions (reviews and hand-made entries alike), as a new action."""
    undo_batch = new_batch()
    with Session(ledger.engine) as session, session.begin():
        rows = batch_rows(session, owner, batch)
        changed = undo_reviews(
            session, undo_batch, rows, owner=owner, actor=actor, calendar_keys=calendar_keys
        ) + undo_manual(session, undo_batch, rows, owner=owner, actor=actor)
    return Batch(undo_batch, changed)


def excluded_count(
    ledger: Ledger, owner: str, calendar_keys: Collection[str], bounds: tuple[dt.datetime, dt.datetime]
) -> int:
    """How many of ``owner``'s occurrences in [bounds) are excluded."""
    with Session(ledger.engine) as session:
        count = session.scalar(
            select(func.count(func.distinct(EntryRow.event_key)))
            .join(CalendarRow, EntryRow.calendar_id == CalendarRow.id)
            .where(
                EntryRow.owner == owner,
                EntryRow.status == "active",
                EntryRow.review == Review.EXCLUDED,
                EntryRow.start_utc < bounds[1],
                EntryRow.end_utc > bounds[0],
                CalendarRow.calendar_key.in_(list(calendar_keys)),
            )
        )
    return int(count or 0)
