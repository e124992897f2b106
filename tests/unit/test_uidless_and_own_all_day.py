"""Events without a UID are each their own event, and all-day is decided by each instance's own start
(tests/data/cases/uidless_events.ics and timed_override_of_all_day_series.ics tell the stories)."""

from __future__ import annotations

from pathlib import Path

from mentorledger.counting import DropReason, RuleBook, count_instances
from tests.unit.icsbuild import calendar
from tests.unit.support import ANA, make_config, parse, utc

CASES = Path(__file__).resolve().parent.parent / "data" / "cases"


def read_case(name: str):
    return parse((CASES / name).read_bytes())


def test_uidless_events_keep_their_own_all_day_and_direction():
    # An all-day retreat, an event whose end was typed before its start, two meetings at the same start,
    # and the first of those exported a second time (only DTSTAMP differs).
    parsed = read_case("uidless_events.ics")
    assert parsed.problems == []
    assert sorted((i.start, i.end, i.all_day) for i in parsed.instances) == [
        (utc(2025, 10, 13, 4), utc(2025, 10, 14, 4), True),  # midnight New York, all day
        (utc(2025, 10, 14, 15), utc(2025, 10, 14, 14), False),  # negative: dropped by rule 2, not swapped
        (utc(2025, 10, 15, 14), utc(2025, 10, 15, 14, 30), False),  # Cy, same start as Ben: not lost
        (utc(2025, 10, 15, 14), utc(2025, 10, 15, 15), False),  # Ben, once although exported twice
    ]
    assert len({i.uid for i in parsed.instances}) == 4


def test_uidless_meetings_at_the_same_start_both_count():
    book = RuleBook(make_config())
    counted = count_instances(
        read_case("uidless_events.ics").instances, owner=ANA, calendar_key="c", book=book
    )
    assert sorted((e.start, e.end) for e in counted.entries) == [
        (utc(2025, 10, 15, 14), utc(2025, 10, 15, 14, 30)),
        (utc(2025, 10, 15, 14), utc(2025, 10, 15, 15)),
    ]
    assert counted.dropped == {DropReason.ALL_DAY: 1, DropReason.ZERO_LENGTH: 1}
    assert len({e.source_key for e in counted.entries}) == 2


def test_a_uidless_key_is_stable_across_exports_and_follows_the_content():
    body = "DTSTART:20251015T140000Z\nDTEND:20251015T150000Z\nSUMMARY:#mentoring"
    first = parse(calendar(body + "\nDTSTAMP:20250901T000000Z")).instances[0]
    again = parse(calendar(body + "\nDTSTAMP:20251001T000000Z")).instances[0]
    moved = parse(calendar(body.replace("T15", "T16") + "\nDTSTAMP:20250901T000000Z")).instances[0]
    assert first.uid == again.uid
    assert first.uid.startswith("no-uid:")
    assert moved.uid != first.uid


def test_a_timed_override_of_an_all_day_series_is_not_all_day():
    parsed = read_case("timed_override_of_all_day_series.ics")
    assert parsed.problems == []
    assert sorted((i.start, i.end, i.all_day) for i in parsed.instances) == [
        (utc(2025, 10, 6, 4), utc(2025, 10, 7, 4), True),
        (utc(2025, 10, 13, 14), utc(2025, 10, 13, 15), False),  # the override's own timed start
        (utc(2025, 10, 20, 4), utc(2025, 10, 21, 4), True),
    ]
    assert {i.uid for i in parsed.instances} == {"office-day@example.edu"}
