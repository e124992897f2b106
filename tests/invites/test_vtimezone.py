"""VTIMEZONE definitions say what the zone database says, when read the way a client reads them."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr

from mentorledger.invites.vtimezone import vtimezone
from tests.invites import itip

ZONES = [
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "Europe/London",
    "Europe/Berlin",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Pacific/Auckland",
    "America/Santiago",
    "Asia/Tokyo",
    "Asia/Kolkata",
    "America/Sao_Paulo",
    "UTC",
]


def _offset(text: str) -> dt.timedelta:
    sign = -1 if text[0] == "-" else 1
    return sign * dt.timedelta(hours=int(text[1:3]), minutes=int(text[3:5]))


def offset_by_vtimezone(raw: bytes, local: dt.datetime) -> dt.timedelta:
    """The UTC offset a client derives from the VTIMEZONE alone: the latest observance onset before ``local``."""
    calendar = itip.parse(b"BEGIN:VCALENDAR\r\n" + raw + b"END:VCALENDAR\r\n")
    best: tuple[dt.datetime, dt.timedelta] | None = None
    for observance in calendar.walk("STANDARD") + calendar.walk("DAYLIGHT"):
        start = dt.datetime.strptime(observance.one("DTSTART").value, "%Y%m%dT%H%M%S")
        onsets = [start]
        if observance.all("RRULE"):
            onsets = list(
                rrulestr(observance.one("RRULE").value, dtstart=start).between(start, local, inc=True)
            )
        for rdate in observance.all("RDATE"):
            onsets += [dt.datetime.strptime(v, "%Y%m%dT%H%M%S") for v in rdate.value.split(",")]
        onsets = [o for o in onsets if o <= local]
        if onsets and (best is None or max(onsets) > best[0]):
            best = (max(onsets), _offset(observance.one("TZOFFSETTO").value))
    assert best is not None, f"no observance covers {local}"
    return best[1]


@pytest.mark.parametrize("zone", ZONES)
def test_weekly_10am_sessions_get_the_zone_databases_offset(zone: str) -> None:
    raw = vtimezone(zone, 2024, 2028).to_ical()
    assert b"RDATE" not in raw or zone == "America/Santiago"  # rules-based wherever the pattern allows
    tz = ZoneInfo(zone)
    day = dt.datetime(2025, 1, 7, 10, 0)
    while day.year < 2028:
        assert offset_by_vtimezone(raw, day) == day.replace(tzinfo=tz).utcoffset(), f"{zone} {day}"
        day += dt.timedelta(days=3)


def test_new_york_uses_the_us_rules() -> None:
    raw = vtimezone("America/New_York", 2024, 2027).to_ical().decode()
    assert "RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3" in raw
    assert "RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11" in raw
    assert "DTSTART:20241103T020000" in raw  # 02:00 EDT, the local time before the change
