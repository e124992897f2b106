"""Rule 1: recurrence expansion (RRULE, RDATE, EXDATE, RECURRENCE-ID overrides), DURATION, no end."""

from __future__ import annotations

import datetime as dt

from mentorledger.counting import DropReason, RuleBook, count_instances
from tests.unit.icsbuild import calendar
from tests.unit.support import ANA, make_config, parse, starts, utc

# A weekly Monday 10:00-11:00 New York series (EDT: 14:00-15:00Z) starting 2025-09-15, four times.
WEEKLY = """
UID:weekly-1@example.edu
SUMMARY:#mentoring weekly
DTSTART;TZID=America/New_York:20250915T100000
DTEND;TZID=America/New_York:20250915T110000
RRULE:FREQ=WEEKLY;COUNT=4
"""


def count(data: bytes, **config: object):
    book = RuleBook(make_config(**config))
    return count_instances(parse(data).instances, owner=ANA, calendar_key="cal", book=book)


def test_weekly_rrule_expands_every_occurrence():
    parsed = parse(calendar(WEEKLY))
    assert parsed.problems == []
    assert starts(parsed.instances) == [
        utc(2025, 9, 15, 14),
        utc(2025, 9, 22, 14),
        utc(2025, 9, 29, 14),
        utc(2025, 10, 6, 14),
    ]
    assert all(i.end - i.start == dt.timedelta(hours=1) for i in parsed.instances)


def test_rrule_until_is_inclusive_and_stops_the_series():
    data = calendar(
        """
        UID:daily@example.edu
        DTSTART:20250915T140000Z
        DTEND:20250915T143000Z
        RRULE:FREQ=DAILY;UNTIL=20250917T140000Z
        """
    )
    assert starts(parse(data).instances) == [utc(2025, 9, 15, 14), utc(2025, 9, 16, 14), utc(2025, 9, 17, 14)]


def test_rdate_adds_occurrences_with_the_series_length():
    data = calendar(
        """
        UID:rdate@example.edu
        DTSTART:20251015T140000Z
        DTEND:20251015T150000Z
        RDATE:20251020T140000Z,20251022T160000Z
        """
    )
    instances = parse(data).instances
    assert starts(instances) == [utc(2025, 10, 15, 14), utc(2025, 10, 20, 14), utc(2025, 10, 22, 16)]
    assert {i.end - i.start for i in instances} == {dt.timedelta(hours=1)}


def test_rdate_with_tzid_is_read_in_that_zone():
    # 2025-11-05 10:00 in New York is EST (UTC-5): 15:00Z.
    data = calendar(
        """
        UID:rdate-tz@example.edu
        DTSTART;TZID=America/New_York:20251015T100000
        DTEND;TZID=America/New_York:20251015T110000
        RDATE;TZID=America/New_York:20251105T100000
        """
    )
    assert starts(parse(data).instances) == [utc(2025, 10, 15, 14), utc(2025, 11, 5, 15)]


def test_exdate_with_tzid_removes_that_occurrence():
    data = calendar(WEEKLY + "EXDATE;TZID=America/New_York:20250922T100000")
    assert starts(parse(data).instances) == [utc(2025, 9, 15, 14), utc(2025, 9, 29, 14), utc(2025, 10, 6, 14)]


def test_exdate_in_utc_removes_occurrence_of_a_tzid_series():
    # 2025-09-22 10:00 EDT == 14:00Z
    data = calendar(WEEKLY + "EXDATE:20250922T140000Z")
    assert starts(parse(data).instances) == [utc(2025, 9, 15, 14), utc(2025, 9, 29, 14), utc(2025, 10, 6, 14)]


def test_exdate_in_utc_after_dst_end_removes_the_shifted_occurrence():
    # Weekly 10:00 New York from Mon 2025-10-27 (EDT, 14:00Z); Mon 2025-11-03 is EST, so 10:00 == 15:00Z.
    data = calendar(
        """
        UID:dst-ex@example.edu
        DTSTART;TZID=America/New_York:20251027T100000
        DTEND;TZID=America/New_York:20251027T110000
        RRULE:FREQ=WEEKLY;COUNT=3
        EXDATE:20251103T150000Z
        """
    )
    assert starts(parse(data).instances) == [utc(2025, 10, 27, 14), utc(2025, 11, 10, 15)]


def test_several_exdate_lines_each_remove_an_occurrence():
    data = calendar(WEEKLY + "EXDATE:20250922T140000Z\nEXDATE;TZID=America/New_York:20251006T100000")
    assert starts(parse(data).instances) == [utc(2025, 9, 15, 14), utc(2025, 9, 29, 14)]


def test_recurrence_id_override_moves_its_instance():
    # The 2025-09-29 occurrence moves to Tuesday 2025-09-30 15:00-16:30 EDT (19:00-20:30Z).
    override = """
    UID:weekly-1@example.edu
    SUMMARY:#mentoring weekly (moved)
    RECURRENCE-ID;TZID=America/New_York:20250929T100000
    DTSTART;TZID=America/New_York:20250930T150000
    DTEND;TZID=America/New_York:20250930T163000
    """
    instances = parse(calendar(WEEKLY, override)).instances
    assert starts(instances) == [
        utc(2025, 9, 15, 14),
        utc(2025, 9, 22, 14),
        utc(2025, 9, 30, 19),
        utc(2025, 10, 6, 14),
    ]
    moved = next(i for i in instances if i.start == utc(2025, 9, 30, 19))
    assert moved.end == utc(2025, 9, 30, 20, 30)


def test_recurrence_id_override_keeps_the_occurrence_identity_of_the_original_slot():
    override = """
    UID:weekly-1@example.edu
    RECURRENCE-ID;TZID=America/New_York:20250929T100000
    DTSTART;TZID=America/New_York:20250930T150000
    DTEND;TZID=America/New_York:20250930T160000
    """
    plain = {i.start: i.occurrence for i in parse(calendar(WEEKLY)).instances}
    moved = {i.start: i.occurrence for i in parse(calendar(WEEKLY, override)).instances}
    # Moving one occurrence must not change which occurrences exist, only when one of them happens.
    assert sorted(plain.values()) == sorted(moved.values())
    assert moved[utc(2025, 9, 30, 19)] == plain[utc(2025, 9, 29, 14)]


def test_an_override_exported_twice_is_read_from_its_newest_copy_and_the_rest_from_the_master():
    # Some exports repeat an override (here with a higher SEQUENCE and another title); the instance
    # takes the newer copy, as the expansion resolves it, and every other occurrence the master's.
    older = """
    UID:weekly-1@example.edu
    SUMMARY:planning (old)
    SEQUENCE:1
    RECURRENCE-ID;TZID=America/New_York:20250929T100000
    DTSTART;TZID=America/New_York:20250930T150000
    DTEND;TZID=America/New_York:20250930T160000
    """
    newer = older.replace("SEQUENCE:1", "SEQUENCE:2").replace("planning (old)", "#mentoring (moved)")
    instances = parse(calendar(WEEKLY, older, newer)).instances
    moved = [i for i in instances if i.start == utc(2025, 9, 30, 19)]
    assert [i.summary for i in moved] == ["#mentoring (moved)"]
    assert [i.summary for i in instances if i not in moved] == ["#mentoring weekly"] * 3


def test_cancelled_override_removes_its_instance():
    override = """
    UID:weekly-1@example.edu
    SUMMARY:#mentoring weekly
    RECURRENCE-ID;TZID=America/New_York:20250922T100000
    DTSTART;TZID=America/New_York:20250922T100000
    DTEND;TZID=America/New_York:20250922T110000
    STATUS:CANCELLED
    """
    data = calendar(WEEKLY, override)
    live = [i for i in parse(data).instances if not i.cancelled]
    assert starts(live) == [utc(2025, 9, 15, 14), utc(2025, 9, 29, 14), utc(2025, 10, 6, 14)]
    counted = count(data)
    assert sorted(e.start for e in counted.entries) == [
        utc(2025, 9, 15, 14),
        utc(2025, 9, 29, 14),
        utc(2025, 10, 6, 14),
    ]


def test_duration_gives_the_end_when_dtend_is_missing():
    data = calendar(
        """
        UID:dur@example.edu
        SUMMARY:#mentoring
        DTSTART:20251015T140000Z
        DURATION:PT45M
        """
    )
    (instance,) = parse(data).instances
    assert (instance.start, instance.end) == (utc(2025, 10, 15, 14), utc(2025, 10, 15, 14, 45))
    assert [(e.start, e.end) for e in count(data).entries] == [
        (utc(2025, 10, 15, 14), utc(2025, 10, 15, 14, 45))
    ]


def test_duration_applies_to_every_occurrence_of_a_series():
    data = calendar(
        """
        UID:dur-series@example.edu
        DTSTART;TZID=America/New_York:20251027T100000
        DURATION:PT30M
        RRULE:FREQ=WEEKLY;COUNT=2
        """
    )
    spans = sorted((i.start, i.end) for i in parse(data).instances)
    assert spans == [
        (utc(2025, 10, 27, 14), utc(2025, 10, 27, 14, 30)),
        (utc(2025, 11, 3, 15), utc(2025, 11, 3, 15, 30)),
    ]


def test_event_without_dtend_or_duration_has_zero_length_and_is_dropped():
    data = calendar(
        """
        UID:no-end@example.edu
        SUMMARY:#mentoring
        DTSTART:20251015T140000Z
        """
    )
    (instance,) = parse(data).instances
    assert instance.start == instance.end == utc(2025, 10, 15, 14)
    counted = count(data)
    assert counted.entries == []
    assert counted.dropped[DropReason.ZERO_LENGTH] == 1


def test_series_starting_before_the_window_yields_only_occurrences_inside_it():
    # Mondays 10:00 EDT from 2025-06-23: Jun 23, Jun 30 (before the window), Jul 7, Jul 14.
    data = calendar(
        """
        UID:early@example.edu
        DTSTART;TZID=America/New_York:20250623T100000
        DTEND;TZID=America/New_York:20250623T110000
        RRULE:FREQ=WEEKLY;COUNT=4
        """
    )
    assert starts(parse(data).instances) == [utc(2025, 7, 7, 14), utc(2025, 7, 14, 14)]


def test_override_moved_across_the_window_start_counts_where_it_now_happens():
    # Mondays 10:00 EDT x8 from 2025-06-02: Jun 2, 9, 16, 23, 30, Jul 7, 14, 21. The Jun 16 occurrence
    # moves into the window (Jul 10); the Jul 14 occurrence moves out of it (Jun 20).
    data = calendar(
        """
        UID:across@example.edu
        DTSTART;TZID=America/New_York:20250602T100000
        DTEND;TZID=America/New_York:20250602T110000
        RRULE:FREQ=WEEKLY;COUNT=8
        """,
        """
        UID:across@example.edu
        RECURRENCE-ID;TZID=America/New_York:20250616T100000
        DTSTART;TZID=America/New_York:20250710T100000
        DTEND;TZID=America/New_York:20250710T110000
        """,
        """
        UID:across@example.edu
        RECURRENCE-ID;TZID=America/New_York:20250714T100000
        DTSTART;TZID=America/New_York:20250620T100000
        DTEND;TZID=America/New_York:20250620T110000
        """,
    )
    assert starts(parse(data).instances) == [utc(2025, 7, 7, 14), utc(2025, 7, 10, 14), utc(2025, 7, 21, 14)]
