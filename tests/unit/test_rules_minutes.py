"""Rule 5: the union of counted intervals, clipped to the window, each minute to the highest category;
the same UID and instance on two calendars of one owner counts once."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from mentorledger.counting import Category, Interval, RuleBook, allocate_minutes, count_instances
from mentorledger.hours import compute_hours
from mentorledger.sync import SyncContext, sync_batch
from tests.unit.icsbuild import calendar
from tests.unit.support import ANA, BEN, DEE, WINDOW_END, WINDOW_START, make_config, parse, utc, write_config

G, M, T = Category.GROUP, Category.MENTEE, Category.TAG
RANK = {G: 3, M: 2, T: 1}  # rule 3's priority, written out by hand


def at(hour: int, minute: int = 0, day: int = 15) -> dt.datetime:
    return utc(2025, 10, day, hour, minute)


def minutes(
    intervals: list[Interval], lo: dt.datetime = WINDOW_START, hi: dt.datetime = WINDOW_END
) -> dict[Category, int]:
    result = allocate_minutes(intervals, lo, hi)
    return {c: result.get(c, 0) for c in Category}


# -- examples ----------------------------------------------------------------------------------------


def test_overlapping_meetings_are_counted_once_with_the_overlap_to_the_higher_category():
    # mentee 10:00-11:00, tag 10:30-11:30: 90 minutes in all; the shared half hour goes to mentee.
    result = minutes([Interval(at(10), at(11), M), Interval(at(10, 30), at(11, 30), T)])
    assert result == {G: 0, M: 60, T: 30}


def test_overlap_goes_to_the_higher_category_whatever_the_order():
    result = minutes([Interval(at(10, 30), at(11, 30), G), Interval(at(10), at(11), T)])
    assert result == {G: 60, M: 0, T: 30}


def test_identical_meetings_count_once():
    result = minutes([Interval(at(10), at(11), T), Interval(at(10), at(11), T)])
    assert result == {G: 0, M: 0, T: 60}


def test_meeting_nested_in_a_longer_one_splits_the_longer_one():
    # tag 09:00-12:00 around group 10:00-11:00: group 60, tag 120.
    result = minutes([Interval(at(9), at(12), T), Interval(at(10), at(11), G)])
    assert result == {G: 60, M: 0, T: 120}


def test_back_to_back_meetings_both_count_in_full():
    result = minutes([Interval(at(10), at(11), M), Interval(at(11), at(12), M)])
    assert result == {G: 0, M: 120, T: 0}


def test_three_way_overlap():
    # tag 09-12, mentee 10-11:30, group 11-11:15 -> group 15, mentee 60+15=75, tag 60+30=90. Total 180.
    result = minutes(
        [Interval(at(9), at(12), T), Interval(at(10), at(11, 30), M), Interval(at(11), at(11, 15), G)]
    )
    assert result == {G: 15, M: 75, T: 90}


def test_interval_crossing_the_window_end_is_clipped():
    # Window ends 2026-07-01 04:00Z; a meeting 03:00-05:00Z has 60 minutes inside.
    result = minutes([Interval(utc(2026, 7, 1, 3), utc(2026, 7, 1, 5), T)])
    assert result == {G: 0, M: 0, T: 60}


def test_interval_crossing_the_window_start_is_clipped():
    result = minutes([Interval(utc(2025, 7, 1, 3, 30), utc(2025, 7, 1, 4, 45), M)])
    assert result == {G: 0, M: 45, T: 0}


def test_interval_outside_the_window_counts_nothing():
    result = minutes([Interval(utc(2026, 7, 1, 4), utc(2026, 7, 1, 5), G)])
    assert result == {G: 0, M: 0, T: 0}


def test_overlapping_calendar_events_are_counted_once_end_to_end():
    data = calendar(
        f"UID:m1@example.edu\nDTSTART:20251015T140000Z\nDTEND:20251015T150000Z\nORGANIZER:mailto:{ANA}\n"
        f"ATTENDEE:mailto:{BEN}",
        "UID:t1@example.edu\nSUMMARY:#mentoring seminar\nDTSTART:20251015T143000Z\nDTEND:20251015T153000Z",
    )
    book = RuleBook(make_config())
    entries = count_instances(parse(data).instances, owner=ANA, calendar_key="cal", book=book).entries
    assert sorted(e.category for e in entries) == [M, T]
    assert minutes([Interval(e.start, e.end, e.category) for e in entries]) == {G: 0, M: 60, T: 30}


def test_event_crossing_the_window_boundary_is_clipped_end_to_end():
    # 2026-06-30 23:00 - 2026-07-01 01:00 EDT: one hour before the window's end.
    # 2025-06-30 23:30 - 2025-07-01 00:30 EDT: half an hour after the window's start.
    data = calendar(
        "UID:late@example.edu\nSUMMARY:#mentoring\nDTSTART;TZID=America/New_York:20260630T230000\n"
        "DTEND;TZID=America/New_York:20260701T010000",
        "UID:early@example.edu\nSUMMARY:#mentoring\nDTSTART;TZID=America/New_York:20250630T233000\n"
        "DTEND;TZID=America/New_York:20250701T003000",
    )
    book = RuleBook(make_config())
    entries = count_instances(parse(data).instances, owner=ANA, calendar_key="cal", book=book).entries
    assert len(entries) == 2
    assert minutes([Interval(e.start, e.end, e.category) for e in entries]) == {G: 0, M: 0, T: 90}


# -- properties --------------------------------------------------------------------------------------

BASE = utc(2025, 10, 15, 12)
CATEGORIES = st.sampled_from([G, M, T])
SPANS = st.lists(st.tuples(st.integers(0, 300), st.integers(0, 120), CATEGORIES), max_size=12)
CLIPS = st.tuples(st.integers(-30, 200), st.integers(0, 500)).map(lambda p: (p[0], p[0] + p[1]))


def build(spans: list[tuple[int, int, Category]]) -> list[Interval]:
    return [
        Interval(BASE + dt.timedelta(minutes=s), BASE + dt.timedelta(minutes=s + n), c) for s, n, c in spans
    ]


def covered(
    spans: list[tuple[int, int, Category]], clip: tuple[int, int], only: Category | None = None
) -> set[int]:
    lo, hi = clip
    return {m for s, n, c in spans if only in (None, c) for m in range(max(s, lo), min(s + n, hi))}


def allocate(spans: list[tuple[int, int, Category]], clip: tuple[int, int]) -> dict[Category, int]:
    lo, hi = clip
    return minutes(build(spans), BASE + dt.timedelta(minutes=lo), BASE + dt.timedelta(minutes=hi))


@given(SPANS, CLIPS)
def test_total_equals_the_measure_of_the_clipped_union(spans, clip):
    assert sum(allocate(spans, clip).values()) == len(covered(spans, clip))


@given(SPANS, CLIPS)
def test_total_never_exceeds_the_sum_of_interval_lengths(spans, clip):
    assert sum(allocate(spans, clip).values()) <= sum(n for _, n, _ in spans)


@given(st.data(), SPANS, CLIPS)
def test_result_is_invariant_under_permutation(data, spans, clip):
    shuffled = data.draw(st.permutations(spans))
    assert allocate(shuffled, clip) == allocate(spans, clip)


@given(SPANS, CLIPS)
def test_each_category_gets_at_most_its_own_union(spans, clip):
    result = allocate(spans, clip)
    for category in Category:
        assert result[category] <= len(covered(spans, clip, only=category))


@given(SPANS, CLIPS)
def test_group_minutes_equal_the_union_of_group_intervals(spans, clip):
    assert allocate(spans, clip)[G] == len(covered(spans, clip, only=G))


@given(SPANS, CLIPS)
def test_every_minute_goes_to_the_highest_category_covering_it(spans, clip):
    lo, hi = clip
    expected = dict.fromkeys(Category, 0)
    for minute in range(lo, hi):
        here = [c for s, n, c in spans if s <= minute < s + n]
        if here:
            expected[max(here, key=RANK.__getitem__)] += 1
    assert allocate(spans, clip) == expected


# -- the same meeting on two calendars of one owner, through the ledger -------------------------------

MEETING = f"""
UID:shared-1@example.edu
SUMMARY:#mentoring journal club
DTSTART;TZID=America/New_York:20251015T100000
DTEND;TZID=America/New_York:20251015T110000
ORGANIZER:mailto:{DEE}
ATTENDEE;PARTSTAT=ACCEPTED:mailto:{ANA}
"""


def sync_all(config, ledger):
    outcomes = sync_batch(SyncContext(config=config, ledger=ledger, run_id="run-1"), config.calendars)
    assert [o.outcome for o in outcomes] == ["synced"] * len(outcomes), [o.error for o in outcomes]
    return outcomes


def hours_of(report, email):
    return next(m for m in report.mentors if m.email == email)


def test_same_uid_and_instance_on_two_calendars_of_one_owner_counts_once(tmp_path, ledger):
    (tmp_path / "work.ics").write_bytes(calendar(MEETING))
    (tmp_path / "personal.ics").write_bytes(calendar(MEETING))
    config = write_config(tmp_path, [(ANA, "work.ics"), (ANA, "personal.ics")])
    sync_all(config, ledger)
    report = compute_hours(config, ledger)
    ana = hours_of(report, ANA)
    assert (ana.minutes, ana.entries) == (60, 1)
    assert ana.by_category[T] == 60


def test_same_series_on_two_calendars_of_one_owner_counts_each_instance_once(tmp_path, ledger):
    series = MEETING + "RRULE:FREQ=WEEKLY;COUNT=3"
    (tmp_path / "work.ics").write_bytes(calendar(series))
    (tmp_path / "personal.ics").write_bytes(calendar(series))
    config = write_config(tmp_path, [(ANA, "work.ics"), (ANA, "personal.ics")])
    sync_all(config, ledger)
    ana = hours_of(compute_hours(config, ledger), ANA)
    assert (ana.minutes, ana.entries) == (180, 3)


def test_same_meeting_with_a_stale_time_on_a_second_calendar_still_counts_once(tmp_path, ledger):
    # One feed already shows the meeting moved to 14:00; the other still shows 10:00. Same UID, same
    # (single) instance: it is one one-hour meeting, so 60 minutes, not 120.
    moved = MEETING.replace("T100000", "T140000").replace("T110000", "T150000")
    (tmp_path / "work.ics").write_bytes(calendar(moved))
    (tmp_path / "personal.ics").write_bytes(calendar(MEETING))
    config = write_config(tmp_path, [(ANA, "work.ics"), (ANA, "personal.ics")])
    sync_all(config, ledger)
    ana = hours_of(compute_hours(config, ledger), ANA)
    assert (ana.minutes, ana.entries) == (60, 1)


def test_same_meeting_on_two_owners_calendars_counts_for_each_owner(tmp_path, ledger):
    (tmp_path / "ana.ics").write_bytes(calendar(MEETING))
    (tmp_path / "dee.ics").write_bytes(calendar(MEETING))
    config = write_config(tmp_path, [(ANA, "ana.ics"), (DEE, "dee.ics")])
    sync_all(config, ledger)
    report = compute_hours(config, ledger)
    assert {(m.email, m.minutes, m.entries) for m in report.mentors} == {(ANA, 60, 1), (DEE, 60, 1)}


def test_hours_clip_entries_to_the_window(tmp_path, ledger):
    (tmp_path / "ana.ics").write_bytes(
        calendar(
            "UID:late@example.edu\nSUMMARY:#mentoring\nDTSTART;TZID=America/New_York:20260630T230000\n"
            "DTEND;TZID=America/New_York:20260701T010000"
        )
    )
    config = write_config(tmp_path, [(ANA, "ana.ics")])
    sync_all(config, ledger)
    ana = hours_of(compute_hours(config, ledger), ANA)
    assert (ana.minutes, ana.entries) == (60, 1)


def test_hours_of_overlapping_meetings_from_two_calendars_are_not_double_counted(tmp_path, ledger):
    # Work calendar: 1:1 with mentee Ben 10:00-11:00 EDT. Personal calendar: a tagged seminar 10:30-11:30.
    (tmp_path / "work.ics").write_bytes(
        calendar(
            f"UID:one@example.edu\nDTSTART;TZID=America/New_York:20251015T100000\n"
            f"DTEND;TZID=America/New_York:20251015T110000\nORGANIZER:mailto:{ANA}\nATTENDEE:mailto:{BEN}"
        )
    )
    (tmp_path / "personal.ics").write_bytes(
        calendar(
            "UID:two@example.edu\nSUMMARY:#mentoring seminar\nDTSTART;TZID=America/New_York:20251015T103000\n"
            "DTEND;TZID=America/New_York:20251015T113000"
        )
    )
    config = write_config(tmp_path, [(ANA, "work.ics"), (ANA, "personal.ics")])
    sync_all(config, ledger)
    ana = hours_of(compute_hours(config, ledger), ANA)
    assert ana.minutes == 90
    assert (ana.by_category[M], ana.by_category[T], ana.entries) == (60, 30, 2)
