"""Real-world ICS files (tests/data/realworld, see its README) through parse_ics."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from mentorledger.errors import SourceError
from mentorledger.sources.ics.parse import ParsedCalendar
from tests.unit.support import parse, utc

DATA = Path(__file__).resolve().parent.parent / "data"
REALWORLD = DATA / "realworld"
ALL_FILES = sorted(p.name for p in REALWORLD.glob("*.ics"))
BROKEN = {"broken_ical.ics", "big_bad_calendar.ics"}
WIDE = {"start": utc(2000, 1, 1), "end": utc(2030, 1, 1)}  # every file's events lie inside
NARROWER = {"start": utc(2005, 1, 1), "end": utc(2026, 1, 1)}


def read(name: str, directory: Path = REALWORLD) -> ParsedCalendar:
    return parse((directory / name).read_bytes(), **WIDE)


def spans(parsed: ParsedCalendar) -> list[tuple[dt.datetime, dt.datetime]]:
    return sorted((i.start, i.end) for i in parsed.instances)


def test_the_corpus_is_all_here():
    assert len(ALL_FILES) == 19


@pytest.mark.parametrize("name", ALL_FILES)
def test_every_realworld_file_parses_or_raises_source_error(name):
    try:
        parsed = read(name)
    except SourceError as exc:
        reason = exc.reason
        assert reason  # a readable reason for the status page
        return
    for instance in parsed.instances:
        assert instance.start.utcoffset() == dt.timedelta(0)
        assert instance.end.utcoffset() == dt.timedelta(0)
        assert instance.end > WIDE["start"]
        assert instance.start < WIDE["end"]
    assert all(isinstance(line, str) and "\n" not in line for line in parsed.problems)


@pytest.mark.parametrize("name", ALL_FILES)
def test_line_endings_do_not_change_the_result(name):
    # The corpus is stored with LF; RFC 5545 (and most upstream copies) use CRLF.
    lf = (REALWORLD / name).read_bytes()
    crlf = lf.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")

    def outcome(data: bytes) -> object:
        try:
            parsed = parse(data, **NARROWER)
        except SourceError:
            return "SourceError"
        return sorted((i.occurrence, i.start, i.end, i.all_day) for i in parsed.instances), len(
            parsed.problems
        )

    assert outcome(crlf) == outcome(lf)


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_files_are_reported_not_silently_empty(name):
    try:
        parsed = read(name)
    except SourceError:
        return
    assert parsed.problems, "a broken file must either raise SourceError or list its problems"


def test_good_events_of_a_partially_broken_file_are_still_returned():
    # tests/data/cases/partially_broken.ics: two good events around three unreadable ones
    # (empty parameter as in broken_ical.ics, a nonsense RRULE, no DTSTART).
    parsed = read("partially_broken.ics", DATA / "cases")
    assert sorted(i.uid for i in parsed.instances) == ["good-one@example.edu", "good-two@example.edu"]
    assert spans(parsed) == [
        (utc(2025, 10, 15, 14), utc(2025, 10, 15, 15)),
        (utc(2025, 10, 20, 14), utc(2025, 10, 20, 15)),
    ]
    assert len(parsed.problems) == 3
    assert not any("semicolons" in p or "broken rule" in p or "no start at all" in p for p in parsed.problems)


def test_windows_tzid_without_quotes_gives_the_right_utc_instant():
    # 2024-10-28 17:00 "Eastern Standard Time" (US DST until 2024-11-03: UTC-4) == 21:00Z.
    assert spans(read("issue_836_do_not_quote_tzid.ics")) == [(utc(2024, 10, 28, 21), utc(2024, 10, 28, 22))]


def test_quoted_windows_tzid_gives_the_right_utc_instant():
    # 2017-02-24 12:00-12:30 "Pacific Standard Time" (winter, UTC-8) == 20:00-20:30Z.
    assert spans(read("timezone_same_start.ics")) == [(utc(2017, 2, 24, 20), utc(2017, 2, 24, 20, 30))]


def test_bom_file_parses():
    parsed = read("bom_calendar.ics")
    assert (parsed.instances, parsed.problems) == ([], [])


def test_bom_before_events_does_not_hide_them():
    data = b"\xef\xbb\xbf" + (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:b@x\r\nDTSTAMP:20250101T000000Z\r\n"
        b"DTSTART:20251015T140000Z\r\nDTEND:20251015T150000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    assert spans(parse(data, **WIDE)) == [(utc(2025, 10, 15, 14), utc(2025, 10, 15, 15))]


def test_exdate_in_utc_removes_an_occurrence_of_a_berlin_series():
    # Weekly x8 from Mon 2019-03-04 00:30 Berlin (CET: Sun 23:30Z); EXDATE 2019-03-10T23:30Z removes the
    # second; from 2019-03-31 Berlin is on CEST, so the 00:30 starts are 22:30Z.
    assert [s for s, _ in spans(read("each_week_but_one_deleted.ics"))] == [
        utc(2019, 3, 3, 23, 30),
        utc(2019, 3, 17, 23, 30),
        utc(2019, 3, 24, 23, 30),
        utc(2019, 3, 31, 22, 30),
        utc(2019, 4, 7, 22, 30),
        utc(2019, 4, 14, 22, 30),
        utc(2019, 4, 21, 22, 30),
    ]


def test_rfc_7265_example_expands_rrule_rdate_period_and_override():
    # Daily x5 12:00 US/Eastern (EST, 17:00Z) for 1h from 2006-01-02; RDATE period 15:00 for 2h on Jan 2;
    # the Jan 4 occurrence moved to 14:00 (19:00Z).
    assert spans(read("rfc_7265_appendix_example_2_ical.ics")) == [
        (utc(2006, 1, 2, 17), utc(2006, 1, 2, 18)),
        (utc(2006, 1, 2, 20), utc(2006, 1, 2, 22)),
        (utc(2006, 1, 3, 17), utc(2006, 1, 3, 18)),
        (utc(2006, 1, 4, 19), utc(2006, 1, 4, 20)),
        (utc(2006, 1, 5, 17), utc(2006, 1, 5, 18)),
        (utc(2006, 1, 6, 17), utc(2006, 1, 6, 18)),
    ]


def test_bare_vevent_with_exdates_on_separate_lines():
    # Tuesdays 10:00-18:00 Vienna from 2012-03-27 until 2012-07-03 08:00Z (15 Tuesdays), minus 5 EXDATEs.
    parsed = read("event_with_recurrence_exdates_on_different_lines.ics")
    assert len(parsed.instances) == 10
    excluded = {
        dt.date(2012, 5, 29),
        dt.date(2012, 4, 3),
        dt.date(2012, 4, 10),
        dt.date(2012, 5, 1),
        dt.date(2012, 4, 17),
    }
    assert not excluded & {i.start.date() for i in parsed.instances}
    assert utc(2012, 3, 27, 8) in {i.start for i in parsed.instances}  # 10:00 CEST


def test_google_export_times_and_alarm_attendees():
    (instance,) = read("alarm_google_future.ics").instances
    assert (instance.start, instance.end) == (utc(2024, 10, 4, 18, 15), utc(2024, 10, 4, 19))
    assert instance.attendees == ()  # the EMAIL alarm's ATTENDEE is not a meeting attendee


def test_x_wr_timezone_google_export_keeps_its_instants():
    # Noon-1PM and 9-10PM New York on 2021-12-22 (EST, UTC-5).
    assert spans(read("single-events-DTSTART-DTEND.out.ics")) == [
        (utc(2021, 12, 22, 17), utc(2021, 12, 22, 18)),
        (utc(2021, 12, 23, 2), utc(2021, 12, 23, 3)),
    ]


def test_outlook_all_day_holidays_are_all_day():
    parsed = read("Germany.ics")
    assert len(parsed.instances) == 159
    assert all(i.all_day for i in parsed.instances)


def test_date_start_with_utc_date_time_end_is_all_day():
    (instance,) = read("issue_201_mixed_datetime_and_date.ics").instances
    assert instance.all_day is True
    assert instance.transparent is True


def test_until_before_dtstart_gives_no_instances():
    parsed = read("issue_117_until_before_dtstart.ics")
    assert parsed.instances == []


def test_custom_utc_plus_11_zone():
    # 2017-02-28 23:00-23:30 at UTC+11 == 12:00-12:30Z.
    assert spans(read("issue_218_bad_tzid.ics")) == [(utc(2017, 2, 28, 12), utc(2017, 2, 28, 12, 30))]


def test_chicago_series_keeps_local_time_across_dst():
    parsed = parse((REALWORLD / "issue_48_dst.ics").read_bytes(), start=utc(2020, 1, 1), end=utc(2022, 1, 1))
    assert parsed.problems == []
    chicago = ZoneInfo("America/Chicago")
    by_uid: dict[str, set[dt.time]] = {}
    utc_hours: set[int] = set()
    for instance in parsed.instances:
        if instance.recurrence_id is not None and not instance.all_day:
            by_uid.setdefault(instance.uid, set()).add(instance.start.astimezone(chicago).time())
            utc_hours.add(instance.start.hour)
    assert by_uid
    # Every series in this Google export recurs at one local wall-clock time, so its UTC hour moves.
    assert all(len(times) == 1 for times in by_uid.values()), by_uid
    assert len(utc_hours) > len({t.hour for times in by_uid.values() for t in times})


def test_configured_zone_does_not_affect_zoned_files():
    a = read("issue_836_do_not_quote_tzid.ics")
    b = parse((REALWORLD / "issue_836_do_not_quote_tzid.ics").read_bytes(), tz=ZoneInfo("Asia/Tokyo"), **WIDE)
    assert spans(a) == spans(b)
