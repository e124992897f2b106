"""A session's life as the members' and the organizer's calendars see it: holidays, a new organizer,
reminders and video links, UIDs kept across an upgrade."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import icalendar

from mentorledger.config import load_config
from mentorledger.invites.plan import plan_group
from mentorledger.invites.store import InviteStore, SentSession
from mentorledger.uids import LEGACY_UID_DOMAIN
from tests.invites import itip
from tests.invites.conftest import department_yaml, write_department
from tests.invites.test_sending_rules import ORGANIZER, FakeSender, uid
from tests.invites.test_sending_rules import run as send_invites

NOW = dt.datetime(2025, 11, 1, 12, 0, tzinfo=dt.UTC)
HORIZON = dt.timedelta(days=60)


def run(
    tmp_path: Path, database_url: str, *, top: str = "", now: dt.datetime = NOW, **config: Any
) -> FakeSender:
    sender = FakeSender()
    send_invites(tmp_path, database_url, sender, now=now, horizon=HORIZON, top=top, **config)
    return sender


def event_of(raw: bytes) -> icalendar.Event:
    return next(iter(icalendar.Calendar.from_ical(raw).walk("VEVENT")))


def description(raw: bytes) -> str:
    return " ".join(str(event_of(raw)["DESCRIPTION"]).split())


# Weekly on Thursdays from 6 Nov 2025: Thanksgiving (27 Nov, US) falls on a session.
THURSDAYS = {"cadence": "weekly on Thursday", "first_session": "2025-11-06"}
US = "holidays: {country: US, subdivision: MA}\n"


def test_a_session_on_a_holiday_is_skipped_cancelled_and_the_rotation_moves_on(
    tmp_path: Path, database_url: str
) -> None:
    plain = run(tmp_path, database_url, **THURSDAYS)
    assert uid("20251127") in {s.uid for s in plain.sent}
    facilitator_without = description(next(s.calendar for s in plain.sent if s.uid == uid("20251204")))
    assert "URiM Peer Circle: session 5" in facilitator_without
    assert "Facilitator: Eli Moreno" in facilitator_without  # session 5 without the holiday

    sender = run(tmp_path, database_url, top=US, **THURSDAYS)
    thanksgiving = [s for s in sender.sent if s.uid == uid("20251127")]
    assert [(s.method, s.sequence) for s in thanksgiving] == [("CANCEL", 1)]
    assert itip.problems(thanksgiving[0].calendar, method="CANCEL") == []
    assert str(event_of(thanksgiving[0].calendar)["STATUS"]) == "CANCELLED"
    assert [c.method for c in sender.copies if c.uid == uid("20251127")] == ["CANCEL"]
    after = next(s for s in sender.sent if s.uid == uid("20251204"))
    text = description(after.calendar)
    assert "The session of Thu 27 Nov 2025 was skipped: Thanksgiving Day." in text
    assert "URiM Peer Circle: session 4" in text  # numbered as if the holiday had never been planned
    assert "Facilitator: Dee Patel" in text  # the rotation moved on: Thanksgiving's facilitator leads
    assert InviteStore.open(database_url).sent("urim-circle")["20251127"].status == "skipped"
    assert run(tmp_path, database_url, top=US, **THURSDAYS).sent == []  # said once


def test_a_holiday_nobody_was_invited_to_yet_is_still_announced(tmp_path: Path, database_url: str) -> None:
    closed = US + "closed_dates: [2025-11-13]\n"
    sender = run(tmp_path, database_url, top=closed, **THURSDAYS)
    notices = {s.uid: s for s in sender.sent if s.method == "CANCEL"}
    assert set(notices) == {uid("20251113"), uid("20251127"), uid("20251225")}  # Christmas too
    for notice in notices.values():
        assert itip.problems(notice.calendar, method="CANCEL") == []
        assert int(event_of(notice.calendar)["SEQUENCE"]) == 0
    assert str(event_of(notices[uid("20251113")].calendar)["SUMMARY"]) == (
        "URiM Peer Circle - no session (institution closed)"
    )
    invited = sorted(s.uid for s in sender.sent if s.method == "REQUEST")
    assert uid("20251113") not in invited
    assert uid("20251127") not in invited


def test_a_new_organizer_cancels_the_old_meetings_and_invites_anew_under_new_uids(
    tmp_path: Path, database_url: str
) -> None:
    run(tmp_path, database_url)
    sender = run(tmp_path, database_url, organizer="ben@med.example.edu")
    cancels = [s for s in sender.sent if s.method == "CANCEL"]
    requests = [s for s in sender.sent if s.method == "REQUEST"]
    assert cancels
    assert len(cancels) == len(requests)
    for cancel in cancels:
        event = event_of(cancel.calendar)
        assert str(event["ORGANIZER"]) == f"mailto:{ORGANIZER}"  # from the organizer who sent it
        assert str(event["STATUS"]) == "CANCELLED"
        assert ORGANIZER not in cancel.recipients
        assert itip.problems(cancel.calendar, method="CANCEL") == []
    old_copies = [c for c in sender.copies if c.method == "CANCEL"]
    assert {c.uid for c in old_copies} == {c.uid for c in cancels}  # the old organizer's copies too
    for request in requests:
        event = event_of(request.calendar)
        assert str(event["ORGANIZER"]) == "mailto:ben@med.example.edu"
        assert request.uid.split("@")[0].endswith("-o1.urim-circle")
        assert int(event["SEQUENCE"]) == 0
        assert "ben@med.example.edu" not in request.recipients
        assert ORGANIZER in request.recipients  # the old organizer is a member like any other
    copies = [s for s in sender.sent if s.recipients == ["ben@med.example.edu"]]
    assert {(c.method, c.uid) for c in copies} == {("PUBLISH", r.uid) for r in requests}  # the new one's
    stored = InviteStore.open(database_url).sent("urim-circle")
    assert {s.organizer for s in stored.values()} == {"ben@med.example.edu"}
    assert run(tmp_path, database_url, organizer="ben@med.example.edu").sent == []


def test_every_invite_carries_a_reminder_and_the_video_link_as_conference(tmp_path: Path) -> None:
    config = load_config(write_department(tmp_path, group_extra="    reminder_minutes: 30\n"))
    plan = plan_group(config, config.groups[0], sent={}, now=NOW, horizon=dt.timedelta(days=14))
    for message in (m for u in plan.updates for m in u.messages):
        assert itip.problems(message.calendar, method=message.method) == []
        event = event_of(message.calendar)
        conference = event["CONFERENCE"]
        assert str(conference) == "https://meet.example.edu/urim"
        assert conference.params["VALUE"] == "URI"
        assert "VIDEO" in conference.params["FEATURE"]
        assert str(event["LOCATION"]) == "Room 4B, Research Building"
        assert "Video: https://meet.example.edu/urim" in str(event["DESCRIPTION"])
        [alarm] = list(event.walk("VALARM"))
        assert alarm.decoded("TRIGGER") == dt.timedelta(minutes=-30)
        assert str(alarm["ACTION"]) == "DISPLAY"


def test_no_reminder_when_reminder_minutes_is_zero(tmp_path: Path) -> None:
    config = load_config(write_department(tmp_path, group_extra="    reminder_minutes: 0\n"))
    plan = plan_group(config, config.groups[0], sent={}, now=NOW, horizon=dt.timedelta(days=14))
    assert plan.updates
    assert all(not list(event_of(m.calendar).walk("VALARM")) for u in plan.updates for m in u.messages)


def test_without_a_room_the_video_link_is_the_location(tmp_path: Path) -> None:
    text = department_yaml().replace("    location: Room 4B, Research Building\n", "")
    path = tmp_path / "dept.yaml"
    path.write_text(text, encoding="utf-8")
    config = load_config(path)
    plan = plan_group(config, config.groups[0], sent={}, now=NOW, horizon=dt.timedelta(days=14))
    assert str(event_of(plan.updates[0].messages[0].calendar)["LOCATION"]) == "https://meet.example.edu/urim"


def test_the_feed_name_escapes_commas_and_semicolons(tmp_path: Path) -> None:
    config = load_config(write_department(tmp_path))
    renamed = config.groups[0].model_copy(update={"name": "Peds; Surgery, and Friends"})
    plan = plan_group(config, renamed, sent={}, now=NOW, horizon=dt.timedelta(days=14))
    lines = [line for line in itip.physical_lines(plan.feed) if line.startswith(b"X-WR-CALNAME")]
    assert lines == [b"X-WR-CALNAME:Peds\\; Surgery\\, and Friends"]
    value = itip.parse(plan.feed).one("X-WR-CALNAME").value
    assert itip.unescape(value) == "Peds; Surgery, and Friends"


def test_sessions_sent_before_the_uid_domain_existed_keep_their_uid(
    tmp_path: Path, database_url: str
) -> None:
    """Upgrade path: rows written by the previous release carry a legacy UID and no organizer."""
    store = InviteStore.open(database_url)
    start = dt.datetime(2025, 11, 4, 15, 0, tzinfo=dt.UTC)
    legacy = f"20251104.urim-circle@{LEGACY_UID_DOMAIN}"
    members = ("ana@med.example.edu", "ben@med.example.edu", "cy@med.example.edu",
               "dee@med.example.edu", "eli@med.example.edu", "fay@med.example.edu")  # fmt: skip
    store.record_sent(
        SentSession(
            "urim-circle",
            "20251104",
            legacy,
            0,
            "old",
            start,
            start + dt.timedelta(hours=1),
            "confirmed",
            members,
        ),
        at=NOW - dt.timedelta(days=30),
    )
    sender = run(tmp_path, database_url, first_session="2025-11-04")
    resent = [s for s in sender.sent if s.uid.startswith("20251104.")]
    assert [(s.uid, s.sequence) for s in resent] == [(legacy, 1)]  # same UID, an update: no duplicate
    later = [s.uid for s in sender.sent if not s.uid.startswith("20251104.")]
    assert later
    assert all(u.endswith("@test-school-of-medicine.groups.mentorledger") for u in later)
