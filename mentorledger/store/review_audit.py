"""The review audit: one row per review action and per change to a hand-made entry (rule 8, rule 9).

Who acted, when, on what, the state before and after, and the reason given. Rows of one action share
a ``batch`` id, which is what an undo names. Snapshots hold times, review state, category and how the
mentoring happened; never titles and never a mentor's private note.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from mentorledger.store.schema import ReviewAuditRow


class NotFoundError(LookupError):
    """No such entry, hand-made entry or action *for this mentor*: another person's id looks exactly
    like one that does not exist (the web app answers 404 for both)."""


@dataclass(frozen=True, slots=True)
class Batch:
    """The outcome of one review action: its id (for undo) and how many entries it changed."""

    id: str
    changed: int


@dataclass(frozen=True, slots=True)
class AuditEvent:
    at: dt.datetime
    actor: str
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    reason: str | None


def new_batch() -> str:
    return secrets.token_hex(8)


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def times(start: dt.datetime, end: dt.datetime) -> dict[str, str]:
    return {"start": start.isoformat(), "end": end.isoformat()}


def record(
    session: Session,
    batch: str,
    *,
    owner: str,
    actor: str,
    action: str,
    event_key: str | None = None,
    manual_id: int | None = None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    reason: str | None = None,
    at: dt.datetime | None = None,
    target: str | None = None,
) -> None:
    """One audit row. ``target`` defaults to ``manual`` or ``entry``; a mentee's answer is
    ``attestation`` (shown in the entry's history, never undone by the mentor's undo)."""
    session.execute(
        insert(ReviewAuditRow).values(
            batch=batch,
            owner=owner,
            actor=actor,
            at=at or now(),
            action=action,
            target=target or ("manual" if manual_id is not None else "entry"),
            event_key=event_key,
            manual_id=manual_id,
            before=before,
            after=after,
            reason=reason,
        )
    )


def batch_rows(session: Session, owner: str, batch: str) -> list[ReviewAuditRow]:
    """The rows of one action of ``owner``; NotFoundError when there are none (or they are someone else's)."""
    rows = list(
        session.scalars(
            select(ReviewAuditRow)
            .where(ReviewAuditRow.batch == batch, ReviewAuditRow.owner == owner)
            .order_by(ReviewAuditRow.id)
        )
    )
    if not rows:
        raise NotFoundError(batch)
    return rows


def history(
    session: Session, owner: str, *, event_key: str | None = None, manual_id: int | None = None
) -> list[AuditEvent]:
    """What happened to one entry, oldest first."""
    query = select(ReviewAuditRow).where(ReviewAuditRow.owner == owner).order_by(ReviewAuditRow.id)
    if event_key is not None:
        query = query.where(ReviewAuditRow.event_key == event_key)
    else:
        query = query.where(ReviewAuditRow.manual_id == manual_id)
    return [
        AuditEvent(row.at, row.actor, row.action, row.before, row.after, row.reason)
        for row in session.scalars(query)
    ]
