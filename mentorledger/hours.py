"""Minutes per mentor from the ledger (rule 5), for the ``hours`` command and every report.

One computation: per owner, the union of counted entries clipped to the requested dates, each minute
credited to the highest-priority category covering it. Counted entries (``select_entries``) are the
active calendar entries their mentor did not exclude (rule 8, ``reviews``) whose meeting had ended by
the as-of instant inside their calendar's coverage (rules 7 and 10, ``mentorledger.coverage``), and
the entries the mentor added by hand that had ended by then (rule 9). Each minute is also credited to
one review state, so that confirmed + pending + manual = minutes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from mentorledger.config import Config, Window, normalize_email
from mentorledger.counting import (
    Category,
    MinuteSpan,
    allocate_clipped,
    clip_spans,
    rank_clipped,
    window_bounds,
)
from mentorledger.coverage import CalendarCoverage, Covered, last_instant_date, split_counted
from mentorledger.errors import UserError
from mentorledger.reviews import Evidence, Review, evidence_of, occurrence_review
from mentorledger.store.ledger import CalendarRef, Ledger, StoredEntry, calendar_ref
from mentorledger.store.manual import manual_entries


@dataclass(frozen=True, slots=True)
class MentorHours:
    email: str
    name: str
    minutes: int
    by_category: dict[Category, int]
    entries: int
    # Rule 8 and 9: the same minutes by review state (see mentorledger.reviews); they add up to minutes.
    confirmed_minutes: int = 0
    pending_minutes: int = 0
    manual_minutes: int = 0


@dataclass(frozen=True, slots=True)
class HoursReport:
    window: Window
    mentors: list[MentorHours]
    as_of: dt.datetime | None = None  # meetings that ended by then count (rule 7)

    def as_json(self) -> dict[str, Any]:
        """The SPEC's shape for ``hours --format json``, with the v2 additions (``as_of``, and per
        mentor the review states)."""
        return {
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "window": {"start": self.window.start.isoformat(), "end": self.window.end.isoformat()},
            "mentors": [
                {
                    "email": m.email,
                    "minutes": m.minutes,
                    "by_category": {str(c): m.by_category.get(c, 0) for c in Category},
                    "entries": m.entries,
                    "confirmed_minutes": m.confirmed_minutes,
                    "pending_minutes": m.pending_minutes,
                    "manual_minutes": m.manual_minutes,
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


def reviewed_occurrences(entries: list[StoredEntry]) -> list[StoredEntry]:
    """One copy per occurrence (rule 5), carrying the review of the whole occurrence (rule 8): a
    review belongs to the meeting, not to one of its copies."""
    states: dict[tuple[str, str], set[str]] = defaultdict(set)
    for entry in entries:
        states[(entry.owner, entry.event_key)].add(entry.review)
    result = []
    for entry in one_copy_per_occurrence(entries):
        review = _occurrence_review(frozenset(states[(entry.owner, entry.event_key)]))
        result.append(entry if entry.review == review else replace(entry, review=review))
    return result


@lru_cache(maxsize=64)
def _occurrence_review(states: frozenset[str]) -> Review:
    """``occurrence_review``, once per combination of states (there are a handful)."""
    return occurrence_review(states)


def _rank(entry: StoredEntry) -> tuple[str, int, str]:
    return (entry.revision, entry.category.priority, entry.source_key)


def minutes_by_owner(
    entries: list[StoredEntry], bounds: tuple[dt.datetime, dt.datetime]
) -> dict[str, tuple[dict[Category, int], int]]:
    """Per owner: minutes by category, and the number of distinct occurrences with a counted minute."""
    result: dict[str, tuple[dict[Category, int], int]] = {}
    for owner, spans in _clipped_by_owner(entries, bounds).items():
        if spans:
            result[owner] = (_category_minutes(spans), len({e.event_key for _, _, e in spans}))
    return result


@dataclass(frozen=True, slots=True)
class OwnerMinutes:
    """One owner's minutes by category (``minutes_by_owner``) and by review state (rule 8: each minute
    to the highest-ranked state covering it, confirmed > pending > manual), from the same union."""

    by_category: dict[Category, int]
    occurrences: int
    by_review: dict[Evidence, int]


def owner_minutes(
    entries: list[StoredEntry], bounds: tuple[dt.datetime, dt.datetime]
) -> dict[str, OwnerMinutes]:
    """``minutes_by_owner`` and the minutes by review state from one pass (one copy per occurrence and
    the clipping made once), for owners with a counted occurrence."""
    result: dict[str, OwnerMinutes] = {}
    for owner, spans in _clipped_by_owner(entries, bounds).items():
        if spans:
            occurrences = len({e.event_key for _, _, e in spans})
            result[owner] = OwnerMinutes(_category_minutes(spans), occurrences, _review_minutes(spans))
    return result


def _clipped_by_owner(
    entries: list[StoredEntry], bounds: tuple[dt.datetime, dt.datetime]
) -> dict[str, list[MinuteSpan[StoredEntry]]]:
    """Per owner, one copy of each occurrence (rule 5) in whole minutes clipped to ``bounds``; an owner
    none of whose occurrences has a minute inside has an empty list."""
    by_owner: dict[str, list[StoredEntry]] = defaultdict(list)
    for entry in one_copy_per_occurrence(entries):
        by_owner[entry.owner].append(entry)
    return {
        owner: clip_spans(((e.start, e.end, e) for e in items), *bounds) for owner, items in by_owner.items()
    }


def _category_minutes(spans: list[MinuteSpan[StoredEntry]]) -> dict[Category, int]:
    return allocate_clipped([(start, end, e.category) for start, end, e in spans])


def _review_minutes(spans: list[MinuteSpan[StoredEntry]]) -> dict[Evidence, int]:
    ranked = rank_clipped([(start, end, evidence_of(e).rank) for start, end, e in spans])
    return {state: ranked.get(state.rank, 0) for state in Evidence}


def select_entries(
    config: Config,
    ledger: Ledger,
    bounds: tuple[dt.datetime, dt.datetime],
    *,
    as_of: dt.datetime,
    owner: str | None = None,
    owners: Collection[str] | None = None,
    coverage: Mapping[str, CalendarCoverage] | None = None,
) -> tuple[list[StoredEntry], list[StoredEntry]]:
    """Rules 7 to 10 over the entries that overlap [bounds): (counted, scheduled).

    Counted: calendar entries of the configured calendars that their mentor did not exclude and whose
    meeting had ended by ``as_of`` and was seen as past by a successful sync of its calendar, plus the
    hand-made entries of people in the roster that had ended by ``as_of``. Scheduled: the calendar
    entries not yet known to have happened (future, in progress, or not seen since they ended); they
    are shown apart and never in a total. ``owner``/``owners`` narrow it to some people (their
    hand-made entries count even if they are not in the roster). ``coverage``: the configured
    calendars' coverage when the caller has just read it (``Ledger.coverage``), else it is read here."""
    chosen = [owner] if owner is not None else owners
    selection = _Selection.of(config, ledger, bounds, chosen, coverage)
    calendar = ledger.entries(selection.keys, *bounds, owners=chosen, include_excluded=True)
    manual = [entry for items in selection.manual.values() for entry in items]
    return selection.apply(calendar, manual, as_of)


def select_by_owner(
    config: Config, ledger: Ledger, bounds: tuple[dt.datetime, dt.datetime], *, as_of: dt.datetime
) -> Iterator[tuple[str, list[StoredEntry], list[StoredEntry]]]:
    """``select_entries`` for everyone, one owner at a time: (owner, counted, scheduled) streamed from
    the ledger, so that totals over an institution hold one person's year in memory, not everyone's."""
    selection = _Selection.of(config, ledger, bounds, None)
    manual = dict(selection.manual)
    for person, calendar in ledger.entries_by_owner(selection.keys, *bounds, include_excluded=True):
        yield person, *selection.apply(calendar, manual.pop(person, []), as_of)
    for person, own in sorted(manual.items()):
        yield person, *selection.apply([], own, as_of)


@dataclass(frozen=True, slots=True)
class _Selection:
    """What ``select_entries`` needs besides the calendar entries: the configured calendars, their
    coverage, the roster and the hand-made entries (by owner). Hand-made entries are few (typed in by
    people), so they are read at once."""

    keys: list[str]
    spans: dict[str, tuple[Covered, ...]]
    roster: frozenset[str]
    manual: dict[str, list[StoredEntry]]

    @classmethod
    def of(
        cls,
        config: Config,
        ledger: Ledger,
        bounds: tuple[dt.datetime, dt.datetime],
        owners: Collection[str] | None,
        coverage: Mapping[str, CalendarCoverage] | None = None,
    ) -> _Selection:
        keys = configured_calendar_keys(config)
        known = ledger.coverage(keys) if coverage is None else coverage
        spans = {key: known[key].spans for key in keys if key in known}
        roster = frozenset(owners) if owners is not None else frozenset(p.email for p in config.people)
        manual: dict[str, list[StoredEntry]] = defaultdict(list)
        for item in manual_entries(ledger, *bounds, owners=owners):
            manual[item.owner].append(item.as_stored())
        return cls(keys, spans, roster, dict(manual))

    def apply(
        self, calendar: list[StoredEntry], manual: list[StoredEntry], as_of: dt.datetime
    ) -> tuple[list[StoredEntry], list[StoredEntry]]:
        """Rules 7 to 10 over these calendar and hand-made entries (whole owners: a review belongs to
        every copy of an occurrence)."""
        kept = [entry for entry in reviewed_occurrences(calendar) if entry.review != Review.EXCLUDED]
        counted, scheduled = split_counted(kept, self.spans, as_of)
        counted += [entry for entry in manual if entry.owner in self.roster and entry.end <= as_of]
        return counted, scheduled


def counted_entries(
    config: Config,
    ledger: Ledger,
    bounds: tuple[dt.datetime, dt.datetime],
    *,
    owner: str | None = None,
    as_of: dt.datetime | None = None,
) -> list[StoredEntry]:
    """The entries that count in [bounds) at ``as_of`` (default now); see ``select_entries``."""
    return select_entries(config, ledger, bounds, as_of=as_of or dt.datetime.now(dt.UTC), owner=owner)[0]


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
    if mentor is not None:
        entries, bounds = ledger_entries(config, ledger, window, mentor=mentor, as_of=as_of)
        return HoursReport(window, mentor_rows(config, entries, bounds), as_of=as_of)
    bounds = window_bounds(window, config.tz)
    rows = [
        row
        for _, counted, _ in select_by_owner(config, ledger, bounds, as_of=as_of)
        for row in mentor_rows(config, counted, bounds)
    ]
    rows.sort(key=lambda m: (-m.minutes, m.email))
    return HoursReport(window, rows, as_of=as_of)


def mentor_rows(
    config: Config, entries: list[StoredEntry], bounds: tuple[dt.datetime, dt.datetime]
) -> list[MentorHours]:
    """The rows of ``hours`` for these counted entries: busiest first."""
    rows = []
    for email, counted in owner_minutes(entries, bounds).items():
        person = config.person(email)
        rows.append(
            MentorHours(
                email,
                person.name if person else email,
                sum(counted.by_category.values()),
                counted.by_category,
                counted.occurrences,
                confirmed_minutes=counted.by_review[Evidence.CONFIRMED],
                pending_minutes=counted.by_review[Evidence.PENDING],
                manual_minutes=counted.by_review[Evidence.MANUAL],
            )
        )
    rows.sort(key=lambda m: (-m.minutes, m.email))
    return rows


def ledger_entries(
    config: Config,
    ledger: Ledger,
    window: Window,
    *,
    mentor: str | None = None,
    as_of: dt.datetime | None = None,
) -> tuple[list[StoredEntry], tuple[dt.datetime, dt.datetime]]:
    """The counted entries in ``window`` at ``as_of`` (default now) and the window's UTC bounds, for
    reports that need a subset (one mentee, one group) put through ``minutes_by_owner``; the same
    selection ``compute_hours`` makes."""
    bounds = window_bounds(window, config.tz)
    owner = normalize_email(mentor) if mentor else None
    return counted_entries(config, ledger, bounds, owner=owner, as_of=as_of), bounds


def configured_calendars(config: Config) -> list[CalendarRef]:
    """The ledger's identity of every configured calendar, in configuration order."""
    return [calendar_ref(source) for source in config.calendars]


def configured_calendar_keys(config: Config) -> list[str]:
    return [ref.calendar_key for ref in configured_calendars(config)]
