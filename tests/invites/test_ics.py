"""Every generated calendar object is valid iTIP, read by icalendar and by an independent reader."""

from __future__ import annotations

import datetime as dt
from email import message_from_bytes, policy
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar

from mentorledger.invites.ics_build import Person, SessionEvent, build_cancel
from mentorledger.invites.plan import GroupPlan, plan_group
from mentorledger.uids import group_of_uid
from tests.invites import itip
from tests.invites.conftest import MEMBERS, load_department

NOW = dt.datetime(2025, 9, 1, 12, 0, tzinfo=dt.UTC)
NY = ZoneInfo("America/New_York")


def plan_for(tmp_path: Path, days: int = 90, **kwargs: object) -> GroupPlan:
    config = load_department(tmp_path, **kwargs)
    return plan_group(config, config.groups[0], sent={}, now=NOW, horizon=dt.timedelta(days=days))


def only_event(raw: bytes) -> icalendar.Event:
    events = list(icalendar.Calendar.from_ical(raw).walk("VEVENT"))
    assert len(events) == 1
    return events[0]


def test_every_request_is_valid_itip_for_both_readers(tmp_path: Path) -> None:
    plan = plan_for(tmp_path)
    requests = [m for u in plan.updates for m in u.messages if m.method == "REQUEST"]
    assert len(requests) == 7  # fortnightly, 2 Sep - 25 Nov
    for outgoing in requests:
        assert itip.problems(outgoing.calendar, method="REQUEST") == []
        event = only_event(outgoing.calendar)
        assert str(icalendar.Calendar.from_ical(outgoing.calendar)["METHOD"]) == "REQUEST"
        domains = ("test-school-of-medicine.groups.mentorledger",)
        assert group_of_uid(str(event["UID"]), domains) == "urim-circle"
        attendees = {str(a).removeprefix("mailto:") for a in event.get("ATTENDEE")}
        assert attendees == {email for email, _ in MEMBERS}
        assert str(event["ORGANIZER"]) == "mailto:ana@med.example.edu"
        assert event["ORGANIZER"].params["CN"] == "Ana Ruiz"
        assert int(event["SEQUENCE"]) == 0


def test_independent_reader_sees_tzid_vtimezone_and_needs_action(tmp_path: Path) -> None:
    raw = plan_for(tmp_path).updates[0].messages[0].calendar
    calendar = itip.parse(raw)
    event = calendar.walk("VEVENT")[0]
    assert event.one("DTSTART").params == {"TZID": "America/New_York"}
    assert event.one("DTSTART").value == "20250902T100000"
    assert [z.one("TZID").value for z in calendar.walk("VTIMEZONE")] == ["America/New_York"]
    ben = next(a for a in event.all("ATTENDEE") if a.value == "mailto:ben@med.example.edu")
    assert ben.params == {
        "CN": "Ben Okafor",
        "CUTYPE": "INDIVIDUAL",
        "PARTSTAT": "NEEDS-ACTION",
        "ROLE": "REQ-PARTICIPANT",
        "RSVP": "TRUE",
    }
    assert "Works in progress" in itip.unescape(event.one("DESCRIPTION").value)


def test_a_10am_series_stays_10am_local_across_the_dst_change_in_the_files(tmp_path: Path) -> None:
    plan = plan_for(tmp_path)
    starts = [only_event(m.calendar)["DTSTART"].dt for u in plan.updates for m in u.messages]
    assert all((s.hour, s.minute) == (10, 0) for s in starts)
    assert all(str(s.tzinfo) == "America/New_York" for s in starts)
    utc_hours = {s.date(): s.astimezone(dt.UTC).hour for s in starts}
    assert utc_hours[dt.date(2025, 10, 28)] == 14
    assert utc_hours[dt.date(2025, 11, 11)] == 15


def test_names_and_agenda_cannot_inject_properties_or_headers(tmp_path: Path) -> None:
    evil_name = "Eve\\r\\nATTENDEE:mailto:mallory@evil.example\\r\\nBcc: mallory@evil.example"
    plan = plan_for(
        tmp_path,
        names={"ben@med.example.edu": evil_name},
        group_extra=(
            "    action_items:\n"
            '      - {what: "Publish\\r\\nEND:VEVENT\\r\\nBEGIN:VEVENT\\r\\nUID:hijack; lead, teach",'
            " owner: cy@med.example.edu, opened: 2025-08-01}\n"
        ),
    )
    outgoing = plan.updates[0].messages[0]
    raw = outgoing.calendar
    assert itip.problems(raw, method="REQUEST") == []
    for line in itip.physical_lines(raw):
        assert not line.startswith((b"UID:hijack", b"ATTENDEE:mailto:mallory", b"BEGIN:VEVENT\r"))
    event = only_event(raw)
    attendees = [str(a) for a in event.get("ATTENDEE")]
    assert "mailto:mallory@evil.example" not in attendees
    assert len(attendees) == len(MEMBERS)
    description = " ".join(str(event["DESCRIPTION"]).split())
    assert "UID:hijack; lead, teach" in description  # kept as text, commas and semicolons intact
    mail = message_from_bytes(outgoing.message.as_bytes(), policy=policy.default)
    assert mail["Bcc"] is None
    assert all("mallory" not in a.addr_spec for a in mail["To"].addresses)
    assert "Eve ATTENDEE:mailto:mallory@evil.example Bcc: mallory@evil.example" in mail["To"]


def test_a_link_with_line_breaks_cannot_add_an_organizer(tmp_path: Path) -> None:
    plan = plan_for(tmp_path, group_extra='    location: "Room 1\\r\\nORGANIZER:mailto:x@evil.example"\n')
    raw = plan.updates[0].messages[0].calendar
    assert itip.problems(raw, method="REQUEST") == []
    event = only_event(raw)
    assert str(event["ORGANIZER"]) == "mailto:ana@med.example.edu"
    assert str(event["LOCATION"]) == "Room 1 ORGANIZER:mailto:x@evil.example"


def test_long_non_ascii_text_is_folded_within_75_octets(tmp_path: Path) -> None:
    plan = plan_for(tmp_path, group_extra="    mission: " + "Équipe pédiatrique — " * 20 + "\n")
    raw = plan.updates[0].messages[0].calendar
    assert max(len(line) for line in itip.physical_lines(raw)) <= 75
    assert " ".join(str(only_event(raw)["DESCRIPTION"]).split()).count("Équipe pédiatrique") == 20


def test_cancel_of_one_occurrence_carries_recurrence_id_and_is_valid() -> None:
    start = dt.datetime(2025, 11, 11, 10, 0, tzinfo=NY)
    event = SessionEvent(
        uid="series-1.urim-circle@groups.mentorledger",
        sequence=3,
        start=start,
        end=start + dt.timedelta(hours=1),
        summary="URiM Peer Circle",
        description="Cancelled",
        organizer=Person("ana@med.example.edu", "Ana Ruiz"),
        attendees=(Person("ben@med.example.edu", "Ben Okafor"),),
    )
    raw = build_cancel(event, stamp=NOW, recurrence_id=start)
    assert itip.problems(raw, method="CANCEL") == []
    parsed = only_event(raw)
    assert parsed["RECURRENCE-ID"].dt == start
    assert str(parsed["STATUS"]) == "CANCELLED"
    whole = build_cancel(event, stamp=NOW)
    assert "RECURRENCE-ID" not in only_event(whole)


def test_the_publish_feed_lists_the_sessions_without_member_addresses(tmp_path: Path) -> None:
    plan = plan_for(tmp_path)
    assert itip.problems(plan.feed, method="PUBLISH") == []
    calendar = icalendar.Calendar.from_ical(plan.feed)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 7
    assert all("ATTENDEE" not in e for e in events)
    assert str(calendar["X-WR-CALNAME"]) == "URiM Peer Circle"
