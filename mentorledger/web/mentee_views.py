"""What a mentee's page and the mailed links show: only their own sessions with each mentor (date,
time, minutes) and their answer; never a title, a category, or anyone else who was there."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from mentorledger.attestation.rules import Answer
from mentorledger.attestation.sessions import AskedSession, Wanted
from mentorledger.instances import stable_hash
from mentorledger.web.context import WebContext


@dataclass(frozen=True, slots=True)
class SessionView:
    id: str  # an opaque handle for the forms: a hash of mentor and occurrence
    mentor: str  # the mentor's name
    start: dt.datetime  # local time
    end: dt.datetime
    minutes: int
    state: str  # awaiting | confirmed | denied

    @property
    def label(self) -> str:
        """For screen readers: which session a button answers."""
        return f"{self.start:%a} {self.start.day} {self.start:%b}, {self.start:%H:%M} with {self.mentor}"


@dataclass(frozen=True, slots=True)
class MentorSessions:
    mentor: str
    sessions: list[SessionView]

    @property
    def awaiting(self) -> int:
        return sum(1 for s in self.sessions if s.state == "awaiting")


def session_id(mentor: str, event_key: str) -> str:
    return stable_hash("attest", mentor, event_key)[:20]


def session_view(context: WebContext, asked: AskedSession) -> SessionView:
    m, tz = asked.meeting, context.config.tz
    state = "awaiting" if asked.answer is None else str(asked.answer.answer)
    return SessionView(
        session_id(m.mentor, m.event_key),
        context.roster.name(m.mentor),
        m.start.astimezone(tz),
        m.end.astimezone(tz),
        m.minutes,
        state,
    )


def by_mentor(context: WebContext, sessions: Sequence[AskedSession]) -> list[MentorSessions]:
    grouped: dict[str, list[SessionView]] = {}
    for asked in sessions:
        grouped.setdefault(asked.meeting.mentor, []).append(session_view(context, asked))
    return [MentorSessions(context.roster.name(m), views) for m, views in sorted(grouped.items())]


def wanted_from_payload(payload: dict[str, object]) -> list[Wanted]:
    """The sessions a mailed link answers, as stored with it."""
    raw = payload.get("sessions")
    if not isinstance(raw, list):
        return []
    return [(str(a), str(b), str(c), str(d)) for a, b, c, d in raw]


ANSWERS = {"yes": Answer.CONFIRMED, "no": Answer.DENIED}
