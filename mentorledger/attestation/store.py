"""Mentees' answers in the ledger (``attestations``), and the mentor's decision on a denied session.

Every answer and every decision is also a row of the review audit (owner: the mentor; actor: the
mentee who answered, or the mentor who decided; target ``attestation``), so the entry's history shows
both facts and no undo of the mentor's touches them. Only the answer and the times it was given for
are stored: never a comment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from mentorledger.attestation.rules import Answer, Meeting, Recorded, SessionKey
from mentorledger.reviews import MANUAL
from mentorledger.store.ledger import Ledger
from mentorledger.store.review_audit import new_batch, record, times
from mentorledger.store.schema import AttestationRow


def _recorded(row: AttestationRow) -> Recorded:
    return Recorded(
        row.mentor,
        row.mentee,
        row.event_key,
        Answer(row.answer),
        row.start_utc,
        row.end_utc,
        row.answered_at,
        row.kept_at,
    )


def recorded_answers(
    ledger: Ledger, *, mentors: Collection[str] | None = None, mentee: str | None = None
) -> dict[SessionKey, Recorded]:
    """The stored answers of these mentors' sessions (default: everyone's), or of one mentee's."""
    query = select(AttestationRow)
    if mentors is not None:
        query = query.where(AttestationRow.mentor.in_(list(mentors)))
    if mentee is not None:
        query = query.where(AttestationRow.mentee == mentee)
    with Session(ledger.engine) as session:
        return {(r.mentor, r.mentee, r.event_key): _recorded(r) for r in session.scalars(query)}


def record_answer(
    ledger: Ledger, meeting: Meeting, answer: Answer, *, via: str, at: dt.datetime | None = None
) -> bool:
    """Keep the mentee's answer about ``meeting`` (and audit it); False if it was already the answer
    for the session at these times."""
    at = at or dt.datetime.now(dt.UTC)
    with Session(ledger.engine) as session, session.begin():
        row = session.scalar(
            select(AttestationRow).where(
                AttestationRow.mentor == meeting.mentor,
                AttestationRow.mentee == meeting.mentee,
                AttestationRow.event_key == meeting.event_key,
            )
        )
        before = None
        if row is not None:
            if row.answer == answer and (row.start_utc, row.end_utc) == (meeting.start, meeting.end):
                return False
            before = {"answer": row.answer, **times(row.start_utc, row.end_utc)}
        else:
            row = AttestationRow(mentor=meeting.mentor, mentee=meeting.mentee, event_key=meeting.event_key)
            session.add(row)
        row.answer, row.via, row.answered_at = str(answer), via, at
        row.start_utc, row.end_utc, row.kept_at = meeting.start, meeting.end, None
        record(
            session,
            new_batch(),
            owner=meeting.mentor,
            actor=meeting.mentee,
            action="attest" if answer is Answer.CONFIRMED else "deny",
            event_key=meeting.event_key,
            manual_id=meeting.entry_id if meeting.origin == MANUAL else None,
            before=before,
            after={"answer": str(answer), **times(meeting.start, meeting.end)},
            at=at,
            target="attestation",
        )
    return True


def keep_denied(
    ledger: Ledger, *, mentor: str, event_key: str, manual_id: int | None, at: dt.datetime | None = None
) -> int:
    """The mentor keeps counting a session a mentee denied (their decision, audited); returns how many
    denials it answered (0: none was open)."""
    at = at or dt.datetime.now(dt.UTC)
    kept = 0
    with Session(ledger.engine) as session, session.begin():
        rows = session.scalars(
            select(AttestationRow).where(
                AttestationRow.mentor == mentor,
                AttestationRow.event_key == event_key,
                AttestationRow.answer == str(Answer.DENIED),
            )
        )
        for row in rows:
            if row.kept_at is not None and row.kept_at >= row.answered_at:
                continue
            row.kept_at = at
            kept += 1
            record(
                session,
                new_batch(),
                owner=mentor,
                actor=mentor,
                action="keep",
                event_key=event_key,
                manual_id=manual_id,
                before={"answer": row.answer, "mentee": row.mentee},
                after={"answer": row.answer, "kept": True},
                reason="kept counting after the mentee's answer",
                at=at,
                target="attestation",
            )
    return kept
