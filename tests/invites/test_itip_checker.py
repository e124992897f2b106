"""The independent iTIP checker used by the other tests finds what it claims to find."""

from __future__ import annotations

import pytest

from tests.invites import itip

GOOD = (
    "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nPRODID:-//t//EN\r\nVERSION:2.0\r\n"
    "BEGIN:VTIMEZONE\r\nTZID:America/New_York\r\nEND:VTIMEZONE\r\n"
    "BEGIN:VEVENT\r\nUID:1.g@groups.mentorledger\r\nDTSTAMP:20250901T120000Z\r\nSEQUENCE:0\r\n"
    "DTSTART;TZID=America/New_York:20250902T100000\r\nSUMMARY:x\r\n"
    "ORGANIZER;CN=A:mailto:a@x.edu\r\n"
    'ATTENDEE;CN="B, b";PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:b@x.edu\r\n'
    "END:VEVENT\r\nEND:VCALENDAR\r\n"
)


def test_a_minimal_valid_request_passes() -> None:
    assert itip.problems(GOOD.encode(), method="REQUEST") == []


@pytest.mark.parametrize(
    ("broken", "found"),
    [
        (GOOD.replace("ORGANIZER;CN=A:mailto:a@x.edu\r\n", ""), "lacks ORGANIZER"),
        (GOOD.replace("SEQUENCE:0\r\n", ""), "lacks SEQUENCE"),
        (
            GOOD.replace("METHOD:REQUEST\r\nPRODID:-//t//EN\r\n", "PRODID:-//t//EN\r\nMETHOD:REQUEST\r\n"),
            "first property",
        ),
        (GOOD.replace("TZID:America/New_York\r\n", "TZID:Europe/Paris\r\n"), "without a VTIMEZONE"),
        (GOOD.replace("SUMMARY:x", "SUMMARY:" + "x" * 80), "octets"),
        (GOOD.replace("RSVP=TRUE", "RSVP=FALSE"), "not asked to reply"),
        (GOOD.replace("DTSTAMP:20250901T120000Z", "DTSTAMP:20250901T120000"), "not UTC"),
    ],
)
def test_broken_requests_are_caught(broken: str, found: str) -> None:
    assert any(found in p for p in itip.problems(broken.encode(), method="REQUEST"))


def test_bare_line_feeds_are_caught() -> None:
    with pytest.raises(AssertionError, match="bare LF"):
        itip.problems(GOOD.replace("SUMMARY:x\r\n", "SUMMARY:x\n").encode(), method="REQUEST")


def test_a_cancel_without_attendee_is_caught() -> None:
    cancel = GOOD.replace("METHOD:REQUEST", "METHOD:CANCEL").replace(
        'ATTENDEE;CN="B, b";PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:b@x.edu\r\n', ""
    )
    assert "VEVENT lacks ATTENDEE (required in CANCEL)" in itip.problems(cancel.encode(), method="CANCEL")


def test_a_cancel_that_removes_attendees_names_them_and_a_whole_cancel_may_not() -> None:
    whole = GOOD.replace("METHOD:REQUEST", "METHOD:CANCEL").replace(
        'ATTENDEE;CN="B, b";PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:b@x.edu\r\n', "STATUS:CANCELLED\r\n"
    )
    assert itip.problems(whole.encode(), method="CANCEL") == []


def test_a_publish_with_attendees_is_caught() -> None:
    publish = GOOD.replace("METHOD:REQUEST", "METHOD:PUBLISH")
    assert any("MUST NOT be present" in p for p in itip.problems(publish.encode(), method="PUBLISH"))


@pytest.mark.parametrize(
    ("extra", "found"),
    [
        ("BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT15M\r\nEND:VALARM\r\n", "lacks DESCRIPTION"),
        ("BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:x\r\nEND:VALARM\r\n", "VALARM lacks TRIGGER"),
        ("CONFERENCE:https://meet.example.edu/x\r\n", "VALUE=URI"),
    ],
)
def test_broken_alarms_and_conferences_are_caught(extra: str, found: str) -> None:
    broken = GOOD.replace("END:VEVENT", extra + "END:VEVENT")
    assert any(found in p for p in itip.problems(broken.encode(), method="REQUEST"))


def test_a_reply_with_two_attendees_is_caught() -> None:
    reply = GOOD.replace("METHOD:REQUEST", "METHOD:REPLY").replace(
        "END:VEVENT", "ATTENDEE;PARTSTAT=ACCEPTED:mailto:c@x.edu\r\nEND:VEVENT"
    )
    assert any("exactly one ATTENDEE" in p for p in itip.problems(reply.encode(), method="REPLY"))
