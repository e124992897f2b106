"""What to send for a group now: compare the planned sessions with what was last sent.

Pure: given the configuration, the stored state, the recorded answers and the clock, it returns the
messages to send and the state to record once they are accepted. The rules (RFC 5546 sections 2.1.4,
3.2 and 4.2, and what clients are known to drop):

- a session never sent before: REQUEST to the members, the organizer's own copy (PUBLISH, see
  ``ics_build.build_organizer_copy``), SEQUENCE 0;
- **SEQUENCE policy**: *any* change a member would see (time, status, agenda, place, video link,
  reminder, attendees added or removed, names) raises SEQUENCE by one and is sent again. RFC 5546
  allows an unchanged SEQUENCE with a newer DTSTAMP for minor changes, but Google Calendar, Tutanota
  and others drop such updates, and the agenda is what the invites are for. Who answered what is
  not such a change: answers are shown, but never cause a re-send (they are not in the fingerprint);
- answers already recorded are carried as PARTSTAT into a re-sent REQUEST, unless the time changed:
  then every answer is void (``reply_floor`` is the new SEQUENCE) and everyone is asked again;
- a member removed: CANCEL to that member only, naming only them and without STATUS (section 3.2.5);
- a session cancelled in the configuration, skipped for a holiday, or gone from the schedule: CANCEL
  (STATUS:CANCELLED) to its attendees, and the organizer's copy cancelled too. A holiday session is
  announced as cancelled even if no invite went out yet: members learn why there is no session;
- **a new organizer**: iTIP has no hand-over of a meeting to another organizer, and clients that get
  a known UID with a new ORGANIZER duplicate or ignore it. So the old organizer's meeting is cancelled
  (from them, SEQUENCE + 1, their copy included) and the session is invited anew by the new organizer
  under a new UID (``<token>-o<generation>``), SEQUENCE 0;
- unchanged: nothing is sent.

Only sessions that have not started are touched. Sessions within the horizon are sent; a session
already sent stays in scope until it starts, so later edits to it are sent too. UIDs already sent
never change (the stored UID wins over the configured UID domain), except by a hand-over.
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
from mentorledger.invites.agenda import Agenda, AgendaContext, plan_agenda
from mentorledger.invites.attendance import Attendance
from mentorledger.invites.holidays import closed_days
from mentorledger.invites.ics_build import (
    Person,
    SessionEvent,
    build_cancel,
    build_feed,
    build_organizer_copy,
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

Method = Literal["REQUEST", "CANCEL", "PUBLISH"]
Answers = Mapping[str, Mapping[str, str]]  # token -> member e-mail -> PARTSTAT


@dataclass(frozen=True, slots=True)
class Outgoing:
    method: Method
    uid: str
    token: str
    sequence: int
    recipients: tuple[Person, ...]
    calendar: bytes
    message: EmailMessage
    # new | updated | rescheduled | members-changed | member-removed | cancelled | removed | skipped
    # | organizer-changed | organizer-copy
    reason: str

    @property
    def recipient_emails(self) -> tuple[str, ...]:
        return tuple(p.email for p in self.recipients)


@dataclass(frozen=True, slots=True)
class SessionUpdate:
    """The messages for one session, and the state to record once every one of them was accepted."""

    token: str
    messages: tuple[Outgoing, ...]
    state: SentSession


@dataclass(frozen=True, slots=True)
class NextUp:
    """The group's next session that takes place, with its agenda and who answered what."""

    session: Session
    agenda: Agenda
    attendance: Attendance
    stored: SentSession | None


@dataclass(slots=True)
class GroupPlan:
    group_id: str
    updates: list[SessionUpdate] = field(default_factory=list)
    unchanged: int = 0
    in_horizon: int = 0
    feed: bytes = b""
    next_up: NextUp | None = None


def fingerprint(event: SessionEvent, agenda_text: str | None = None) -> str:
    """A hash of everything an invite shows a member (answers excluded); any change is re-sent."""
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
                event.description if agenda_text is None else agenda_text,
                event.location,
                event.url,
                event.conference,
                event.reminder_minutes,
            ]
        )
    )


@dataclass(frozen=True, slots=True)
class _Built:
    session: Session
    event: SessionEvent
    agenda: Agenda
    text: str  # the agenda with who is coming
    html: str
    bare_text: str  # the agenda without answers: what the fingerprint covers


@dataclass(frozen=True, slots=True)
class _Context:
    config: Config
    group: Group
    sessions: list[Session]
    spq: int
    names: Mapping[str, str]
    answers: Answers
    now: dt.datetime
    sender: str | None

    def person(self, email: str) -> Person:
        return Person(email, self.names.get(email, email))

    def people(self, emails: tuple[str, ...] | list[str]) -> tuple[Person, ...]:
        return tuple(self.person(e) for e in emails)

    @property
    def organizer(self) -> Person:
        assert self.group.organizer is not None
        return self.person(self.group.organizer)


def _uid(ctx: _Context, token: str, generation: int) -> str:
    suffix = f"-o{generation}" if generation else ""
    return group_session_uid(ctx.group.id, token + suffix, ctx.config.session_uid_domain)


def _build(ctx: _Context, i: int, uid: str, *, with_answers: bool) -> _Built:
    session = ctx.sessions[i]
    held_before = [s for s in ctx.sessions[:i] if s.skipped is None]
    previous = held_before[-1] if held_before else None
    skipped_before = tuple(
        s
        for s in ctx.sessions[:i]
        if s.skipped is not None and (previous is None or s.start > previous.start)
    )
    upcoming = next((s for s in ctx.sessions[i + 1 :] if s.held), None)
    answers = ctx.answers.get(session.token, {}) if with_answers else {}
    group = ctx.group
    attendance = Attendance.of(list(group.members), group.organizer, answers)
    agenda = plan_agenda(
        group,
        AgendaContext(session, previous, upcoming, ctx.spq, ctx.names, skipped_before, attendance),
    )
    text, bare = agenda.text(), agenda.text(attendance=False)
    event = SessionEvent(
        uid=uid,
        sequence=0,
        start=session.start,
        end=session.end,
        summary=agenda.summary,
        description=text,
        organizer=ctx.organizer,
        attendees=ctx.people(list(group.members)),
        location=group.location or group.video_link,
        url=group.video_link,
        status="CONFIRMED" if session.held else "CANCELLED",
        conference=group.video_link,
        reminder_minutes=group.reminder_minutes,
        partstats=dict(answers),
    )
    return _Built(session, event, agenda, text, agenda.html(), bare)


def _state(
    ctx: _Context,
    token: str,
    event: SessionEvent,
    status: str,
    *,
    fingerprint_of: str | None,
    generation: int,
    reply_floor: int,
    digest_sent_at: dt.datetime | None = None,
) -> SentSession:
    return SentSession(
        group_id=ctx.group.id,
        token=token,
        uid=event.uid,
        sequence=event.sequence,
        fingerprint=fingerprint(event, fingerprint_of),
        start=event.start.astimezone(dt.UTC),
        end=event.end.astimezone(dt.UTC),
        status=status,
        attendees=tuple(p.email for p in event.attendees),
        organizer=event.organizer.email,
        generation=generation,
        reply_floor=reply_floor,
        digest_sent_at=digest_sent_at,
    )


def _subject(prefix: str, event: SessionEvent) -> str:
    return f"{prefix}: {event.summary}, {event.start:%a} {event.start.day} {event.start:%b %H:%M}"


def _members_only(event: SessionEvent) -> tuple[Person, ...]:
    return tuple(p for p in event.attendees if p.email != event.organizer.email)


def _request(ctx: _Context, event: SessionEvent, built: _Built, reason: str) -> list[Outgoing]:
    """The members' REQUEST and the organizer's PUBLISH copy of the same version."""
    token = built.session.token
    calendar = build_request(event, stamp=ctx.now)
    prefix = "Invitation" if reason in ("new", "organizer-changed") else "Updated invitation"
    members = _members_only(event)
    out = []
    if members:
        message = itip_message(
            method="REQUEST",
            calendar=calendar,
            subject=_subject(prefix, event),
            text=built.text,
            html=built.html,
            organizer=event.organizer,
            recipients=members,
            sender=ctx.sender,
            date=ctx.now,
        )
        out.append(Outgoing("REQUEST", event.uid, token, event.sequence, members, calendar, message, reason))
    note = "Your own copy of the session you organize; members' answers are collected for you.\n\n"
    out.append(
        _to_organizer(
            ctx,
            event,
            "PUBLISH",
            build_organizer_copy(event, stamp=ctx.now),
            subject=_subject("Your session" if reason == "new" else "Your session, updated", event),
            text=note + built.text,
            html=f"<p>{escape(note.strip())}</p>" + built.html,
            token=token,
        )
    )
    return out


def _to_organizer(
    ctx: _Context,
    event: SessionEvent,
    method: Method,
    calendar: bytes,
    *,
    subject: str,
    text: str,
    html: str,
    token: str,
) -> Outgoing:
    """A message for the organizer's own copy of the session (PUBLISH, or CANCEL of the copy)."""
    message = itip_message(
        method=method,
        calendar=calendar,
        subject=subject,
        text=text,
        html=html,
        organizer=event.organizer,
        recipients=(event.organizer,),
        sender=ctx.sender,
        date=ctx.now,
    )
    return Outgoing(
        method, event.uid, token, event.sequence, (event.organizer,), calendar, message, "organizer-copy"
    )


_NOTES = {
    "member-removed": "You are no longer a member of this group, so this session has been removed from your calendar.",
    "cancelled": "This session has been cancelled and removed from the group's schedule.",
    "removed": "This session has been cancelled and removed from the group's schedule.",
    "organizer-changed": "The group has a new organizer, who sends this session again as a new invitation.",
}


def _cancel(
    ctx: _Context,
    event: SessionEvent,
    recipients: tuple[Person, ...],
    token: str,
    *,
    reason: str,
    note: str | None = None,
) -> list[Outgoing]:
    """CANCEL to ``recipients``; for a whole session also the organizer's copy (no ATTENDEE)."""
    removing = reason == "member-removed"
    text_note = note or _NOTES[reason]
    text = f"{event.summary}\n{event.start:%A %d %B %Y, %H:%M} ({event.start.tzname()})\n\n{text_note}\n"
    html = f"<p>{escape(event.summary)}<br>{event.start:%A %d %B %Y, %H:%M}</p><p>{escape(text_note)}</p>"
    out = []
    targets = tuple(p for p in recipients if p.email != event.organizer.email)
    if targets:
        calendar = build_cancel(event, stamp=ctx.now, recipients=targets, removing=removing)
        message = itip_message(
            method="CANCEL",
            calendar=calendar,
            subject=_subject("Cancelled", event),
            text=text,
            html=html,
            organizer=event.organizer,
            recipients=targets,
            sender=ctx.sender,
            date=ctx.now,
        )
        out.append(Outgoing("CANCEL", event.uid, token, event.sequence, targets, calendar, message, reason))
    if not removing:
        copy = build_cancel(event, stamp=ctx.now, recipients=())
        subject = _subject("Cancelled", event)
        out.append(
            _to_organizer(ctx, event, "CANCEL", copy, subject=subject, text=text, html=html, token=token)
        )
    return out


def plan_group(
    config: Config,
    group: Group,
    *,
    sent: Mapping[str, SentSession],
    now: dt.datetime,
    horizon: dt.timedelta,
    sender: str | None = None,
    answers: Answers | None = None,
) -> GroupPlan:
    """The messages that bring every member's calendar in line with the group's configuration."""
    plan = GroupPlan(group.id)
    if not group.schedules_meetings:
        return plan
    plain = group.series(config.timezone)
    horizon_end = now + horizon
    latest_sent = max((s.start for s in sent.values()), default=horizon_end)
    until = (max(horizon_end, latest_sent).astimezone(plain.tz) + _NEXT_SESSION_SLACK).date()
    assert group.first_session is not None
    series = group.series(config.timezone, closed_days(config, group.first_session, until))
    sessions = series.sessions(until)
    ctx = _Context(
        config=config,
        group=group,
        sessions=sessions,
        spq=series.sessions_per_quarter(),
        names={p.email: p.name for p in config.people},
        answers=answers or {},
        now=now,
        sender=sender,
    )
    feed_events: list[SessionEvent] = []
    tokens = {s.token for s in sessions}

    for i, session in enumerate(sessions):
        stored = sent.get(session.token)
        in_horizon = session.start < horizon_end
        if session.start <= now or not (in_horizon or stored is not None):
            if in_horizon and session.start > now - FEED_HISTORY:
                uid = stored.uid if stored else _uid(ctx, session.token, 0)
                built = _build(ctx, i, uid, with_answers=False)
                feed_events.append(replace(built.event, sequence=stored.sequence if stored else 0))
            continue
        plan.in_horizon += int(in_horizon)
        update = _update_for(ctx, i, stored)
        if update is None:
            plan.unchanged += int(stored is not None)
        else:
            plan.updates.append(update)
        current = update.state if update else stored
        built = _build(ctx, i, current.uid if current else _uid(ctx, session.token, 0), with_answers=True)
        feed_events.append(replace(built.event, sequence=current.sequence if current else 0))
        if plan.next_up is None and session.held:
            attendance = Attendance.of(
                list(group.members), group.organizer, ctx.answers.get(session.token, {})
            )
            plan.next_up = NextUp(session, built.agenda, attendance, current)

    for token, stored in sorted(sent.items()):
        if token in tokens or stored.status != "confirmed" or stored.start <= now:
            continue
        plan.updates.append(_removed_session(ctx, stored))

    plan.feed = build_feed(group.name, feed_events, stamp=now)
    return plan


def _update_for(ctx: _Context, i: int, stored: SentSession | None) -> SessionUpdate | None:
    session = ctx.sessions[i]
    token = session.token
    if not session.held:
        return _called_off(ctx, i, stored)
    organizer = ctx.organizer.email
    if stored is not None and (stored.organizer or organizer) != organizer:
        return _handed_over(ctx, i, stored)
    if stored is None:
        built = _build(ctx, i, _uid(ctx, token, 0), with_answers=True)
        state = _state(
            ctx, token, built.event, "confirmed", fingerprint_of=built.bare_text, generation=0, reply_floor=0
        )
        return SessionUpdate(token, tuple(_request(ctx, built.event, built, "new")), state)

    moved = stored.start != session.start.astimezone(dt.UTC) or stored.end != session.end.astimezone(dt.UTC)
    restored = stored.status != "confirmed"
    built = _build(ctx, i, stored.uid, with_answers=not (moved or restored))
    if not (moved or restored) and fingerprint(built.event, built.bare_text) == stored.fingerprint:
        return None
    event = replace(built.event, sequence=stored.sequence + 1)
    current = {p.email for p in event.attendees}
    removed = tuple(e for e in stored.attendees if e not in current)
    messages: list[Outgoing] = []
    if removed:
        messages += _cancel(ctx, event, ctx.people(removed), token, reason="member-removed")
    reason = "rescheduled" if moved else ("members-changed" if removed else "updated")
    messages += _request(ctx, event, built, reason)
    state = _state(
        ctx,
        token,
        event,
        "confirmed",
        fingerprint_of=built.bare_text,
        generation=stored.generation,
        reply_floor=event.sequence if (moved or restored) else stored.reply_floor,
        digest_sent_at=stored.digest_sent_at,
    )
    return SessionUpdate(token, tuple(messages), state)


def _called_off(ctx: _Context, i: int, stored: SentSession | None) -> SessionUpdate | None:
    """A session cancelled in the configuration or skipped for a holiday."""
    session = ctx.sessions[i]
    status = "cancelled" if session.cancelled else "skipped"
    if stored is not None and stored.status != "confirmed":
        return None  # already called off
    if stored is None and session.cancelled:
        return None  # never announced: nothing to cancel
    if stored is None:  # a holiday nobody was invited to yet: they still learn why there is no session
        event = replace(
            _build(ctx, i, _uid(ctx, session.token, 0), with_answers=False).event, status="CANCELLED"
        )
        generation = 0
        if session.skipped is not None:
            event = replace(event, summary=f"{ctx.group.name} - no session ({session.skipped})")
    else:
        organizer = ctx.person(stored.organizer or ctx.organizer.email)
        event = replace(
            _build(ctx, i, stored.uid, with_answers=False).event,
            sequence=stored.sequence + 1,
            status="CANCELLED",
            organizer=organizer,
            attendees=ctx.people(list(stored.attendees)),
        )
        generation = stored.generation
    note = None
    if session.skipped is not None:
        following = next((s for s in ctx.sessions[i + 1 :] if s.held), None)
        note = f"No session on {session.start:%A %d %B %Y}: {session.skipped}." + (
            f" The rotation moves on to the next session, {following.start:%A %d %B %Y}." if following else ""
        )
    reason = "cancelled" if session.cancelled else "skipped"
    messages = _cancel(ctx, event, event.attendees, session.token, reason=reason, note=note)
    state = _state(
        ctx,
        session.token,
        event,
        status,
        fingerprint_of=None,
        generation=generation,
        reply_floor=event.sequence,
    )
    return SessionUpdate(session.token, tuple(messages), state)


def _handed_over(ctx: _Context, i: int, stored: SentSession) -> SessionUpdate:
    """The old organizer's meeting is cancelled; the new organizer invites under a new UID."""
    session = ctx.sessions[i]
    messages: list[Outgoing] = []
    if stored.status == "confirmed":
        old = replace(
            _build(ctx, i, stored.uid, with_answers=False).event,
            sequence=stored.sequence + 1,
            status="CANCELLED",
            organizer=ctx.person(stored.organizer or ""),
            attendees=ctx.people(list(stored.attendees)),
            start=stored.start.astimezone(session.start.tzinfo),
            end=stored.end.astimezone(session.start.tzinfo),
        )
        messages += _cancel(ctx, old, old.attendees, session.token, reason="organizer-changed")
    generation = stored.generation + 1
    built = _build(ctx, i, _uid(ctx, session.token, generation), with_answers=False)
    messages += _request(ctx, built.event, built, "organizer-changed")
    state = _state(
        ctx,
        session.token,
        built.event,
        "confirmed",
        fingerprint_of=built.bare_text,
        generation=generation,
        reply_floor=0,
    )
    return SessionUpdate(session.token, tuple(messages), state)


def _removed_session(ctx: _Context, stored: SentSession) -> SessionUpdate:
    """A session that was announced but is no longer in the schedule (cadence or first date changed)."""
    tz = ctx.sessions[0].start.tzinfo if ctx.sessions else dt.UTC
    event = SessionEvent(
        uid=stored.uid,
        sequence=stored.sequence + 1,
        start=stored.start.astimezone(tz),
        end=stored.end.astimezone(tz),
        summary=f"{ctx.group.name} - session removed",
        description="This session was removed from the group's schedule.",
        organizer=ctx.person(stored.organizer or ctx.organizer.email),
        attendees=ctx.people(list(stored.attendees)),
        location=ctx.group.location or ctx.group.video_link,
        status="CANCELLED",
    )
    cancels = _cancel(ctx, event, event.attendees, stored.token, reason="removed")
    state = _state(
        ctx,
        stored.token,
        event,
        "cancelled",
        fingerprint_of=None,
        generation=stored.generation,
        reply_floor=event.sequence,
    )
    return SessionUpdate(stored.token, tuple(cancels), state)
