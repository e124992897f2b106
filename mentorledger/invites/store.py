"""What was sent for each group session: the memory that makes sending idempotent.

One row per session (group, token): its UID, the SEQUENCE last sent, the time, status and attendees
last sent, and a fingerprint of everything the invite carries (time, status, attendees, agenda). No
agenda text, titles or locations are stored (SPEC privacy); the fingerprint is a hash.
A row is written only after the message was accepted by the mail server, so a failed send is never
recorded as sent and is tried again on the next run. Every attempt is logged in ``invite_deliveries``.

Since revision 0006 a session also remembers its organizer (a hand-over cancels and re-invites under
a new UID; ``generation`` counts hand-overs), the SEQUENCE from which answers count (``reply_floor``:
raised when the time changes, since an answer to the old time says nothing about the new one) and
when the facilitator's digest went out. ``invite_replies`` keeps one answer per member per session
UID: the PARTSTAT, the SEQUENCE and DTSTAMP it answered; never a comment or any other text.
Rows written before 0006 have no organizer: they are read as sent by the group's current organizer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from mentorledger.store.db import engine_for
from mentorledger.store.schema import Base


class InviteSessionRow(Base):
    __tablename__ = "invite_sessions"
    __table_args__ = (UniqueConstraint("group_id", "token", name="uq_invite_sessions_group_token"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[str] = mapped_column(String(128), index=True)
    token: Mapped[str] = mapped_column(String(64))
    uid: Mapped[str] = mapped_column(String(320), unique=True)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    fingerprint: Mapped[str] = mapped_column(String(64))
    start_utc: Mapped[dt.datetime]
    end_utc: Mapped[dt.datetime]
    status: Mapped[str] = mapped_column(String(16))  # confirmed | cancelled
    attendees: Mapped[list[str]]
    first_sent_at: Mapped[dt.datetime]
    last_sent_at: Mapped[dt.datetime]
    organizer: Mapped[str | None] = mapped_column(String(320))
    generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    reply_floor: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    digest_sent_at: Mapped[dt.datetime | None]


class InviteReplyRow(Base):
    """A member's answer to one session UID (the newest by DTSTAMP wins)."""

    __tablename__ = "invite_replies"
    __table_args__ = (UniqueConstraint("uid", "attendee", name="uq_invite_replies_uid_attendee"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[str] = mapped_column(String(128), index=True)
    token: Mapped[str] = mapped_column(String(64))
    uid: Mapped[str] = mapped_column(String(320))
    attendee: Mapped[str] = mapped_column(String(320))
    partstat: Mapped[str] = mapped_column(String(16))  # ACCEPTED | TENTATIVE | DECLINED
    sequence: Mapped[int] = mapped_column(Integer)
    dtstamp: Mapped[dt.datetime]
    recorded_at: Mapped[dt.datetime]


class InviteDeliveryRow(Base):
    __tablename__ = "invite_deliveries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[str] = mapped_column(String(128), index=True)
    uid: Mapped[str] = mapped_column(String(320), index=True)
    method: Mapped[str] = mapped_column(String(16))
    sequence: Mapped[int] = mapped_column(Integer)
    recipients: Mapped[list[str]]
    at: Mapped[dt.datetime]
    outcome: Mapped[str] = mapped_column(String(16))  # sent | failed
    error: Mapped[str | None] = mapped_column(Text)


@dataclass(frozen=True, slots=True)
class SentSession:
    group_id: str
    token: str
    uid: str
    sequence: int
    fingerprint: str
    start: dt.datetime
    end: dt.datetime
    status: str  # confirmed | cancelled | skipped
    attendees: tuple[str, ...]
    organizer: str | None = None  # None: sent before 0006, by the group's organizer at the time
    generation: int = 0
    reply_floor: int = 0
    digest_sent_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class Reply:
    """A member's answer as read from an iTIP REPLY (already matched to a session's UID)."""

    uid: str
    attendee: str
    partstat: str
    sequence: int
    dtstamp: dt.datetime


@dataclass(frozen=True, slots=True)
class Delivery:
    group_id: str
    uid: str
    method: str
    sequence: int
    recipients: tuple[str, ...]
    outcome: str
    error: str | None = None


class InviteStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str | None = None, *, config_path: Path | None = None) -> InviteStore:
        """The invite tables of the ledger at ``url``, else of the configuration's ledger."""
        return cls(engine_for(url, config_path=config_path))

    def sent(self, group_id: str) -> dict[str, SentSession]:
        """The sessions of a group as last sent, by token."""
        with Session(self.engine) as session:
            rows = session.scalars(select(InviteSessionRow).where(InviteSessionRow.group_id == group_id))
            return {r.token: _sent(r) for r in rows}

    def session_by_uid(self, uid: str) -> SentSession | None:
        """The session last sent under ``uid`` (UIDs are unique across groups), if any."""
        with Session(self.engine) as session:
            row = session.scalar(select(InviteSessionRow).where(InviteSessionRow.uid == uid))
            return _sent(row) if row is not None else None

    def record_reply(self, group_id: str, token: str, reply: Reply, *, at: dt.datetime) -> bool:
        """Keep ``reply`` unless an answer with a later DTSTAMP is already kept; True if kept."""
        with Session(self.engine) as session, session.begin():
            row = session.scalar(
                select(InviteReplyRow).where(
                    InviteReplyRow.uid == reply.uid, InviteReplyRow.attendee == reply.attendee
                )
            )
            if row is not None and row.dtstamp >= reply.dtstamp:
                return False
            if row is None:
                row = InviteReplyRow(group_id=group_id, token=token, uid=reply.uid, attendee=reply.attendee)
                session.add(row)
            row.partstat, row.sequence, row.dtstamp, row.recorded_at = (
                reply.partstat,
                reply.sequence,
                reply.dtstamp,
                at,
            )
            return True

    def answers(self, group_id: str) -> dict[str, dict[str, str]]:
        """Per session token, each member's answer that still counts: given to the session's current
        UID at or after its ``reply_floor`` (the SEQUENCE at which its time last changed)."""
        with Session(self.engine) as session:
            rows = session.execute(
                select(InviteReplyRow.token, InviteReplyRow.attendee, InviteReplyRow.partstat)
                .join(InviteSessionRow, InviteSessionRow.uid == InviteReplyRow.uid)
                .where(
                    InviteReplyRow.group_id == group_id,
                    InviteReplyRow.sequence >= InviteSessionRow.reply_floor,
                )
            )
            out: dict[str, dict[str, str]] = {}
            for token, attendee, partstat in rows:
                out.setdefault(token, {})[attendee] = partstat
            return out

    def record_digest(self, group_id: str, token: str, *, at: dt.datetime) -> None:
        with Session(self.engine) as session, session.begin():
            row = session.scalar(
                select(InviteSessionRow).where(
                    InviteSessionRow.group_id == group_id, InviteSessionRow.token == token
                )
            )
            if row is not None:
                row.digest_sent_at = at

    def record_sent(self, state: SentSession, *, at: dt.datetime) -> None:
        """Remember that ``state`` reached the mail server (call only after it did)."""
        with Session(self.engine) as session, session.begin():
            row = session.scalar(
                select(InviteSessionRow).where(
                    InviteSessionRow.group_id == state.group_id, InviteSessionRow.token == state.token
                )
            )
            if row is None:
                row = InviteSessionRow(group_id=state.group_id, token=state.token, first_sent_at=at)
                session.add(row)
            if row.uid != state.uid:  # a new UID (hand-over): its facilitator has not been told yet
                row.digest_sent_at = None
            row.uid, row.sequence, row.fingerprint = state.uid, state.sequence, state.fingerprint
            row.start_utc, row.end_utc = state.start, state.end
            row.status, row.attendees, row.last_sent_at = state.status, list(state.attendees), at
            row.organizer, row.generation, row.reply_floor = (
                state.organizer,
                state.generation,
                state.reply_floor,
            )

    def log(self, deliveries: Sequence[Delivery], *, at: dt.datetime) -> None:
        if not deliveries:
            return
        with Session(self.engine) as session, session.begin():
            session.add_all(
                InviteDeliveryRow(
                    group_id=d.group_id,
                    uid=d.uid,
                    method=d.method,
                    sequence=d.sequence,
                    recipients=list(d.recipients),
                    at=at,
                    outcome=d.outcome,
                    error=d.error,
                )
                for d in deliveries
            )

    def deliveries(self, group_id: str) -> list[Delivery]:
        with Session(self.engine) as session:
            rows = session.scalars(
                select(InviteDeliveryRow)
                .where(InviteDeliveryRow.group_id == group_id)
                .order_by(InviteDeliveryRow.id)
            )
            return [
                Delivery(r.group_id, r.uid, r.method, r.sequence, tuple(r.recipients), r.outcome, r.error)
                for r in rows
            ]


def _sent(r: InviteSessionRow) -> SentSession:
    return SentSession(
        r.group_id,
        r.token,
        r.uid,
        r.sequence,
        r.fingerprint,
        r.start_utc,
        r.end_utc,
        r.status,
        tuple(r.attendees),
        r.organizer,
        r.generation or 0,
        r.reply_floor or 0,
        r.digest_sent_at,
    )
