"""One small department written twice, by hand-rolled generators independent of the production code:
as ICS files (RRULE, EXDATE, RECURRENCE-ID overrides) and as the instances Google's events.list
returns with ``singleEvents=True`` (iCalUID of the series, ``recurringEventId``, ``originalStartTime``).
Reading either must give exactly the same minutes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

NY = ZoneInfo("America/New_York")
DOMAIN = "med.example.edu"
ANA, BEN, CARA, DAN, FAY = (f"{n}@{DOMAIN}" for n in ("ana", "ben", "cara", "dan", "fay"))

PEOPLE = f"""\
institution: Equivalence School of Medicine
timezone: America/New_York
window: {{start: 2025-07-01, end: 2026-06-30}}
people:
  - {{email: {ANA}, name: Ana, department: Peds, rank: assistant_professor}}
  - {{email: {BEN}, name: Ben, department: Peds, rank: resident}}
  - {{email: {CARA}, name: Cara, department: Peds, rank: associate_professor}}
  - {{email: {DAN}, name: Dan, department: Peds, rank: fellow}}
  - {{email: {FAY}, name: Fay, department: Peds, rank: student}}
relationships:
  - {{mentor: {ANA}, mentee: {BEN}, kind: near_peer, start: 2025-07-01}}
  - {{mentor: {CARA}, mentee: {FAY}, kind: dyad, start: 2025-09-01, end: 2025-12-31}}
groups:
  - {{id: circle, name: Circle, members: [{ANA}, {CARA}, {DAN}]}}
"""
OWNERS = (ANA, BEN, CARA)


@dataclass
class Meeting:
    """A meeting on one owner's calendar; ``count`` > 1 makes a weekly series."""

    uid: str
    start: dt.datetime  # local, America/New_York
    minutes: int
    summary: str = "Meeting"
    organizer: str = ANA
    attendees: Sequence[tuple[str, str]] = ()  # (email, Google responseStatus)
    count: int = 1
    moved: dict[int, tuple[dt.datetime, int]] = field(default_factory=dict)  # occurrence -> (start, minutes)
    cancelled: Sequence[int] = ()  # occurrences cancelled (EXDATE in ICS)
    all_day: bool = False
    transparent: bool = False

    @property
    def recurring(self) -> bool:
        return self.count > 1

    def occurrences(self) -> list[dt.datetime]:
        return [self.start + dt.timedelta(weeks=i) for i in range(self.count)]


def local(y: int, m: int, d: int, h: int = 0, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=NY)


def meetings() -> dict[str, list[Meeting]]:
    circle = [(ANA, "accepted"), (CARA, "accepted"), (DAN, "tentative")]
    return {
        ANA: [
            Meeting(
                "ana-ben-weekly",
                local(2025, 10, 1, 10),
                60,
                "1:1",
                attendees=[(BEN, "accepted"), (ANA, "accepted")],
                count=6,  # crosses the end of daylight-saving time
                moved={2: (local(2025, 10, 15, 14), 45)},
                cancelled=[3],
            ),
            Meeting("circle-nov", local(2025, 11, 12, 12), 90, "Circle", attendees=circle),
            Meeting("tagged-overlap", local(2025, 11, 12, 13), 60, "Writing group #mentoring"),
            Meeting(
                "declined",
                local(2025, 10, 20, 9),
                60,
                "Ben's talk",
                organizer=BEN,
                attendees=[(ANA, "declined")],
            ),
            Meeting("retreat", local(2025, 10, 24), 24 * 60, "#mentoring retreat", all_day=True),
            Meeting(
                "free", local(2025, 10, 27, 9), 30, "1:1", attendees=[(BEN, "accepted")], transparent=True
            ),
            Meeting("before-window", local(2025, 5, 1, 9), 60, "1:1", attendees=[(BEN, "accepted")]),
            Meeting("at-window-end", local(2026, 6, 30, 23, 30), 60, "1:1", attendees=[(BEN, "accepted")]),
            Meeting("faculty", local(2025, 9, 9, 8), 60, "Faculty meeting", attendees=[(CARA, "accepted")]),
        ],
        CARA: [
            Meeting("circle-nov", local(2025, 11, 12, 12), 90, "Circle", attendees=circle),
            Meeting(
                "cara-fay",
                local(2025, 12, 17, 15),
                30,
                "Check-in",
                organizer=CARA,
                attendees=[(FAY, "accepted")],
                count=4,  # the relationship ends 2025-12-31: the fourth is not mentee time
            ),
        ],
        BEN: [Meeting("journal", local(2026, 2, 3, 16), 60, "Journal club #Mentoring", organizer=BEN)],
    }


# -- ICS ---------------------------------------------------------------------------------------------

PARTSTAT = {
    "accepted": "ACCEPTED",
    "declined": "DECLINED",
    "tentative": "TENTATIVE",
    "needsAction": "NEEDS-ACTION",
}


def _ics_time(name: str, moment: dt.datetime, *, all_day: bool = False) -> str:
    if all_day:
        return f"{name};VALUE=DATE:{moment:%Y%m%d}"
    return f"{name};TZID=America/New_York:{moment:%Y%m%dT%H%M%S}"


def _vevent(m: Meeting, start: dt.datetime, minutes: int, extra: Sequence[str] = ()) -> list[str]:
    end = start + dt.timedelta(minutes=minutes)
    lines = ["BEGIN:VEVENT", f"UID:{m.uid}", "DTSTAMP:20250101T000000Z", f"SUMMARY:{m.summary}"]
    lines += [_ics_time("DTSTART", start, all_day=m.all_day), _ics_time("DTEND", end, all_day=m.all_day)]
    lines.append(f"ORGANIZER:mailto:{m.organizer}")
    lines += [f"ATTENDEE;PARTSTAT={PARTSTAT[rs]}:mailto:{email}" for email, rs in m.attendees]
    if m.transparent:
        lines.append("TRANSP:TRANSPARENT")
    return [*lines, *extra, "END:VEVENT"]


def to_ics(items: Sequence[Meeting]) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//equivalence//EN"]
    for m in items:
        extra = []
        if m.recurring:
            extra.append(f"RRULE:FREQ=WEEKLY;COUNT={m.count}")
            extra += [_ics_time("EXDATE", m.occurrences()[i]) for i in m.cancelled]
        lines += _vevent(m, m.start, m.minutes, extra)
        for index, (start, minutes) in m.moved.items():
            lines += _vevent(m, start, minutes, [_ics_time("RECURRENCE-ID", m.occurrences()[index])])
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"


# -- Google ------------------------------------------------------------------------------------------


def _google_time(moment: dt.datetime, *, all_day: bool = False) -> dict[str, str]:
    if all_day:
        return {"date": moment.date().isoformat()}
    return {"dateTime": moment.isoformat(), "timeZone": "America/New_York"}


def _google_event(m: Meeting, owner: str, event_id: str, start: dt.datetime, minutes: int) -> dict[str, Any]:
    end = start + dt.timedelta(minutes=minutes)
    body: dict[str, Any] = {
        "kind": "calendar#event",
        "id": event_id,
        "status": "confirmed",
        "iCalUID": m.uid,
        "summary": m.summary,
        "organizer": {"email": m.organizer, **({"self": True} if m.organizer == owner else {})},
        "start": _google_time(start, all_day=m.all_day),
        "end": _google_time(end, all_day=m.all_day),
    }
    attendees = [
        {"email": email, "responseStatus": rs, **({"self": True} if email == owner else {})}
        for email, rs in m.attendees
    ]
    if attendees:
        body["attendees"] = attendees
    if m.transparent:
        body["transparency"] = "transparent"
    return body


def google_id(uid: str) -> str:
    return uid.replace("-", "")


def to_google(items: Sequence[Meeting], owner: str) -> list[dict[str, Any]]:
    """events.list items with singleEvents=True: one per instance; cancelled instances as Google
    lists them (status cancelled, with their original start)."""
    out = []
    for m in items:
        if not m.recurring:
            out.append(_google_event(m, owner, google_id(m.uid), m.start, m.minutes))
            continue
        for index, original in enumerate(m.occurrences()):
            instance_id = f"{google_id(m.uid)}_{original.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}"
            start, minutes = m.moved.get(index, (original, m.minutes))
            body = _google_event(m, owner, instance_id, start, minutes)
            body["recurringEventId"] = google_id(m.uid)
            body["originalStartTime"] = _google_time(original)
            if index in m.cancelled:
                body["status"] = "cancelled"
            out.append(body)
    return out


def write_ics_department(root: Path) -> Path:
    (root / "ics").mkdir(parents=True, exist_ok=True)
    lines = []
    for owner, items in meetings().items():
        name = owner.split("@")[0]
        (root / "ics" / f"{name}.ics").write_text(to_ics(items), encoding="utf-8")
        lines.append(f"  - {{owner: {owner}, ics: ics/{name}.ics}}\n")
    path = root / "ics-department.yaml"
    path.write_text(PEOPLE + "calendars:\n" + "".join(lines), encoding="utf-8")
    return path


def write_google_department(root: Path, endpoint: str) -> Path:
    lines = "".join(f"  - {{owner: {owner}, google: primary}}\n" for owner in meetings())
    path = root / "google-department.yaml"
    path.write_text(
        PEOPLE
        + f"google_api_endpoint: {endpoint}\ngoogle: {{requests_per_minute: 6000}}\ncalendars:\n"
        + lines,
        encoding="utf-8",
    )
    return path


# Hand-computed minutes for the department (the reference the equivalence tests also check against):
#   Ana: weekly 1:1 on 10-01, 10-08, 10-29, 11-05 (60 each) + moved 10-15 (45) = 285 mentee;
#        circle 11-12 12:00-13:30 = 90 group; the tagged 13:00-14:00 overlaps 30 min -> 30 tag;
#        at-window-end 23:30-00:30 clipped to 30 mentee. Total 285 + 30 + 90 + 30 = 435.
#   Cara: circle 90 group; cara-fay 3 x 30 mentee (the 4th, 2026-01-07, is after the relationship).
#   Ben: journal club 60 tag.
EXPECTED = {
    ANA: {"minutes": 435, "by_category": {"group": 90, "mentee": 315, "tag": 30}, "entries": 8},
    CARA: {"minutes": 180, "by_category": {"group": 90, "mentee": 90, "tag": 0}, "entries": 4},
    BEN: {"minutes": 60, "by_category": {"group": 0, "mentee": 0, "tag": 60}, "entries": 1},
}


# -- Microsoft Graph ---------------------------------------------------------------------------------

GRAPH_RESPONSE = {
    "accepted": "accepted",
    "declined": "declined",
    "tentative": "tentativelyAccepted",
    "needsAction": "notResponded",
}


def _graph_time(moment: dt.datetime, *, all_day: bool = False) -> dict[str, str]:
    if all_day:  # Graph gives an all-day event's date at midnight
        return {"dateTime": f"{moment:%Y-%m-%d}T00:00:00.0000000", "timeZone": "UTC"}
    return {"dateTime": f"{moment.astimezone(dt.UTC):%Y-%m-%dT%H:%M:%S}.0000000", "timeZone": "UTC"}


def _graph_event(m: Meeting, owner: str, event_id: str, start: dt.datetime, minutes: int) -> dict[str, Any]:
    end = start + dt.timedelta(minutes=minutes)
    responses = dict(m.attendees)
    own = "organizer" if m.organizer == owner else GRAPH_RESPONSE.get(responses.get(owner, ""), "none")
    return {
        "@odata.etag": f'W/"{event_id}"',
        "id": event_id,
        "type": "singleInstance",
        "iCalUId": m.uid,
        "subject": m.summary,
        "isAllDay": m.all_day,
        "isCancelled": False,
        "showAs": "free" if m.transparent else "busy",
        "start": _graph_time(start, all_day=m.all_day),
        "end": _graph_time(end, all_day=m.all_day),
        "organizer": {"emailAddress": {"name": m.organizer.split("@")[0], "address": m.organizer}},
        "attendees": [
            {
                "type": "required",
                "status": {"response": GRAPH_RESPONSE[rs]},
                "emailAddress": {"address": email},
            }
            for email, rs in m.attendees
        ],
        "responseStatus": {"response": own, "time": "0001-01-01T00:00:00Z"},
        "lastModifiedDateTime": "2025-06-01T12:00:00Z",
        "categories": [],
    }


def graph_id(uid: str, suffix: str = "") -> str:
    return "AAMkAG" + google_id(uid) + suffix


def to_graph(items: Sequence[Meeting], owner: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(calendarView items, series masters) as Graph v1.0 gives them: a series as its occurrences
    and exceptions, each with an iCalUId of its own (not the series' UID), its seriesMasterId and its
    originalStart; deleted occurrences (EXDATE) are simply absent."""
    events, masters = [], []
    for m in items:
        if not m.recurring:
            events.append(_graph_event(m, owner, graph_id(m.uid), m.start, m.minutes))
            continue
        master = {
            **_graph_event(m, owner, graph_id(m.uid, "-master"), m.start, m.minutes),
            "type": "seriesMaster",
        }
        masters.append(master)
        for index, original in enumerate(m.occurrences()):
            if index in m.cancelled:
                continue
            start, minutes = m.moved.get(index, (original, m.minutes))
            body = _graph_event(
                m, owner, graph_id(m.uid, f"-{original.astimezone(dt.UTC):%Y%m%dT%H%M}"), start, minutes
            )
            body["type"] = "exception" if index in m.moved else "occurrence"
            body["iCalUId"] = f"040000008200E00074C5B7101A82E008{index:08d}{google_id(m.uid)}"
            body["seriesMasterId"] = master["id"]
            body["originalStart"] = f"{original.astimezone(dt.UTC):%Y-%m-%dT%H:%M:%S}Z"
            events.append(body)
    return events, masters


def write_m365_department(root: Path, base: str, *, calendar: str = "primary") -> Path:
    lines = "".join(f"  - {{owner: {owner}, m365: {calendar}}}\n" for owner in meetings())
    path = root / "m365-department.yaml"
    path.write_text(
        PEOPLE
        + "microsoft:\n"
        + "  tenant_id: 00000000-0000-0000-0000-000000000000\n"
        + "  client_id: 11111111-1111-1111-1111-111111111111\n"
        + f"  authority: {base}\n"
        + f"  graph_endpoint: {base}/v1.0/\n"
        + "  requests_per_minute: 6000\n"
        + "calendars:\n"
        + lines,
        encoding="utf-8",
    )
    return path


# -- CalDAV ------------------------------------------------------------------------------------------


def caldav_resources(items: Sequence[Meeting]) -> dict[str, str]:
    """One calendar object resource per meeting (a series with its overrides is one resource), named
    as clients name them: the UID plus ``.ics``."""
    return {f"{m.uid}.ics": to_ics([m]) for m in items}


def write_caldav_department(root: Path, collections: dict[str, str]) -> Path:
    """``collections``: owner -> calendar collection URL."""
    lines = "".join(f"  - {{owner: {owner}, caldav: '{url}'}}\n" for owner, url in collections.items())
    path = root / "caldav-department.yaml"
    path.write_text(PEOPLE + "calendars:\n" + lines, encoding="utf-8")
    return path
