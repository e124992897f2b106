"""Hostile calendars (tests/data/hostile, see its README): each costs only its own series, reported in
one line by hashed UID, the rest of the calendar is read, and the work stays inside the caps."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest
from recurring_ical_events.series import Series

from mentorledger.redaction import event_hint
from mentorledger.sources.ics import parse as parse_module
from mentorledger.sources.ics import series as series_module
from mentorledger.sources.ics.limits import MAX_INSTANCES_PER_SERIES
from tests.unit.icsbuild import calendar
from tests.unit.support import parse, utc

HOSTILE = Path(__file__).resolve().parent.parent / "data" / "hostile"
GOOD = "good@example.edu"
MEMORY_BOUND = 64 * 1024 * 1024  # generous: each of these files reads in a few MB

# file -> (the hostile series' UID, words its one problem line must contain)
REFUSED_SERIES = {
    "secondly_forever.ics": ("secondly@example.edu", "frequency SECONDLY"),
    "minutely_forever.ics": ("minutely@example.edu", "frequency MINUTELY"),
    "interval_zero.ics": ("interval0@example.edu", "INTERVAL"),
    "every_five_minutes_by_expansion.ics": ("byminute@example.edu", "more often than hourly"),
    "no_date_matches.ics": ("feb30@example.edu", "no date satisfies"),
    "hourly_since_1900.ics": ("since1900@example.edu", "more than 20,000 dates"),
    "count_a_billion.ics": ("billion@example.edu", f"more than {MAX_INSTANCES_PER_SERIES:,} instances"),
}


def peak_memory_of_reading(name: str) -> int:
    tracemalloc.start()
    try:
        parse((HOSTILE / name).read_bytes())
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_every_hostile_file_has_a_readme_line():
    readme = (HOSTILE / "README.md").read_text(encoding="utf-8")
    for path in HOSTILE.glob("*.ics"):
        assert f"`{path.name}`" in readme, path.name


@pytest.mark.parametrize("name", sorted(REFUSED_SERIES))
def test_a_runaway_series_is_refused_in_one_line_and_the_rest_is_read(name):
    uid, words = REFUSED_SERIES[name]
    parsed = parse((HOSTILE / name).read_bytes())
    uids, problems = [i.uid for i in parsed.instances], parsed.problems
    assert uids == [GOOD]
    assert len(problems) == 1
    assert problems[0].startswith(f"event {event_hint(uid)}: ")
    assert words in problems[0]
    assert uid not in problems[0]
    assert "hostile series" not in problems[0]


@pytest.mark.parametrize("name", ["secondly_forever.ics", "minutely_forever.ics"])
def test_a_runaway_rule_is_refused_before_it_allocates_anything_large(name):
    # Before the caps, reading secondly_forever.ics never finished and grew without bound.
    assert peak_memory_of_reading(name) < MEMORY_BOUND


def test_unreadable_dates_cost_their_own_event_and_a_broken_override_hides_its_occurrence():
    parsed = parse((HOSTILE / "unreadable_dates.ics").read_bytes())
    # The weekly series keeps 20 Oct and 3 Nov; its 27 Oct override has an unreadable DTSTART, so that
    # occurrence is neither counted at its old time nor at an invented one.
    assert sorted((i.uid, i.start) for i in parsed.instances) == [
        (GOOD, utc(2025, 10, 15, 14)),
        ("weekly@example.edu", utc(2025, 10, 20, 14)),
        ("weekly@example.edu", utc(2025, 11, 3, 14)),
    ]
    expected = {
        ("bad-start@example.edu", "DTSTART"),
        ("bad-end@example.edu", "DTEND"),
        ("bad-duration@example.edu", "DURATION"),
        ("weekly@example.edu", "DTSTART"),
        ("bad-recurrence-id@example.edu", "RECURRENCE-ID"),
    }
    assert sorted(parsed.problems) == sorted(
        f"event {event_hint(uid)}: skipped: its {name} is not a valid date, time or duration"
        for uid, name in expected
    )


def test_expansion_is_consumed_lazily_up_to_the_cap(monkeypatch):
    monkeypatch.setattr(series_module, "MAX_INSTANCES_PER_SERIES", 5)
    consumed: list[object] = []
    real_between = Series.between

    def counting_between(self, start, stop):  # type: ignore[no-untyped-def]
        for occurrence in real_between(self, start, stop):
            consumed.append(occurrence)
            yield occurrence

    monkeypatch.setattr(Series, "between", counting_between)
    data = calendar(
        "UID:daily@example.edu\nDTSTART:20250901T140000Z\nDTEND:20250901T150000Z\nRRULE:FREQ=DAILY"
    )
    assert parse(data).instances == []
    assert len(consumed) == 6  # the cap and one more to know it was exceeded, of about 300


def test_a_series_stops_at_the_cap_without_materialising_the_rest(monkeypatch):
    monkeypatch.setattr(series_module, "MAX_INSTANCES_PER_SERIES", 5)
    copied: list[object] = []
    built: list[str] = []
    real_as_component = series_module.recurring_ical_events.occurrence.Occurrence.as_component
    real_instance = parse_module.occurrence_instance

    def copying(self, keep):  # type: ignore[no-untyped-def]
        copied.append(self)
        return real_as_component(self, keep)

    def building(occurrence, **kwargs):  # type: ignore[no-untyped-def]
        built.append(kwargs["key"])
        return real_instance(occurrence, **kwargs)

    monkeypatch.setattr(series_module.recurring_ical_events.occurrence.Occurrence, "as_component", copying)
    monkeypatch.setattr(parse_module, "occurrence_instance", building)
    data = calendar(
        "UID:daily@example.edu\nDTSTART:20250901T140000Z\nDTEND:20250901T150000Z\nRRULE:FREQ=DAILY",
        "UID:other@example.edu\nDTSTART:20251015T140000Z\nDTEND:20251015T150000Z\nRRULE:FREQ=DAILY;COUNT=1",
    )
    parsed = parse(data)
    assert [i.uid for i in parsed.instances] == ["other@example.edu"]
    assert parsed.problems == [
        f"event {event_hint('daily@example.edu')}: has more than 5 instances in the window; not read"
    ]
    # A refused series never becomes instances; only the other event did, and no VEVENT was copied.
    assert built == ["other@example.edu"]
    assert copied == []


def test_a_calendar_stops_at_its_cap_and_says_how_many_series_were_left(monkeypatch):
    monkeypatch.setattr(parse_module, "MAX_INSTANCES_PER_CALENDAR", 3)
    events = [
        f"UID:e{n}@example.edu\nDTSTART:202510{10 + n}T140000Z\nDTEND:202510{10 + n}T150000Z"
        for n in range(6)
    ]
    parsed = parse(calendar(*events))
    assert [i.uid for i in parsed.instances] == ["e0@example.edu", "e1@example.edu", "e2@example.edu"]
    assert parsed.problems == [
        "calendar: more than 3 instances in the window; the last 3 series were not read"
    ]


def test_a_series_that_crosses_the_calendar_cap_is_cut_there_and_says_so(monkeypatch):
    monkeypatch.setattr(parse_module, "MAX_INSTANCES_PER_CALENDAR", 3)
    data = calendar(
        "UID:one@example.edu\nDTSTART:20251001T140000Z\nDTEND:20251001T150000Z",
        "UID:daily@example.edu\nDTSTART:20251010T140000Z\nDTEND:20251010T150000Z\nRRULE:FREQ=DAILY;COUNT=5",
    )
    parsed = parse(data)
    assert [i.uid for i in parsed.instances] == ["one@example.edu", "daily@example.edu", "daily@example.edu"]
    assert parsed.problems == [
        "calendar: more than 3 instances in the window; the rest of the last series was not read"
    ]
