"""Splitting a feed into UID groups (mentorledger.sources.ics.groups): what a partial read parses."""

from __future__ import annotations

from pathlib import Path

import pytest

from mentorledger.errors import SourceError
from mentorledger.sources.ics.groups import NO_UID, split_calendar
from tests.unit.icsbuild import calendar
from tests.unit.support import parse, utc

DATA = Path(__file__).resolve().parent.parent / "data"
FILES = [*sorted((DATA / "realworld").glob("*.ics")), *sorted((DATA / "cases").glob("*.ics"))]
WIDE = {"start": utc(2018, 1, 1), "end": utc(2027, 1, 1)}  # most files have events here


def instants(data: bytes) -> object:
    try:
        parsed = parse(data, **WIDE)
    except SourceError as exc:
        return exc.reason
    return sorted((i.occurrence, i.start, i.end, i.summary) for i in parsed.instances), parsed.problems


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_all_groups_together_read_as_the_whole_file(path: Path) -> None:
    data = path.read_bytes()
    split = split_calendar(data)
    if split is None:  # not one plain VCALENDAR: always read whole
        assert not data.lstrip(b"\xef\xbb\xbf \r\n").upper().startswith(b"BEGIN:VCALENDAR") or (
            data.upper().count(b"BEGIN:") != data.upper().count(b"END:")
        )
        return
    assert sum(len(g.blocks) for g in split.groups.values()) == data.upper().count(b"BEGIN:VEVENT")
    assert instants(split.text_of(split.groups)) == instants(data)


def test_a_series_and_its_overrides_are_one_group_and_uid_less_events_another() -> None:
    data = calendar(
        "UID:s@x\nDTSTART:20251103T140000Z\nRRULE:FREQ=WEEKLY;COUNT=3",
        "UID:other@x\nDTSTART:20251104T140000Z",
        "UID:s@x\nRECURRENCE-ID:20251110T140000Z\nDTSTART:20251111T140000Z",
        "DTSTART:20251105T140000Z",
        "DTSTART:20251106T140000Z",
    )
    split = split_calendar(data)
    assert split is not None
    assert {uid: len(g.blocks) for uid, g in split.groups.items()} == {"s@x": 2, "other@x": 1, NO_UID: 2}


def test_the_uid_is_read_unfolded_and_not_from_an_alarm() -> None:
    data = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nDTSTART:20251103T140000Z\r\n"
        b"BEGIN:VALARM\r\nUID:alarm-1\r\nACTION:DISPLAY\r\nTRIGGER:-PT5M\r\nEND:VALARM\r\n"
        b"UID:very-long-\r\n identifier@x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    split = split_calendar(data)
    assert split is not None
    assert list(split.groups) == ["very-long-identifier@x"]


def test_content_after_the_calendar_means_the_file_is_read_whole() -> None:
    data = calendar("UID:a@x\nDTSTART:20251103T140000Z") * 2
    assert split_calendar(data) is None


def test_what_is_parsed_leaves_out_what_no_rule_reads_but_keeps_a_uid_less_event_whole() -> None:
    data = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:a@x\r\nDTSTAMP:20251001T000000Z\r\n"
        b"DTSTART:20251103T140000Z\r\nDTEND:20251103T150000Z\r\nSUMMARY:#mentoring\r\n"
        b"DESCRIPTION:Private notes about the mentee that go on\r\n and on over a folded line\r\n"
        b"LOCATION;LANGUAGE=en:Room 4\r\nATTENDEE;PARTSTAT=DECLINED:mailto:b@x\r\n"
        b"BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:Reminder\r\nTRIGGER:-PT5M\r\nEND:VALARM\r\n"
        b"END:VEVENT\r\nBEGIN:VEVENT\r\nDTSTART:20251104T140000Z\r\nDESCRIPTION:kept\r\nEND:VEVENT\r\n"
        b"END:VCALENDAR\r\n"
    )
    split = split_calendar(data)
    assert split is not None
    lean = split.text_of(["a@x"]).decode()
    for gone in ("DTSTAMP", "DESCRIPTION", "and on over", "LOCATION", "Room 4"):
        assert gone not in lean
    for kept in (
        "UID:a@x",
        "DTSTART:",
        "DTEND:",
        "SUMMARY:#mentoring",
        "ATTENDEE;PARTSTAT=DECLINED",
        "TRIGGER",
    ):
        assert kept in lean
    assert "DESCRIPTION:kept" in split.text_of([NO_UID]).decode()  # its content is its identity
    assert instants(split.text_of(split.groups)) == instants(data)
