"""A fuzzer over the real ICS files in tests/data: lines and values mutated, blocks duplicated, files
truncated. Whatever comes in, ``parse_ics`` returns what it could read or raises ``SourceError`` (never
anything else), every problem is one line, and the work stays inside the caps by construction.

The run is deterministic (``derandomize``, no example database), so CI sees the same inputs every time.
"""

from __future__ import annotations

import datetime as dt
import tracemalloc
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mentorledger.errors import SourceError
from mentorledger.sources.ics.limits import MAX_INSTANCES_PER_CALENDAR, MAX_INSTANCES_PER_SERIES
from mentorledger.sources.ics.parse import ParsedCalendar
from tests.unit.support import parse

DATA = Path(__file__).resolve().parent.parent / "data"
CORPUS = sorted(p for p in DATA.rglob("*.ics") if p.stat().st_size < 20_000)  # Germany.ics is fuzzed alone
SEEDS = [p.read_bytes().decode("utf-8", errors="replace").splitlines() for p in CORPUS]
MEMORY_BOUND = 64 * 1024 * 1024

DATE_PROPERTIES = ["DTSTART", "DTEND", "DURATION", "RECURRENCE-ID", "RDATE", "EXDATE", "LAST-MODIFIED"]
HOSTILE_VALUES = [
    "",
    "x",
    "20251301T250000Z",
    "99991231T235959Z",
    "00010101",
    "20251015",
    "20251015T140000",
    "-P1D",
    "PXT",
    "P99999999W",
    "20251015T140000Z/PT1H",
    "20251015T140000Z,garbage",
]
HOSTILE_LINES = [
    "RRULE:FREQ=SECONDLY",
    "RRULE:FREQ=MINUTELY;INTERVAL=1",
    "RRULE:FREQ=DAILY;INTERVAL=0",
    "RRULE:FREQ=HOURLY;COUNT=1000000000",
    "RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
    "RRULE:FREQ=YEARLY;BYSETPOS=0",
    "RRULE:FREQ=DAILY;BYHOUR=1,2,3;BYMINUTE=1,2",
    "RRULE:FREQ=WEEKLY;UNTIL=19000101",
    "RRULE:FREQ=DAILY;UNTIL=notadate",
    "RRULE:",
    "UID:",
    "UID:fuzz@example.edu",
    "DTSTART;TZID=Nowhere/Zone:20251015T140000",
    "DTSTART;VALUE=DATE:20251015T140000Z",
    "RECURRENCE-ID;RANGE=THISANDFUTURE:20251015T140000Z",
    "EXDATE;VALUE=PERIOD:20251015T140000Z/PT1H",
    "BEGIN:VEVENT",
    "END:VEVENT",
    "BEGIN:VALARM",
    "END:VCALENDAR",
    "X-WR-TIMEZONE:Not/AZone",
    " folded continuation",
]


@st.composite
def mutated_calendars(draw: st.DrawFn) -> bytes:
    lines = list(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            break
        at = draw(st.integers(0, len(lines) - 1))
        operation = draw(st.sampled_from(["value", "property", "insert", "delete", "duplicate", "block"]))
        if operation == "value":
            name = lines[at].split(":", 1)[0]
            lines[at] = f"{name}:{draw(st.sampled_from(HOSTILE_VALUES) | st.text(max_size=20))}"
        elif operation == "property":
            lines.insert(
                at, f"{draw(st.sampled_from(DATE_PROPERTIES))}:{draw(st.sampled_from(HOSTILE_VALUES))}"
            )
        elif operation == "insert":
            lines.insert(at, draw(st.sampled_from(HOSTILE_LINES)))
        elif operation == "delete":
            del lines[at]
        elif operation == "duplicate":
            lines[at:at] = [lines[at]] * draw(st.integers(1, 3))
        else:
            end = draw(st.integers(at, min(len(lines), at + 40)))
            lines[end:end] = lines[at:end] * draw(st.integers(1, 3))
    data = "\r\n".join(lines).encode("utf-8")
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return data


def read(data: bytes) -> ParsedCalendar | SourceError:
    try:
        return parse(
            data, start=dt.datetime(2000, 1, 1, tzinfo=dt.UTC), end=dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
        )
    except SourceError as exc:  # the one error a calendar may raise; anything else fails the test
        return exc


def assert_bounded_and_clean(outcome: ParsedCalendar | SourceError) -> None:
    if isinstance(outcome, SourceError):
        assert outcome.reason
        assert "\n" not in outcome.reason
        return
    assert len(outcome.instances) <= MAX_INSTANCES_PER_CALENDAR
    per_series = Counter(i.uid for i in outcome.instances)
    assert max(per_series.values(), default=0) <= MAX_INSTANCES_PER_SERIES
    for instance in outcome.instances:
        assert instance.start.utcoffset() == dt.timedelta(0)
        assert instance.end.utcoffset() == dt.timedelta(0)
    for line in outcome.problems:
        assert line
        assert "\n" not in line
        assert "\r" not in line


FUZZ = settings(
    max_examples=300,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@FUZZ
@given(mutated_calendars())
def test_a_mutated_calendar_is_read_or_refused_plainly_and_within_the_caps(data: bytes) -> None:
    assert_bounded_and_clean(read(data))


@settings(FUZZ, max_examples=25)
@given(st.integers(0, 40), st.integers(1, 3), st.integers(0, 124_000))
def test_the_large_real_calendar_survives_duplication_and_truncation(
    start: int, copies: int, cut: int
) -> None:
    lines = (DATA / "realworld" / "Germany.ics").read_text(encoding="utf-8").splitlines()
    block = lines[start : start + 200]
    data = "\r\n".join(lines[:start] + block * copies + lines[start:]).encode("utf-8")
    assert_bounded_and_clean(read(data[:cut] if cut else data))


@settings(FUZZ, max_examples=20)
@given(mutated_calendars())
def test_a_mutated_calendar_is_read_in_bounded_memory(data: bytes) -> None:
    tracemalloc.start()
    try:
        read(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < MEMORY_BOUND
