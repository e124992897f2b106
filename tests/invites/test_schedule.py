"""Cadences: RRULEs and readable phrases, and the dated sessions they produce."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from mentorledger.invites.schedule import Series, parse_cadence

NY = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("every 2 weeks on Tuesday", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"),
        ("weekly on Monday and Thursday", "FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,TH"),
        ("biweekly on fridays", "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR"),
        ("every 3 weeks", "FREQ=WEEKLY;INTERVAL=3"),
        ("monthly on the first Wednesday", "FREQ=MONTHLY;INTERVAL=1;BYDAY=1WE"),
        ("every 2 months on the last Friday", "FREQ=MONTHLY;INTERVAL=2;BYDAY=-1FR"),
        ("monthly on day 15", "FREQ=MONTHLY;INTERVAL=1;BYMONTHDAY=15"),
        ("RRULE:FREQ=WEEKLY;INTERVAL=4;BYDAY=WE", "FREQ=WEEKLY;INTERVAL=4;BYDAY=WE"),
        ("freq=weekly;interval=2;byday=tu", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"),
    ],
)
def test_readable_cadences_and_rrules_become_one_rrule(text: str, rule: str) -> None:
    assert parse_cadence(text) == rule


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("every other blue moon", "cannot read the cadence"),
        ("every 2 weeks on Funday", "'Funday' is not a day of the week"),
        ("monthly on the fifth Monday", "'fifth' is not one of"),
        ("FREQ=DAILY", "more often than weekly"),
        ("FREQ=WEEKLY;BYDAY=XX", "not a usable RRULE"),
    ],
)
def test_unreadable_cadences_say_why(text: str, complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint):
        parse_cadence(text)


def series(**kwargs: object) -> Series:
    base: dict[str, object] = {
        "rule": parse_cadence("every 2 weeks on Tuesday"),
        "first_session": dt.date(2025, 9, 2),
        "start_time": dt.time(10, 0),
        "duration": dt.timedelta(minutes=60),
        "tz": NY,
    }
    return Series(**{**base, **kwargs})  # type: ignore[arg-type]


def test_a_10am_series_stays_at_10am_local_across_the_november_dst_change() -> None:
    sessions = series().sessions(dt.date(2025, 11, 30))
    around = [s for s in sessions if dt.date(2025, 10, 20) <= s.start.date() <= dt.date(2025, 11, 15)]
    assert [s.start.date() for s in around] == [dt.date(2025, 10, 28), dt.date(2025, 11, 11)]
    assert all((s.start.hour, s.start.minute) == (10, 0) for s in around)
    assert [s.start.astimezone(dt.UTC).hour for s in around] == [14, 15]  # EDT, then EST
    assert all(s.end - s.start == dt.timedelta(hours=1) for s in sessions)


def test_monthly_first_wednesday_lands_on_first_wednesdays() -> None:
    monthly = series(rule=parse_cadence("monthly on the first Wednesday"), first_session=dt.date(2025, 10, 1))
    days = [s.start.date() for s in monthly.sessions(dt.date(2026, 1, 31))]
    assert days == [dt.date(2025, 10, 1), dt.date(2025, 11, 5), dt.date(2025, 12, 3), dt.date(2026, 1, 7)]


def test_moving_a_session_keeps_its_token_and_cancelling_marks_it() -> None:
    plain = series().sessions(dt.date(2025, 10, 31))
    edited = series(
        rescheduled={dt.date(2025, 9, 16): dt.datetime(2025, 9, 17, 14, 30)},
        cancelled=frozenset({dt.date(2025, 9, 30)}),
    ).sessions(dt.date(2025, 10, 31))
    assert [s.token for s in plain] == [s.token for s in edited]
    moved = next(s for s in edited if s.token == "20250916")
    assert moved.start == dt.datetime(2025, 9, 17, 14, 30, tzinfo=NY)
    assert next(s for s in edited if s.token == "20250930").cancelled
    assert [s.index for s in edited] == list(range(len(edited)))


def test_sessions_per_quarter_is_the_sparsest_thirteen_weeks() -> None:
    assert series().sessions_per_quarter() == 7  # fortnightly: 13 weeks hold 7 sessions
    monthly = series(rule=parse_cadence("monthly on the first Wednesday"), first_session=dt.date(2025, 10, 1))
    assert monthly.sessions_per_quarter() == 3
