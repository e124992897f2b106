"""Rule 4: TZID (with DST), UTC, floating times (X-WR-TIMEZONE, else the configured zone), Windows zones."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

from mentorledger.config import Window
from mentorledger.counting import window_bounds
from mentorledger.sync import SyncContext, sync_batch
from tests.unit.icsbuild import EASTERN_STANDARD_TIME_VTIMEZONE, calendar
from tests.unit.support import ANA, NEW_YORK, only_instance, parse, starts, utc, write_config

CASES = Path(__file__).resolve().parent.parent / "data" / "cases"
BERLIN = ZoneInfo("Europe/Berlin")
CHICAGO = ZoneInfo("America/Chicago")


def test_weekly_series_keeps_local_time_across_dst_end():
    # US DST ends Sun 2025-11-02: 10:00 EDT == 14:00Z before, 10:00 EST == 15:00Z after.
    data = calendar(
        """
        UID:dst@example.edu
        DTSTART;TZID=America/New_York:20251020T100000
        DTEND;TZID=America/New_York:20251020T110000
        RRULE:FREQ=WEEKLY;COUNT=3
        """
    )
    instances = parse(data).instances
    assert starts(instances) == [utc(2025, 10, 20, 14), utc(2025, 10, 27, 14), utc(2025, 11, 3, 15)]
    assert {i.start.astimezone(NEW_YORK).time() for i in instances} == {dt.time(10, 0)}
    assert {i.end - i.start for i in instances} == {dt.timedelta(hours=1)}


def test_weekly_series_keeps_local_time_across_dst_start():
    # US DST starts Sun 2026-03-08: 10:00 EST == 15:00Z before, 10:00 EDT == 14:00Z after.
    data = calendar(
        """
        UID:dst-spring@example.edu
        DTSTART;TZID=America/New_York:20260302T100000
        DTEND;TZID=America/New_York:20260302T110000
        RRULE:FREQ=WEEKLY;COUNT=2
        """
    )
    assert starts(parse(data).instances) == [utc(2026, 3, 2, 15), utc(2026, 3, 9, 14)]


def test_tzid_is_honoured_regardless_of_the_configured_zone():
    # 10:00 in Berlin on 2025-10-15 is CEST (UTC+2): 08:00Z, whatever zone is configured.
    body = "UID:b@example.edu\nDTSTART;TZID=Europe/Berlin:20251015T100000\nDTEND;TZID=Europe/Berlin:20251015T110000"
    assert only_instance(calendar(body), tz=NEW_YORK).start == utc(2025, 10, 15, 8)
    assert only_instance(calendar(body), tz=CHICAGO).start == utc(2025, 10, 15, 8)


def test_utc_time_stays_utc():
    body = "UID:u@example.edu\nDTSTART:20251015T140000Z\nDTEND:20251015T150000Z"
    instance = only_instance(calendar(body), tz=BERLIN)
    assert (instance.start, instance.end) == (utc(2025, 10, 15, 14), utc(2025, 10, 15, 15))


def test_utc_time_stays_utc_when_the_calendar_has_an_x_wr_timezone():
    body = "UID:u@example.edu\nDTSTART:20251015T140000Z\nDTEND:20251015T150000Z"
    instance = only_instance(calendar(body, headers=["X-WR-TIMEZONE:Europe/London"]))
    assert (instance.start, instance.end) == (utc(2025, 10, 15, 14), utc(2025, 10, 15, 15))


def test_utc_weekly_series_keeps_its_utc_hour_across_dst():
    data = calendar(
        "UID:uw@example.edu\nDTSTART:20251027T140000Z\nDTEND:20251027T150000Z\nRRULE:FREQ=WEEKLY;COUNT=2"
    )
    assert starts(parse(data).instances) == [utc(2025, 10, 27, 14), utc(2025, 11, 3, 14)]


def test_utc_weekly_series_keeps_its_utc_hour_across_dst_in_an_x_wr_timezone_calendar():
    data = calendar(
        "UID:uw@example.edu\nDTSTART:20251027T140000Z\nDTEND:20251027T150000Z\nRRULE:FREQ=WEEKLY;COUNT=2",
        headers=["X-WR-TIMEZONE:America/New_York"],
    )
    assert starts(parse(data).instances) == [utc(2025, 10, 27, 14), utc(2025, 11, 3, 14)]


def test_windows_vtimezone_without_tzname_is_not_taken_for_floating_under_x_wr_timezone():
    body = (
        "UID:w@example.edu\nDTSTART;TZID=Eastern Standard Time:20251015T100000\n"
        "DTEND;TZID=Eastern Standard Time:20251015T110000"
    )
    data = calendar(
        body, headers=["X-WR-TIMEZONE:Europe/London"], components=[EASTERN_STANDARD_TIME_VTIMEZONE]
    )
    instance = only_instance(data)
    assert (instance.start, instance.end) == (utc(2025, 10, 15, 14), utc(2025, 10, 15, 15))


def test_floating_time_is_read_in_x_wr_timezone_when_present():
    # Configured zone New York; the calendar says Europe/London. 2025-10-15 10:00 BST (UTC+1) == 09:00Z;
    # 2025-11-05 10:00 GMT == 10:00Z.
    data = calendar(
        "UID:f1@example.edu\nDTSTART:20251015T100000\nDTEND:20251015T110000",
        "UID:f2@example.edu\nDTSTART:20251105T100000\nDTEND:20251105T110000",
        headers=["X-WR-TIMEZONE:Europe/London"],
    )
    instances = parse(data, tz=NEW_YORK).instances
    assert sorted((i.start, i.end) for i in instances) == [
        (utc(2025, 10, 15, 9), utc(2025, 10, 15, 10)),
        (utc(2025, 11, 5, 10), utc(2025, 11, 5, 11)),
    ]


def test_tzid_wins_over_x_wr_timezone():
    # X-WR-TIMEZONE only supplies a zone for floating times; 10:00 New York (EDT) stays 14:00Z.
    body = (
        "UID:t@example.edu\nDTSTART;TZID=America/New_York:20251015T100000\n"
        "DTEND;TZID=America/New_York:20251015T110000"
    )
    instance = only_instance(calendar(body, headers=["X-WR-TIMEZONE:Europe/London"]), tz=BERLIN)
    assert (instance.start, instance.end) == (utc(2025, 10, 15, 14), utc(2025, 10, 15, 15))


def test_floating_time_without_x_wr_timezone_is_read_in_the_configured_zone():
    # 2025-10-15 10:00 CDT (UTC-5) == 15:00Z; in New York it would be 14:00Z.
    data = calendar("UID:f@example.edu\nDTSTART:20251015T100000\nDTEND:20251015T110000")
    assert only_instance(data, tz=CHICAGO).start == utc(2025, 10, 15, 15)
    assert only_instance(data, tz=NEW_YORK).start == utc(2025, 10, 15, 14)


def test_floating_weekly_series_keeps_local_time_of_the_configured_zone_across_dst():
    data = calendar(
        "UID:fw@example.edu\nDTSTART:20251027T100000\nDTEND:20251027T110000\nRRULE:FREQ=WEEKLY;COUNT=2"
    )
    assert starts(parse(data, tz=NEW_YORK).instances) == [utc(2025, 10, 27, 14), utc(2025, 11, 3, 15)]


def test_windows_tzid_with_vtimezone_gives_the_right_utc_instant():
    # "Eastern Standard Time" is Exchange's name for US Eastern, DST included:
    # 2025-10-15 10:00 (EDT) == 14:00Z.
    body = (
        "UID:w@example.edu\nDTSTART;TZID=Eastern Standard Time:20251015T100000\n"
        "DTEND;TZID=Eastern Standard Time:20251015T110000"
    )
    instance = only_instance(calendar(body, components=[EASTERN_STANDARD_TIME_VTIMEZONE]), tz=BERLIN)
    assert (instance.start, instance.end) == (utc(2025, 10, 15, 14), utc(2025, 10, 15, 15))


def test_windows_tzid_file_follows_dst_of_its_vtimezone():
    # One-off 2025-10-15 10:00 EDT == 14:00Z; weekly 09:00 from 2025-10-27 (EDT, 13:00Z) then
    # 2025-11-03 (EST, 14:00Z).
    parsed = parse((CASES / "windows_eastern_standard_time.ics").read_bytes(), tz=BERLIN)
    assert parsed.problems == []
    assert sorted((i.uid, i.start, i.end) for i in parsed.instances) == [
        ("win-oneoff@example.edu", utc(2025, 10, 15, 14), utc(2025, 10, 15, 15)),
        ("win-weekly@example.edu", utc(2025, 10, 27, 13), utc(2025, 10, 27, 13, 30)),
        ("win-weekly@example.edu", utc(2025, 11, 3, 14), utc(2025, 11, 3, 14, 30)),
    ]


def test_window_is_local_midnight_to_local_midnight_after_end():
    window = Window(start=dt.date(2025, 7, 1), end=dt.date(2026, 6, 30))
    assert window_bounds(window, NEW_YORK) == (utc(2025, 7, 1, 4), utc(2026, 7, 1, 4))
    # Winter dates: EST, UTC-5.
    assert window_bounds(Window(start=dt.date(2025, 12, 1), end=dt.date(2025, 12, 31)), NEW_YORK) == (
        utc(2025, 12, 1, 5),
        utc(2026, 1, 1, 5),
    )


def test_sync_reads_floating_times_in_the_configured_zone(tmp_path, ledger):
    (tmp_path / "ana.ics").write_bytes(
        calendar("UID:f@example.edu\nSUMMARY:#mentoring\nDTSTART:20251015T100000\nDTEND:20251015T110000")
    )
    config = write_config(tmp_path, [(ANA, "ana.ics")], timezone="America/Chicago")
    (outcome,) = sync_batch(SyncContext(config=config, ledger=ledger, run_id="r1"), config.calendars)
    assert outcome.outcome == "synced"
    (entry,) = ledger.entries([outcome.calendar_key], utc(2025, 1, 1), utc(2027, 1, 1))
    assert (entry.start, entry.end) == (utc(2025, 10, 15, 15), utc(2025, 10, 15, 16))
