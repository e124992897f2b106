"""Minutes per mentor from the ledger (rule 5), for the ``hours`` command and every report.

One computation: per owner, the union of the counted entries clipped to the requested dates, each
minute credited to the highest-priority category covering it. Counted entries are those that ended by
the as-of instant inside their calendar's coverage (rules 7 and 10, ``mentorledger.coverage``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from mentorledger.config import Config, Window, normalize_email
from mentorledger.counting import Category, Interval, allocate_minutes, clipped_minutes, window_bounds
from mentorledger.coverage import last_instant_date, split_counted
from mentorledger.errors import UserError
from mentorledger.store.ledger import CalendarRef, Ledger, StoredEntry
from mentorledger.sync import calendar_ref


@dataclass(frozen=True, slots=True)
class MentorHours:
    email: str
    name: str
    minutes: int
    by_category: dict[Category, int]
    entries: int


@dataclass(frozen=True, slots=True)
class HoursReport:
    window: Window
    mentors: list[MentorHours]
    as_of: dt.datetime | None = None  # meetings that ended by then count (rule 7)

    def as_json(self) -> dict[str, Any]:
        """The SPEC's shape for ``hours --format json``, plus the top-level ``as_of`` of v2."""
        return {
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "window": {"start": self.window.start.isoformat(), "end": self.window.end.isoformat()},
            "mentors": [
                {
                    "email": m.email,
                    "minutes": m.minutes,
                    "by_category": {str(c): m.by_category.get(c, 0) for c in Category},
                    "entries": m.entries,
                }
                for m in self.mentors
            ],
        }


def resolve_window(
    config: Config, start: dt.date | None, end: dt.date | None, *, today: dt.date | None = None
) -> Window:
    """The requested dates, each defaulting to the configured window's (without one: the academic
    year containing ``today``, i.e. the as-of date, default today)."""
    default = config.effective_window(today)
    first, last = start or default.start, end or default.end
    if last < first and end is not None:
        raise UserError(f"--to {last} is before --from {first}")
    if last < first:
        raise UserError(f"--from {first} is after the configured window's end ({last}); give --to as well")
    return Window(start=first, end=last)


def one_copy_per_occurrence(entries: list[StoredEntry]) -> list[StoredEntry]:
    """Rule 5: an occurrence on several of one owner's calendars counts once. Copies usually agree;
    when they do not (a stale copy), the newest revision wins, then the higher category."""
    best: dict[tuple[str, str], StoredEntry] = {}
    for entry in entries:
        key = (entry.owner, entry.event_key)
        current = best.get(key)
        if current is None or _rank(entry) > _rank(current):
            best[key] = entry
    return list(best.values())


def _rank(entry: StoredEntry) -> tuple[str, int, str]:
    return (entry.revision, entry.category.priority, entry.source_key)


def minutes_by_owner(
    entries: list[StoredEntry], bounds: tuple[dt.datetime, dt.datetime]
) -> dict[str, tuple[dict[Category, int], int]]:
    """Per owner: minutes by category, and the number of distinct occurrences with a counted minute."""
    by_owner: dict[str, list[StoredEntry]] = defaultdict(list)
    for entry in one_copy_per_occurrence(entries):
        by_owner[entry.owner].append(entry)
    result: dict[str, tuple[dict[Category, int], int]] = {}
    for owner, items in by_owner.items():
        minutes = allocate_minutes([Interval(e.start, e.end, e.category) for e in items], *bounds)
        occurrences = {e.event_key for e in items if clipped_minutes(e.start, e.end, *bounds) > 0}
        if occurrences:
            result[owner] = (minutes, len(occurrences))
    return result


def compute_hours(
    config: Config,
    ledger: Ledger,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    mentor: str | None = None,
    as_of: dt.datetime | None = None,
) -> HoursReport:
    as_of = as_of or dt.datetime.now(dt.UTC)
    window = resolve_window(config, start, end, today=last_instant_date(as_of, config.tz))
    entries, bounds = ledger_entries(config, ledger, window, mentor=mentor, as_of=as_of)
    rows = []
    for email, (minutes, occurrences) in minutes_by_owner(entries, bounds).items():
        person = config.person(email)
        rows.append(
            MentorHours(email, person.name if person else email, sum(minutes.values()), minutes, occurrences)
        )
    rows.sort(key=lambda m: (-m.minutes, m.email))
    return HoursReport(window, rows, as_of=as_of)


def ledger_entries(
    config: Config,
    ledger: Ledger,
    window: Window,
    *,
    mentor: str | None = None,
    as_of: dt.datetime | None = None,
) -> tuple[list[StoredEntry], tuple[dt.datetime, dt.datetime]]:
    """The counted entries of the configured calendars in ``window`` (ended by ``as_of``, default now,
    inside their calendar's coverage) and the window's UTC bounds: the selection ``compute_hours``
    makes, for reports that put a subset (one mentee, one group) through ``minutes_by_owner``."""
    bounds = window_bounds(window, config.tz)
    keys = configured_calendar_keys(config)
    owner = normalize_email(mentor) if mentor else None
    entries = ledger.entries(keys, *bounds, owner=owner)
    spans = {key: c.spans for key, c in ledger.coverage(keys).items()}
    counted, _ = split_counted(entries, spans, as_of or dt.datetime.now(dt.UTC))
    return counted, bounds


def configured_calendars(config: Config) -> list[CalendarRef]:
    """The ledger's identity of every configured calendar, in configuration order."""
    return [calendar_ref(source) for source in config.calendars]


def configured_calendar_keys(config: Config) -> list[str]:
    return [ref.calendar_key for ref in configured_calendars(config)]
