"""iTIP calendar objects for group sessions: REQUEST, CANCEL and a PUBLISH feed.

Design: every session is its own VEVENT with its own UID (``<date-token>.<group>@<uid-domain>``),
not one recurring series with RECURRENCE-ID overrides. Each session has its own agenda (DESCRIPTION),
may be moved on its own, and has its own SEQUENCE. A single-instance REQUEST or CANCEL is the case
every client (Outlook, Gmail, Apple Calendar) handles the same way; exceptions to a series sent as
separate e-mails (a per-occurrence description, a moved or cancelled occurrence) are where clients
differ most, and one series UID would make every per-session agenda an exception. It also keeps
counting simple: each accepted session is one ordinary event whose UID names the group. Removing a
session is a METHOD:CANCEL for that session's UID; RECURRENCE-ID is written only when a cancel targets
one occurrence of a recurring event (``build_cancel(..., recurrence_id=...)``), which a mentorledger
session never is.

Objects are built with ``ics`` 0.7.3 (the project's builder: summary, description, location, URL are
escaped by it), then finished with icalendar, which the iTIP rules need: METHOD as the first property,
PRODID, one ORGANIZER, ATTENDEEs with ROLE/PARTSTAT/RSVP/CN, DTSTAMP, SEQUENCE, DTSTART/DTEND with a
TZID and a matching VTIMEZONE, CRLF line ends and folding at 75 octets. ``ics`` is never used to read.

Free text from the configuration is neutralised before it reaches the builder: names and single-line
fields lose CR, LF and other control characters (no header or property injection), parameter values
lose double quotes; the agenda keeps its line breaks, which icalendar writes escaped as ``\\n``.

What each recipient gets (RFC 5546 section 3.2):

- members: ``REQUEST`` with every member as ATTENDEE (the organizer too, as CHAIR, ACCEPTED), each
  answer already recorded carried as the member's PARTSTAT (NEEDS-ACTION otherwise), RSVP=TRUE; a
  VALARM reminder (``reminder_minutes`` before, none for 0); the video link as RFC 7986 CONFERENCE
  (plus LOCATION when there is no room, URL, and a line in the description, which is what clients
  without CONFERENCE support show);
- a member removed from one session: ``CANCEL`` naming only that member as ATTENDEE and carrying no
  STATUS (section 3.2.5: STATUS:CANCELLED would cancel the whole meeting);
- a whole session cancelled: ``CANCEL`` with STATUS:CANCELLED and every attendee;
- the organizer: their own copy, see ``build_organizer_copy``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal
from zoneinfo import ZoneInfo

import icalendar
import ics

from mentorledger.invites.text import multi_line, param_value, single_line
from mentorledger.invites.vtimezone import vtimezone

PRODID = "-//mentorledger//peer-group invites 1.0//EN"


@dataclass(frozen=True, slots=True)
class Person:
    email: str
    name: str


@dataclass(frozen=True, slots=True)
class SessionEvent:
    """Everything the calendar object of one session carries."""

    uid: str
    sequence: int
    start: dt.datetime  # aware, in the group's zone (a ZoneInfo)
    end: dt.datetime
    summary: str
    description: str
    organizer: Person
    attendees: tuple[Person, ...]
    location: str | None = None
    url: str | None = None
    status: Literal["CONFIRMED", "CANCELLED"] = "CONFIRMED"
    conference: str | None = None  # the video link (RFC 7986 CONFERENCE)
    reminder_minutes: int = 0  # a VALARM this many minutes before the start; 0: none
    partstats: Mapping[str, str] = field(default_factory=dict)  # e-mail -> answer recorded for it


class _ITipCalendar(icalendar.Calendar):
    """A VCALENDAR whose METHOD is written first (some clients sniff the first lines for it)."""

    canonical_order = (
        "METHOD",
        "PRODID",
        "VERSION",
        "CALSCALE",
        "X-WR-CALNAME",
        "DESCRIPTION",
        "X-WR-CALDESC",
        "NAME",
    )


def _via_ics(event: SessionEvent) -> icalendar.Event:
    """The event's core built by ``ics`` 0.7.3, read back with icalendar (never with ``ics``)."""
    built = ics.Event(
        name=single_line(event.summary),
        begin=event.start,
        end=event.end,
        uid=event.uid,
        description=multi_line(event.description),
        location=single_line(event.location) if event.location else None,
        url=single_line(event.url) if event.url else None,
    )
    text = ics.Calendar(events=[built]).serialize()
    parsed = icalendar.Calendar.from_ical(text)
    vevent = next(iter(parsed.walk("VEVENT")))
    core = icalendar.Event()
    for key in ("UID", "SUMMARY", "DESCRIPTION", "LOCATION", "URL"):
        if key in vevent:
            core.add(key, str(vevent[key]))
    if str(core["UID"]) != event.uid:  # pragma: no cover - a builder bug would break idempotence
        raise ValueError("the ics builder changed the session UID")
    return core


def _alarm(minutes: int) -> icalendar.Alarm:
    """A display reminder ``minutes`` before the start (RFC 5545 section 3.6.6)."""
    alarm = icalendar.Alarm()
    alarm.add("ACTION", "DISPLAY")
    alarm.add("DESCRIPTION", "Reminder")
    alarm.add("TRIGGER", dt.timedelta(minutes=-minutes))
    return alarm


def _finish(vevent: icalendar.Event, event: SessionEvent, *, alarm: bool) -> None:
    """The properties every copy of a session shares: CONFERENCE and, when wanted, the reminder."""
    if event.conference:
        vevent.add(
            "CONFERENCE",
            single_line(event.conference),
            parameters={"VALUE": "URI", "FEATURE": "VIDEO", "LABEL": "Video call"},
        )
    if alarm and event.reminder_minutes > 0 and event.status == "CONFIRMED":
        vevent.add_component(_alarm(event.reminder_minutes))


def _address(person: Person, **params: str) -> icalendar.vCalAddress:
    address = icalendar.vCalAddress(f"mailto:{person.email}")
    address.params["CN"] = param_value(person.name) or person.email
    for key, value in params.items():
        address.params[key] = value
    return address


def _vevent(
    event: SessionEvent,
    *,
    stamp: dt.datetime,
    attendees: Sequence[Person],
    status: str | None,
    rsvp: bool,
) -> icalendar.Event:
    vevent = _via_ics(event)
    vevent.add("DTSTAMP", stamp.astimezone(dt.UTC))
    vevent.add("SEQUENCE", event.sequence)
    vevent.add("DTSTART", event.start)
    vevent.add("DTEND", event.end)
    if status is not None:
        vevent.add("STATUS", status)
    vevent.add("TRANSP", "OPAQUE")
    vevent.add("ORGANIZER", _address(event.organizer))
    for person in attendees:
        if person.email == event.organizer.email:
            # The organizer attends and has accepted; they are not asked to reply to themselves.
            vevent.add(
                "ATTENDEE",
                _address(person, CUTYPE="INDIVIDUAL", ROLE="CHAIR", PARTSTAT="ACCEPTED", RSVP="FALSE"),
            )
        else:
            vevent.add(
                "ATTENDEE",
                _address(
                    person,
                    CUTYPE="INDIVIDUAL",
                    ROLE="REQ-PARTICIPANT",
                    PARTSTAT=event.partstats.get(person.email, "NEEDS-ACTION") if rsvp else "NEEDS-ACTION",
                    RSVP="TRUE" if rsvp else "FALSE",
                ),
            )
    return vevent


def _calendar(method: str, events: Sequence[icalendar.Event], zones: Sequence[dt.datetime]) -> bytes:
    calendar = _ITipCalendar()
    calendar.add("METHOD", method)
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    for timezone in _timezones(zones):
        calendar.add_component(timezone)
    for vevent in events:
        calendar.add_component(vevent)
    return bytes(calendar.to_ical())


def _timezones(moments: Sequence[dt.datetime]) -> list[icalendar.Timezone]:
    """One VTIMEZONE per zone used, covering the years of the sessions (yearly RRULEs, see vtimezone)."""
    by_zone: dict[str, list[dt.datetime]] = {}
    for moment in moments:
        if isinstance(moment.tzinfo, ZoneInfo) and moment.tzinfo.key != "UTC":
            by_zone.setdefault(moment.tzinfo.key, []).append(moment)
    return [
        vtimezone(key, min(v.year for v in values) - 1, max(v.year for v in values) + 1)
        for key, values in sorted(by_zone.items())
    ]


def build_request(event: SessionEvent, *, stamp: dt.datetime) -> bytes:
    """METHOD:REQUEST inviting every attendee (RSVP requested; answers already recorded carried)."""
    vevent = _vevent(event, stamp=stamp, attendees=event.attendees, status="CONFIRMED", rsvp=True)
    _finish(vevent, event, alarm=True)
    return _calendar("REQUEST", [vevent], [event.start, event.end])


def build_organizer_copy(event: SessionEvent, *, stamp: dt.datetime) -> bytes:
    """The organizer's own copy of a session: METHOD:PUBLISH, same UID and SEQUENCE as the members'
    REQUEST, ORGANIZER = the organizer, and no ATTENDEE (RFC 5546 section 3.2.1: a PUBLISH MUST NOT
    carry attendees; libical's iTIP restriction check rejects it otherwise).

    Why a PUBLISH, and not the REQUEST the members get, decided from each client's documented
    behaviour:

    - A REQUEST is the organizer asking attendees (RFC 5546 section 3.2.2). Outlook/Exchange files a
      request someone sends themselves as an attendee's accepted copy and moves the request to
      Deleted Items (Microsoft KB 322214); Google Calendar and Apple Calendar likewise show it as an
      invitation to answer, with "RSVP" buttons addressed to oneself. The old behaviour (the
      organizer among the REQUEST's recipients) therefore gave them an attendee copy, never an
      organizer's one, and their own answer travelled back to themselves.
    - A PUBLISH is "an unsolicited posting ... any CU may add published components to their
      calendar" (section 3.2.1) and asks for no answer: Outlook imports it as an appointment, Gmail
      offers "Add to calendar", Apple Calendar adds it as an event; all keep the UID, so the event is
      the organizer's own (ORGANIZER is their address) and later PUBLISHes with a higher SEQUENCE
      update it in place, and a CANCEL (allowed for a published event, section 3.2.1) removes it.
    - Replies: members' clients send their iTIP REPLY to the ORGANIZER's address; no client can
      apply it to an event that some other program created (Outlook's tracking only covers meetings
      Outlook sent; Apple Calendar reports "no schedule changes found" for such a reply). So
      mentorledger itself is the organizer's scheduling agent: it reads the replies from the
      mailbox (``invites.imap``), records them per member and session, and shows the organizer who
      is coming in the copy's description, on the next agenda and in the facilitator's digest.
    """
    vevent = _published(event, stamp)
    vevent.add("TRANSP", "OPAQUE")
    _finish(vevent, event, alarm=True)
    return _calendar("PUBLISH", [vevent], [event.start, event.end])


def _published(event: SessionEvent, stamp: dt.datetime) -> icalendar.Event:
    """A session as published (the organizer's copy, the feed): no ATTENDEE (RFC 5546 3.2.1)."""
    vevent = _via_ics(event)
    vevent.add("DTSTAMP", stamp.astimezone(dt.UTC))
    vevent.add("SEQUENCE", event.sequence)
    vevent.add("DTSTART", event.start)
    vevent.add("DTEND", event.end)
    vevent.add("STATUS", event.status)
    vevent.add("ORGANIZER", _address(event.organizer))
    return vevent


def build_cancel(
    event: SessionEvent,
    *,
    stamp: dt.datetime,
    recipients: Sequence[Person] | None = None,
    recurrence_id: dt.datetime | None = None,
    removing: bool = False,
) -> bytes:
    """METHOD:CANCEL for the whole session (``recipients`` None: every attendee; an empty tuple: the
    organizer's published copy), or, with ``removing``, for the attendees being removed from a
    session that goes on: then only they are named and STATUS is left out (RFC 5546 section 3.2.5).
    ``recurrence_id`` names one occurrence of a recurring event."""
    attendees = event.attendees if recipients is None else recipients
    if removing and not attendees:
        raise ValueError("removing attendees needs the attendees being removed")
    status = None if removing else "CANCELLED"
    vevent = _vevent(event, stamp=stamp, attendees=attendees, status=status, rsvp=False)
    moments = [event.start, event.end]
    if recurrence_id is not None:
        vevent.add("RECURRENCE-ID", recurrence_id)
        moments.append(recurrence_id)
    return _calendar("CANCEL", [vevent], moments)


def build_feed(name: str, events: Sequence[SessionEvent], *, stamp: dt.datetime) -> bytes:
    """A METHOD:PUBLISH feed of a group's sessions for subscription (no attendee addresses in it)."""
    vevents = []
    for event in events:
        vevent = _published(event, stamp)
        _finish(vevent, event, alarm=False)  # subscribers set their own reminders
        vevents.append(vevent)
    calendar = _ITipCalendar()
    calendar.add("METHOD", "PUBLISH")
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    # A TEXT value: icalendar writes unknown X- properties unescaped unless given a vText.
    calendar.add("X-WR-CALNAME", icalendar.vText(single_line(name)))
    for timezone in _timezones([m for e in events for m in (e.start, e.end)]):
        calendar.add_component(timezone)
    for vevent in vevents:
        calendar.add_component(vevent)
    return bytes(calendar.to_ical())
