"""Known TZIDs are read with zoneinfo where that gives the same instants; a VTIMEZONE with rules of
its own keeps them (mentorledger.sources.ics.zones)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest

from mentorledger.errors import SourceError
from mentorledger.sources.ics import parse as parse_module
from mentorledger.sources.ics.zones import zone_for
from tests.unit.support import WINDOW_END, WINDOW_START, parse, utc

DATA = Path(__file__).resolve().parent.parent / "data"
EXCHANGE = DATA / "cases" / "windows_eastern_standard_time.ics"
OWN_RULES = DATA / "cases" / "windows_tzid_with_its_own_rules.ics"
FILES = [EXCHANGE, *sorted((DATA / "realworld").glob("*.ics"))]
SYNC_WINDOW = (WINDOW_START, WINDOW_END)
US_RULES_CHANGED = (utc(2005, 1, 1), utc(2008, 1, 1))  # Exchange's VTIMEZONEs differ from IANA here
CASES = [(path, SYNC_WINDOW) for path in FILES] + [
    (path, US_RULES_CHANGED) for path in FILES if b"BEGIN:VTIMEZONE" in path.read_bytes()
]


def instants(data: bytes, window: tuple[dt.datetime, dt.datetime]) -> object:
    try:
        parsed = parse(data, start=window[0], end=window[1])
    except SourceError as exc:
        return exc.reason
    return sorted((i.occurrence, i.start, i.end, i.all_day) for i in parsed.instances), parsed.problems


@pytest.mark.parametrize(
    ("path", "window"), CASES, ids=lambda v: v.name if isinstance(v, Path) else f"{v[0]:%Y}"
)
def test_instants_are_the_same_with_and_without_zoneinfo(path, window, monkeypatch):
    data = path.read_bytes()
    mapped = instants(data, window)
    monkeypatch.setattr(parse_module, "read_known_zones_as_zoneinfo", lambda calendar, _window: calendar)
    assert instants(data, window) == mapped


def vtimezone(path: Path, tzid: str) -> icalendar.Timezone:
    calendar = icalendar.Calendar.from_ical(path.read_text(encoding="utf-8"))
    (found,) = [c for c in calendar.walk("VTIMEZONE") if str(c["TZID"]) == tzid]
    return found


PADDED = (WINDOW_START - dt.timedelta(days=2), WINDOW_END + dt.timedelta(days=2))


@pytest.mark.parametrize(
    ("path", "tzid", "zone"),
    [
        (EXCHANGE, "Eastern Standard Time", "America/New_York"),
        (DATA / "realworld" / "timezone_same_start.ics", "Pacific Standard Time", "America/Los_Angeles"),
        (DATA / "realworld" / "issue_28_rrule_with_UTC_endinginZ.ics", "GMT Standard Time", "Europe/London"),
        (DATA / "realworld" / "issue_48_dst.ics", "America/Chicago", "America/Chicago"),
    ],
)
def test_exchange_and_google_vtimezones_become_their_zoneinfo_zone(path, tzid, zone):
    assert zone_for(tzid, vtimezone(path, tzid), PADDED) == ZoneInfo(zone)


def test_a_custom_named_vtimezone_becomes_a_zone_with_the_same_offsets():
    # issue_218: "UTC+11", a fixed +11:00 standard time under a name of its own.
    zone = zone_for("UTC+11", vtimezone(DATA / "realworld" / "issue_218_bad_tzid.ics", "UTC+11"), PADDED)
    assert isinstance(zone, ZoneInfo)
    assert all(
        utc(2025, month, 1).astimezone(zone).utcoffset() == dt.timedelta(hours=11) for month in range(1, 13)
    )


def test_exchange_rules_differ_from_new_york_before_2007_and_are_kept():
    # Exchange writes today's US rule from 1601 on; America/New_York knows the pre-2007 dates.
    zone = zone_for(
        "Eastern Standard Time",
        vtimezone(EXCHANGE, "Eastern Standard Time"),
        (utc(2005, 1, 1), utc(2006, 1, 1)),
    )
    assert not isinstance(zone, ZoneInfo)
    # 2005-03-20: DST under the file's rule (second Sunday of March), not yet in New York's.
    assert utc(2005, 3, 20, 12).astimezone(zone).utcoffset() == dt.timedelta(hours=-4)


def test_a_windows_tzid_with_different_rules_keeps_the_files_rules():
    # The edited file ends DST on the last Sunday of October (2025-10-26), a week before New York
    # (2025-11-02): its 2025-10-27 09:00 is EST (14:00Z), where Exchange's file says EDT (13:00Z).
    # Parsing the Exchange file first also checks that each file is read with its own VTIMEZONE
    # (icalendar keeps the first definition of a TZID for the whole process).
    exchange = parse(EXCHANGE.read_bytes())
    own = parse(OWN_RULES.read_bytes())
    assert own.problems == []
    weekly = sorted(i.start for i in own.instances if i.uid == "win-weekly@example.edu")
    assert weekly == [utc(2025, 10, 27, 14), utc(2025, 11, 3, 14)]
    assert sorted(i.start for i in exchange.instances if i.uid == "win-weekly@example.edu") == [
        utc(2025, 10, 27, 13),
        utc(2025, 11, 3, 14),
    ]
    assert zone_for("Eastern Standard Time", vtimezone(OWN_RULES, "Eastern Standard Time"), PADDED) not in {
        ZoneInfo(name) for name in ("America/New_York", "America/Toronto", "America/Detroit")
    }


def test_a_windows_tzid_without_vtimezone_is_read_in_its_cldr_zone():
    assert zone_for("W. Europe Standard Time", None, PADDED) == ZoneInfo("Europe/Berlin")
    assert zone_for("Not A Zone", None, PADDED) is None
