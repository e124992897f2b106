"""What to send for a group now: compare the planned sessions with what was last sent.

Pure: given the configuration, the stored state and the clock, it returns the messages to send and the
state to record once they are accepted. The rules (RFC 5546, section 2.1.4 and 4.2):

- a session never sent before: REQUEST to every member, SEQUENCE 0;
- time or status changed, or a member removed: SEQUENCE + 1, re-sent to every member;
- anything else the invite carries changed (agenda, attendees added, place): re-sent, same SEQUENCE;
- unchanged: nothing is sent;
- a member removed: CANCEL to that member only (the session goes on for the others);
- a session cancelled in the configuration, or gone from the schedule: CANCEL to its attendees.

Only sessions that have not started are touched. Sessions within the horizon are sent; a session
already sent stays in scope until it starts, so later edits to it are sent too.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from email.message import EmailMessage
from html import escape
from typing import Literal

from mentorledger.config import Config, Group
from mentorledger.instances import stable_hash
from mentorledger.invites.agenda import AgendaContext, plan_agenda
from mentorledger.invites.ics_build import (
    Person,
    SessionEvent,
    build_cancel,
    build_feed,
    build_request,
)
from mentorledger.invites.mime import itip_message
from mentorledger.invites.schedule import Session
from mentorledger.invites.store import SentSession
from mentorledger.uids import group_session_uid

# How far past the horizon to look for "the next session" an agenda points to.
_NEXT_SESSION_SLACK = dt.timedelta(days=100)
# How far back the subscribable feed keeps past sessions.
FEED_HISTORY = dt.timedelta(days=92)


@dataclass(frozen=True, slots=True)
class Outgoing:
    method: Literal["REQUEST", "CANCEL"]
    uid: str
    token: str
    sequence: int
    recipients: tuple[Person, ...]
    calendar: bytes
    message: EmailMessage
    reason: str  # new | updated | rescheduled | members-changed | member-removed | cancelled | removed

    @property
    def recipient_emails(self) -> tuple[str, ...]:
        return tuple(p.email for p in self.recipients)


@dataclass(frozen=True, slots=True)
class SessionUpdate:
    """The messages for one session, and the state to record once every one of them was accepted."""

    token: str
    messages: tuple[Outgoing, ...]
    state: SentSession


@dataclass(slots=True)
class GroupPlan:
    group_id: str
    updates: list[SessionUpdate] = field(default_factory=list)
    unchanged: int = 0
    in_horizon: int = 0
    feed: bytes = b""


def _people(config: Config, emails: tuple[str, ...] | list[str]) -> tuple[Person, ...]:
    return _named(emails, {p.email: p.name for p in config.people})


def fingerprint(event: SessionEvent) -> str:
    """A hash of everything an invite shows; any change means the session is re-sent."""
    return stable_hash(
        json.dumps(
            [
                event.start.isoformat(),
                event.end.isoformat(),
                str(getattr(event.start.tzinfo, "key", "")),
                event.status,
                sorted(p.email for p in event.attendees),
                [p.name for p in event.attendees],
                event.organizer.email,
                event.summary,
                event.description,
                event.location,
                event.url,
            ]
        )
    )


@dataclass(frozen=True, slots=True)
class _Built:
    session: Session
    event: SessionEvent
    text: str
    html: str


def _build(config: Config, group: Group, sessions: list[Session], i: int, spq: int) -> _Built:
    session = sessions[i]
    names = {p.email: p.name for p in config.people}
    previous = sessions[i - 1] if i > 0 else None
    upcoming = next((s for s in sessions[i + 1 :] if not s.cancelled), None)
    agenda = plan_agenda(group, AgendaContext(session, previous, upcoming, spq, names))
    assert group.organizer is not None
    text = agenda.text()
    event = SessionEvent(
        uid=group_session_uid(group.id, session.token),
        sequence=0,
        start=session.start,
        end=session.end,
        summary=agenda.summary,
        description=text,
        organizer=_people(config, [group.organizer])[0],
        attendees=_people(config, list(group.members)),
        location=group.location or group.video_link,
        url=group.video_link,
        status="CANCELLED" if session.cancelled else "CONFIRMED",
    )
    return _Built(session, event, text, agenda.html())


def _state(group_id: str, token: str, event: SessionEvent, status: str) -> SentSession:
    return SentSession(
        group_id=group_id,
        token=token,
        uid=event.uid,
        sequence=event.sequence,
        fingerprint=fingerprint(event),
        start=event.start.astimezone(dt.UTC),
        end=event.end.astimezone(dt.UTC),
        status=status,
        attendees=tuple(p.email for p in event.attendees),
    )


def _subject(prefix: str, event: SessionEvent) -> str:
    return f"{prefix}: {event.summary}, {event.start:%a} {event.start.day} {event.start:%b %H:%M}"


def _request(
    event: SessionEvent, built: _Built, token: str, *, now: dt.datetime, sender: str | None, reason: str
) -> Outgoing:
    calendar = build_request(event, stamp=now)
    prefix = "Invitation" if reason == "new" else "Updated invitation"
    message = itip_message(
        method="REQUEST",
        calendar=calendar,
        subject=_subject(prefix, event),
        text=built.text,
        html=built.html,
        organizer=event.organizer,
        recipients=event.attendees,
        sender=sender,
        date=now,
    )
    return Outgoing("REQUEST", event.uid, token, event.sequence, event.attendees, calendar, message, reason)


def _cancel(
    event: SessionEvent,
    recipients: tuple[Person, ...],
    token: str,
    *,
    now: dt.datetime,
    sender: str | None,
    reason: str,
) -> Outgoing:
    calendar = build_cancel(event, stamp=now, recipients=recipients)
    if reason == "member-removed":
        note = (
            "You are no longer a member of this group, so this session has been removed from your calendar."
        )
    else:
        note = "This session has been cancelled and removed from the group's schedule."
    text = f"{event.summary}\n{event.start:%A %d %B %Y, %H:%M} ({event.start.tzname()})\n\n{note}\n"
    message = itip_message(
        method="CANCEL",
        calendar=calendar,
        subject=_subject("Cancelled", event),
        text=text,
        html=f"<p>{escape(event.summary)}<br>{event.start:%A %d %B %Y, %H:%M}</p><p>{escape(note)}</p>",
        organizer=event.organizer,
        recipients=recipients,
        sender=sender,
        date=now,
    )
    return Outgoing("CANCEL", event.uid, token, event.sequence, recipients, calendar, message, reason)


def plan_group(
    config: Config,
    group: Group,
    *,
    sent: Mapping[str, SentSession],
    now: dt.datetime,
    horizon: dt.timedelta,
    sender: str | None = None,
) -> GroupPlan:
    """The messages that bring every member's calendar in line with the group's configuration."""
    plan = GroupPlan(group.id)
    if not group.schedules_meetings:
        return plan
    series = group.series(config.timezone)
    horizon_end = now + horizon
    latest_sent = max((s.start for s in sent.values()), default=horizon_end)
    until = (max(horizon_end, latest_sent).astimezone(series.tz) + _NEXT_SESSION_SLACK).date()
    sessions = series.sessions(until)
    spq = series.sessions_per_quarter()
    names = {p.email: p.name for p in config.people}
    feed_events: list[SessionEvent] = []
    tokens = {s.token for s in sessions}

    for i, session in enumerate(sessions):
        stored = sent.get(session.token)
        in_horizon = session.start < horizon_end
        if session.start <= now or not (in_horizon or stored is not None):
            if in_horizon and session.start > now - FEED_HISTORY:
                built = _build(config, group, sessions, i, spq)
                feed_events.append(replace(built.event, sequence=stored.sequence if stored else 0))
            continue
        plan.in_horizon += int(in_horizon)
        built = _build(config, group, sessions, i, spq)
        update = _update_for(group.id, built, stored, names, now=now, sender=sender)
        feed_events.append(
            replace(
                built.event, sequence=update.state.sequence if update else (stored.sequence if stored else 0)
            )
        )
        if update is None:
            plan.unchanged += int(stored is not None)
        else:
            plan.updates.append(update)

    for token, stored in sorted(sent.items()):
        if token in tokens or stored.status != "confirmed" or stored.start <= now:
            continue
        plan.updates.append(_removed_session(config, group, stored, now=now, sender=sender))

    plan.feed = build_feed(group.name, feed_events, stamp=now)
    return plan


def _update_for(
    group_id: str,
    built: _Built,
    stored: SentSession | None,
    names: Mapping[str, str],
    *,
    now: dt.datetime,
    sender: str | None,
) -> SessionUpdate | None:
    event, token = built.event, built.session.token
    if built.session.cancelled:
        if stored is None or stored.status == "cancelled":
            return None  # never announced, or already cancelled
        event = replace(event, sequence=stored.sequence + 1, status="CANCELLED")
        recipients = _named(stored.attendees, names)
        cancel = _cancel(event, recipients, token, now=now, sender=sender, reason="cancelled")
        return SessionUpdate(token, (cancel,), _state(group_id, token, event, "cancelled"))
    if stored is None:
        request = _request(event, built, token, now=now, sender=sender, reason="new")
        return SessionUpdate(token, (request,), _state(group_id, token, event, "confirmed"))

    current = {p.email for p in event.attendees}
    removed = tuple(e for e in stored.attendees if e not in current)
    moved = stored.start != event.start.astimezone(dt.UTC) or stored.end != event.end.astimezone(dt.UTC)
    significant = moved or stored.status != "confirmed" or bool(removed)
    event = replace(event, sequence=stored.sequence + (1 if significant else 0))
    if not significant and fingerprint(event) == stored.fingerprint:
        return None
    messages = []
    if removed:
        gone = _named(removed, names)
        messages.append(_cancel(event, gone, token, now=now, sender=sender, reason="member-removed"))
    reason = "rescheduled" if moved else ("members-changed" if removed else "updated")
    messages.append(_request(event, built, token, now=now, sender=sender, reason=reason))
    return SessionUpdate(token, tuple(messages), _state(group_id, token, event, "confirmed"))


def _named(emails: tuple[str, ...] | list[str], names: Mapping[str, str]) -> tuple[Person, ...]:
    return tuple(Person(e, names.get(e, e)) for e in emails)


def _removed_session(
    config: Config, group: Group, stored: SentSession, *, now: dt.datetime, sender: str | None
) -> SessionUpdate:
    """A session that was announced but is no longer in the schedule (cadence or first date changed)."""
    assert group.organizer is not None
    tz = group.series(config.timezone).tz
    event = SessionEvent(
        uid=stored.uid,
        sequence=stored.sequence + 1,
        start=stored.start.astimezone(tz),
        end=stored.end.astimezone(tz),
        summary=f"{group.name} - session removed",
        description="This session was removed from the group's schedule.",
        organizer=_people(config, [group.organizer])[0],
        attendees=_people(config, list(stored.attendees)),
        location=group.location or group.video_link,
        status="CANCELLED",
    )
    cancel = _cancel(event, event.attendees, stored.token, now=now, sender=sender, reason="removed")
    return SessionUpdate(stored.token, (cancel,), _state(group.id, stored.token, event, "cancelled"))
