"""Minutes per mentor from the ledger (rule 5), for the ``hours`` command and every report.

One computation: per owner, the union of active entries clipped to the requested dates, each minute
credited to the highest-priority category covering it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from mentorledger.config import Config, Window, normalize_email
from mentorledger.counting import Category, Interval, allocate_minutes, clipped_minutes, window_bounds
from mentorledger.errors import UserError
from mentorledger.store.ledger import Ledger, StoredEntry
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

    def as_json(self) -> dict[str, Any]:
        """The SPEC's shape for ``hours --format json``."""
        return {
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


def resolve_window(config: Config, start: dt.date | None, end: dt.date | None) -> Window:
    """The requested dates, each defaulting to the configured window's."""
    default = config.effective_window()
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
) -> HoursReport:
    window = resolve_window(config, start, end)
    bounds = window_bounds(window, config.tz)
    keys = [calendar_ref(source).calendar_key for source in config.calendars]
    owner = normalize_email(mentor) if mentor else None
    entries = ledger.entries(keys, *bounds, owner=owner)
    rows = []
    for email, (minutes, occurrences) in minutes_by_owner(entries, bounds).items():
        person = config.person(email)
        rows.append(
            MentorHours(email, person.name if person else email, sum(minutes.values()), minutes, occurrences)
        )
    rows.sort(key=lambda m: (-m.minutes, m.email))
    return HoursReport(window, rows)


def ledger_entries(
    config: Config, ledger: Ledger, window: Window, *, mentor: str | None = None
) -> tuple[list[StoredEntry], tuple[dt.datetime, dt.datetime]]:
    """The active entries of the configured calendars in ``window`` and the window's UTC bounds, for
    reports that need a subset (one mentee, one group) put through ``minutes_by_owner``; the same
    selection ``compute_hours`` makes."""
    bounds = window_bounds(window, config.tz)
    keys = [calendar_ref(source).calendar_key for source in config.calendars]
    owner = normalize_email(mentor) if mentor else None
    return ledger.entries(keys, *bounds, owner=owner), bounds
