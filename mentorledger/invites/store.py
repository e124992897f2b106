"""What was sent for each group session: the memory that makes sending idempotent.

One row per session (group, token): its UID, the SEQUENCE last sent, the time, status and attendees
last sent, and a fingerprint of everything the invite carries (time, status, attendees, agenda). No
agenda text, titles or locations are stored (SPEC privacy); the fingerprint is a hash.
A row is written only after the message was accepted by the mail server, so a failed send is never
recorded as sent and is tried again on the next run. Every attempt is logged in ``invite_deliveries``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

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
    status: str
    attendees: tuple[str, ...]


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
    def open(cls, url: str | None = None) -> InviteStore:
        return cls(engine_for(url))

    def sent(self, group_id: str) -> dict[str, SentSession]:
        """The sessions of a group as last sent, by token."""
        with Session(self.engine) as session:
            rows = session.scalars(select(InviteSessionRow).where(InviteSessionRow.group_id == group_id))
            return {
                r.token: SentSession(
                    r.group_id,
                    r.token,
                    r.uid,
                    r.sequence,
                    r.fingerprint,
                    r.start_utc,
                    r.end_utc,
                    r.status,
                    tuple(r.attendees),
                )
                for r in rows
            }

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
            row.uid, row.sequence, row.fingerprint = state.uid, state.sequence, state.fingerprint
            row.start_utc, row.end_utc = state.start, state.end
            row.status, row.attendees, row.last_sent_at = state.status, list(state.attendees), at

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
