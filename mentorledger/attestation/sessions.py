"""The sessions a mentee is asked about, and what a mentor's own pages flag: the counted entries of
``hours.select_entries`` (the one selection every number comes from) put through the attestation rules
with the stored answers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from mentorledger.attestation.rules import Answer, Meeting, Recorded, SessionKey, answer_for, meetings
from mentorledger.attestation.store import record_answer, recorded_answers
from mentorledger.config import Config
from mentorledger.counting import window_bounds
from mentorledger.explain import Roster
from mentorledger.hours import select_entries
from mentorledger.store.ledger import Ledger, StoredEntry


@dataclass(frozen=True, slots=True)
class AskedSession:
    """One of the mentee's sessions with one mentor, and their answer that still applies (if any)."""

    meeting: Meeting
    answer: Recorded | None

    @property
    def answered(self) -> bool:
        return self.answer is not None


def mentors_of(config: Config, mentee: str) -> list[str]:
    return sorted({r.mentor for r in config.relationships if r.mentee == mentee})


def _bounds(config: Config, as_of: dt.datetime, since: dt.datetime | None) -> tuple[dt.datetime, dt.datetime]:
    start, end = window_bounds(config.effective_window(as_of.astimezone(config.tz).date()), config.tz)
    return (max(start, since) if since is not None else start), end


def _asked(
    counted: list[StoredEntry], roster: Roster, recorded: dict[SessionKey, Recorded], start: dt.datetime
) -> dict[str, list[AskedSession]]:
    """Per mentee: their sessions among these counted entries that began at ``start`` or later,
    newest first, each with the mentee's applying answer."""
    found: dict[str, list[AskedSession]] = {}
    for meeting in meetings(counted, roster):
        if meeting.start >= start:
            found.setdefault(meeting.mentee, []).append(AskedSession(meeting, answer_for(meeting, recorded)))
    for sessions in found.values():
        sessions.sort(key=lambda s: (s.meeting.start, s.meeting.mentor), reverse=True)
    return found


def mentee_sessions(
    config: Config,
    ledger: Ledger,
    mentee: str,
    *,
    as_of: dt.datetime | None = None,
    since: dt.datetime | None = None,
) -> list[AskedSession]:
    """The mentee's counted sessions with each of their mentors in the counting window (from ``since``
    when given), newest first, each with the mentee's applying answer."""
    as_of = as_of or dt.datetime.now(dt.UTC)
    start, end = _bounds(config, as_of, since)
    if end <= start:
        return []
    counted: list[StoredEntry] = []
    for mentor in mentors_of(config, mentee):
        counted += select_entries(config, ledger, (start, end), as_of=as_of, owner=mentor)[0]
    recorded = recorded_answers(ledger, mentee=mentee)
    return _asked(counted, Roster.of(config), recorded, start).get(mentee, [])


def sessions_by_mentee(
    config: Config, ledger: Ledger, *, as_of: dt.datetime, since: dt.datetime | None = None
) -> dict[str, list[AskedSession]]:
    """Every mentee's sessions at once, from one read of the counted entries (a monthly mailing)."""
    start, end = _bounds(config, as_of, since)
    if end <= start:
        return {}
    counted, _ = select_entries(config, ledger, (start, end), as_of=as_of)
    return _asked(counted, Roster.of(config), recorded_answers(ledger), start)


@dataclass(frozen=True, slots=True)
class Answered:
    """What an answer did: sessions whose answer changed, sessions left as they were (already
    answered so), and sessions that moved or no longer count since the mail was sent."""

    changed: int = 0
    unchanged: int = 0
    gone: int = 0


Wanted = tuple[str, str, str, str]  # mentor, event key, start and end (ISO, UTC) as the mentee saw them


def wanted_of(meeting: Meeting) -> Wanted:
    return (meeting.mentor, meeting.event_key, meeting.start.isoformat(), meeting.end.isoformat())


def answer_sessions(
    config: Config,
    ledger: Ledger,
    mentee: str,
    wanted: list[Wanted],
    answer: Answer,
    *,
    via: str,
    only_unanswered: bool = False,
) -> Answered:
    """Record ``answer`` for each of the mentee's sessions in ``wanted``, if it is still one of their
    counted sessions at the times they saw (an answer about another time would say nothing)."""
    current = {(s.meeting.mentor, s.meeting.event_key): s for s in mentee_sessions(config, ledger, mentee)}
    changed = unchanged = gone = 0
    for mentor, event_key, start, end in wanted:
        found = current.get((mentor, event_key))
        if found is None or wanted_of(found.meeting) != (mentor, event_key, start, end):
            gone += 1
        elif only_unanswered and found.answered:
            unchanged += 1
        elif record_answer(ledger, found.meeting, answer, via=via):
            changed += 1
        else:
            unchanged += 1
    return Answered(changed, unchanged, gone)
