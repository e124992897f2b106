"""Mentee attestation (issue 11): which counted sessions a mentee is asked about, and what answers mean.

- **Asked about**: counted entries (``hours.select_entries``: not excluded, ended, covered; hand-made
  ones included) of category ``mentee``, once for each mentee of the mentor who took part on that
  date. A hand-made entry naming a mentee is asked about too: it is the mentor's word alone, which is
  exactly what a mentee's "yes" strengthens.
- **Group sessions are never asked about.** Their category is ``group`` (rule 3's highest), so no
  minute of them is mentee time; asking the mentee members would make them attest peers' attendance
  (who was at which group session is never shown to anyone but the member), and a group session is
  evidenced by its members' own calendars and the invites' answers. Tagged meetings name no mentee.
- **An answer belongs to a time.** It applies while the session keeps the start and end it was given
  for; a meeting that moves is unattested again (as a confirmed entry returns to pending, rule 8).
- **State of a session**: *denied* if any of its mentees said it did not take place, else *attested*
  if at least one confirmed it, else *unattested*. A denied session still counts: it is flagged to
  the mentor, who excludes it or keeps it (both audited); nothing is removed silently.
- **Attested minutes** are mentee-category minutes (rule 5's union, after group time took its share)
  covered by an attested session: the figure reports show as "mentee-category hours attested".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from mentorledger.counting import Category, rank_minutes
from mentorledger.explain import Roster
from mentorledger.store.ledger import StoredEntry


class Answer(StrEnum):
    CONFIRMED = "confirmed"  # "yes, we met"
    DENIED = "denied"  # "no"


class State(StrEnum):
    UNATTESTED = "unattested"
    ATTESTED = "attested"
    DENIED = "denied"


SessionKey = tuple[str, str, str]  # mentor, mentee, event key


@dataclass(frozen=True, slots=True)
class Meeting:
    """One session one mentee is asked about: their own session with one mentor, nothing else."""

    mentor: str
    mentee: str
    event_key: str
    start: dt.datetime  # UTC
    end: dt.datetime
    origin: str  # calendar | manual
    entry_id: int

    @property
    def key(self) -> SessionKey:
        return (self.mentor, self.mentee, self.event_key)

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


@dataclass(frozen=True, slots=True)
class Recorded:
    """A stored answer: what the mentee said, about which times, and the mentor's decision on it."""

    mentor: str
    mentee: str
    event_key: str
    answer: Answer
    start: dt.datetime
    end: dt.datetime
    answered_at: dt.datetime
    kept_at: dt.datetime | None = None

    def applies_to(self, start: dt.datetime, end: dt.datetime) -> bool:
        return (self.start, self.end) == (start, end)

    @property
    def kept(self) -> bool:
        """The mentor decided to keep counting the session after this denial."""
        return self.kept_at is not None and self.kept_at >= self.answered_at


def meetings(entries: Iterable[StoredEntry], roster: Roster) -> list[Meeting]:
    """The sessions mentees are asked about among these counted entries, by start."""
    found = [
        Meeting(e.owner, mentee, e.event_key, e.start, e.end, e.origin, e.entry_id)
        for e in entries
        if e.category is Category.MENTEE
        for mentee in roster.mentees_present(e)
    ]
    return sorted(found, key=lambda m: (m.start, m.mentor, m.mentee, m.event_key))


def answer_for(meeting: Meeting, recorded: Mapping[SessionKey, Recorded]) -> Recorded | None:
    """The mentee's answer that still applies to this session, if any."""
    found = recorded.get(meeting.key)
    return found if found is not None and found.applies_to(meeting.start, meeting.end) else None


def session_states(
    entries: Iterable[StoredEntry], roster: Roster, recorded: Mapping[SessionKey, Recorded]
) -> dict[tuple[str, str], State]:
    """Per (mentor, event key) of the sessions mentees are asked about: its state (see the module)."""
    answers: dict[tuple[str, str], list[Answer | None]] = {}
    for meeting in meetings(entries, roster):
        found = answer_for(meeting, recorded)
        answers.setdefault((meeting.mentor, meeting.event_key), []).append(found.answer if found else None)
    return {key: _state(given) for key, given in answers.items()}


def _state(given: Sequence[Answer | None]) -> State:
    if Answer.DENIED in given:
        return State.DENIED
    return State.ATTESTED if Answer.CONFIRMED in given else State.UNATTESTED


def open_denials(
    entries: Iterable[StoredEntry], roster: Roster, recorded: Mapping[SessionKey, Recorded]
) -> list[tuple[Meeting, Recorded]]:
    """Counted sessions a mentee said did not take place and the mentor has not decided on yet."""
    flagged = []
    for meeting in meetings(entries, roster):
        found = answer_for(meeting, recorded)
        if found is not None and found.answer is Answer.DENIED and not found.kept:
            flagged.append((meeting, found))
    return flagged


_RANKS = {Category.GROUP: 3, Category.TAG: 0}
_ATTESTED, _MENTEE = 2, 1


def attested_minutes(
    entries: Sequence[StoredEntry],
    bounds: tuple[dt.datetime, dt.datetime],
    states: Mapping[tuple[str, str], State],
) -> dict[str, int]:
    """Per owner: the mentee-category minutes of the union covered by an attested session. Group time
    outranks every mentee minute (rule 5), so a minute shared with a group session is not counted."""
    by_owner: dict[str, list[tuple[dt.datetime, dt.datetime, int]]] = {}
    for e in entries:
        if e.category is Category.MENTEE:
            rank = _ATTESTED if states.get((e.owner, e.event_key)) is State.ATTESTED else _MENTEE
        else:
            rank = _RANKS[e.category]
        by_owner.setdefault(e.owner, []).append((e.start, e.end, rank))
    return {owner: rank_minutes(spans, *bounds).get(_ATTESTED, 0) for owner, spans in by_owner.items()}


@dataclass(frozen=True, slots=True)
class MentorAttestation:
    """What a mentor's own pages and digest say about their sessions: each asked-about session's state
    (by event key), the denials awaiting their decision, and how many sessions await an answer."""

    states: dict[str, State]
    denials: dict[str, list[Recorded]]  # event key -> the open denials of that session

    @property
    def unattested(self) -> int:
        return sum(1 for s in self.states.values() if s is State.UNATTESTED)

    @property
    def denied(self) -> int:
        return len(self.denials)


def for_mentor(
    entries: Sequence[StoredEntry], roster: Roster, recorded: Mapping[SessionKey, Recorded]
) -> MentorAttestation:
    """``entries`` are one mentor's counted entries (the ones that can be asked about)."""
    states = {event_key: state for (_, event_key), state in session_states(entries, roster, recorded).items()}
    denials: dict[str, list[Recorded]] = {}
    for meeting, found in open_denials(entries, roster, recorded):
        denials.setdefault(meeting.event_key, []).append(found)
    return MentorAttestation(states, denials)
