"""What the mentor's pages show, computed from the ledger with the same functions as ``hours``.

Totals come from ``compute_hours`` itself; months and weeks put the same counted entries through the
same minute union (``minutes_by_owner``) over shorter periods, so every number on a page is one the
command line and the reports would print for that period. Lists also show what does not count
(excluded entries, removed hand-made ones), marked as such, so that every review can be undone.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from mentorledger.attestation.rules import MentorAttestation, State, attested_minutes, for_mentor
from mentorledger.attestation.store import recorded_answers
from mentorledger.config import Window
from mentorledger.counting import Category, window_bounds
from mentorledger.explain import why_it_counted
from mentorledger.hours import (
    MentorHours,
    counted_entries,
    mentor_rows,
    minutes_by_owner,
    reviewed_occurrences,
)
from mentorledger.reviews import MANUAL, Review
from mentorledger.store.ledger import StoredEntry
from mentorledger.store.manual import ManualEntry, manual_entries
from mentorledger.store.reviews import excluded_count, exclusion_reasons
from mentorledger.web.context import WebContext

CATEGORY_LABELS = {Category.GROUP: "Peer group", Category.MENTEE: "Mentee", Category.TAG: "Tagged"}
CATEGORIES = [Category.GROUP, Category.MENTEE, Category.TAG]


@dataclass(frozen=True, slots=True)
class EntryView:
    kind: str  # calendar | manual
    id: int
    start: dt.datetime  # local time
    end: dt.datetime
    minutes: int
    category: Category
    why: str
    present: list[str]
    state: str  # pending | confirmed | excluded (calendar); manual | removed (by hand)
    reason: str | None = None  # why the mentor excluded it
    note: str | None = None  # the mentor's private note (hand-made entries)
    event_key: str = ""
    attestation: str | None = None  # unattested | attested | denied, for sessions mentees are asked about
    denied_by: tuple[str, ...] = ()  # mentees whose "did not take place" awaits the mentor's decision

    @property
    def flagged(self) -> bool:
        return bool(self.denied_by)

    @property
    def counts(self) -> bool:
        return self.state not in ("excluded", "removed")

    @property
    def url(self) -> str:
        return f"/me/{'entries' if self.kind == 'calendar' else 'manual'}/{self.id}"

    @property
    def category_label(self) -> str:
        return CATEGORY_LABELS[self.category]


@dataclass(frozen=True, slots=True)
class WeekView:
    first: dt.date
    last: dt.date
    entries: list[EntryView]
    counted_minutes: int

    @property
    def pending(self) -> int:
        return sum(1 for e in self.entries if e.state == Review.PENDING)


@dataclass(frozen=True, slots=True)
class MonthBar:
    first: dt.date
    by_category: dict[Category, int]

    @property
    def total(self) -> int:
        return sum(self.by_category.values())

    @property
    def key(self) -> str:
        return f"{self.first:%Y-%m}"


@dataclass(frozen=True, slots=True)
class Overview:
    window: Window
    hours: MentorHours
    months: list[MonthBar]
    pending_by_month: dict[str, int]
    excluded: int
    manual: int
    attestation: MentorAttestation | None = None
    attested_minutes: int = 0
    first_flagged: str | None = None  # the url of the first session a mentee denied

    @property
    def pending(self) -> int:
        return sum(self.pending_by_month.values())

    @property
    def first_pending_month(self) -> str | None:
        return next((month for month, n in self.pending_by_month.items() if n), None)


@dataclass(frozen=True, slots=True)
class MonthView:
    window: Window
    first: dt.date
    weeks: list[WeekView]
    counted_minutes: int
    months: list[dt.date] = field(default_factory=list)

    @property
    def pending(self) -> int:
        return sum(w.pending for w in self.weeks)

    @property
    def entries(self) -> int:
        return sum(len(w.entries) for w in self.weeks)

    @property
    def period(self) -> Window:
        return month_window(self.first, self.window)

    def neighbour(self, step: int) -> dt.date | None:
        index = self.months.index(self.first) + step
        return self.months[index] if 0 <= index < len(self.months) else None


def months_of(window: Window) -> list[dt.date]:
    """The first day of each calendar month the window touches."""
    months, month = [], window.start.replace(day=1)
    while month <= window.end:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def month_window(first: dt.date, window: Window) -> Window:
    """One calendar month, clipped to the window."""
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return Window(start=max(first, window.start), end=min(following - dt.timedelta(days=1), window.end))


def _minutes(entries: list[StoredEntry], owner: str, period: Window, tz: dt.tzinfo) -> dict[Category, int]:
    """The minute union of ``hours`` over a shorter period (a month, a week)."""
    bounds = window_bounds(period, tz)
    inside = [e for e in entries if e.start < bounds[1] and e.end > bounds[0]]
    counted = minutes_by_owner(inside, bounds).get(owner)
    return counted[0] if counted else dict.fromkeys(Category, 0)


def overview(context: WebContext, email: str) -> Overview:
    """The academic year (the configured window) at a glance: one read of the counted entries, put
    through the same functions as ``hours`` for the year and for each month."""
    config, tz = context.config, context.config.tz
    window = config.effective_window()
    bounds = window_bounds(window, tz)
    counted = counted_entries(config, context.ledger, bounds, owner=email)
    rows = mentor_rows(config, counted, bounds)
    hours = rows[0] if rows else MentorHours(email, email, 0, dict.fromkeys(Category, 0), 0)
    months = [
        MonthBar(first, _minutes(counted, email, month_window(first, window), tz))
        for first in months_of(window)
    ]
    attestation = mentor_attestation(context, email, counted)
    flagged = [e for e in counted if attestation and e.event_key in attestation.denials]
    pending: dict[str, int] = {f"{m:%Y-%m}": 0 for m in months_of(window)}
    for entry in counted:
        if entry.origin != MANUAL and entry.review == Review.PENDING:
            key = f"{entry.start.astimezone(tz):%Y-%m}"
            if key in pending:
                pending[key] += 1
    return Overview(
        window=window,
        hours=hours,
        months=months,
        pending_by_month=pending,
        excluded=excluded_count(context.ledger, email, context.calendar_keys, bounds),
        manual=sum(1 for e in counted if e.origin == MANUAL),
        attestation=attestation,
        attested_minutes=attested_minutes(counted, bounds, _states(email, attestation)).get(email, 0),
        first_flagged=entry_url(min(flagged, key=lambda e: e.start)) if flagged else None,
    )


def mentor_attestation(
    context: WebContext, email: str, counted: list[StoredEntry]
) -> MentorAttestation | None:
    """What the mentor's mentees said about these counted sessions (None: attestation is off)."""
    if not context.config.attestation.enabled:
        return None
    return for_mentor(counted, context.roster, recorded_answers(context.ledger, mentors=[email]))


def _states(email: str, attestation: MentorAttestation | None) -> dict[tuple[str, str], State]:
    return {(email, key): state for key, state in (attestation.states if attestation else {}).items()}


def entry_url(entry: StoredEntry) -> str:
    return f"/me/{'manual' if entry.origin == MANUAL else 'entries'}/{entry.entry_id}"


def _listed(context: WebContext, email: str, period: Window) -> tuple[list[StoredEntry], list[ManualEntry]]:
    """Every calendar occurrence (excluded ones too) and hand-made entry (removed ones too) of the
    mentor that overlaps ``period``."""
    bounds = window_bounds(period, context.config.tz)
    calendar = reviewed_occurrences(
        context.ledger.entries(context.calendar_keys, *bounds, owner=email, include_excluded=True)
    )
    manual = manual_entries(context.ledger, *bounds, owners=[email], include_removed=True)
    return calendar, manual


def month_view(context: WebContext, email: str, first: dt.date) -> MonthView:
    """One month's entries, week by week (weeks start on Monday), with each week's counted minutes."""
    config, tz = context.config, context.config.tz
    window = config.effective_window()
    period = month_window(first, window)
    calendar, manual = _listed(context, email, period)
    reasons = exclusion_reasons(
        context.ledger, email, [e.event_key for e in calendar if e.review == Review.EXCLUDED]
    )
    counted = [e for e in calendar if e.review != Review.EXCLUDED] + [
        m.as_stored() for m in manual if m.active
    ]
    attestation = mentor_attestation(context, email, counted)
    views = [calendar_view(context, e, reasons.get(e.event_key), attestation) for e in calendar]
    views += [manual_view(context, m, attestation) for m in manual]
    views = [v for v in views if period.start <= v.start.date() <= period.end]
    views.sort(key=lambda v: (v.start, v.kind, v.id))
    by_week: dict[dt.date, list[EntryView]] = defaultdict(list)
    for view in views:
        by_week[view.start.date() - dt.timedelta(days=view.start.weekday())].append(view)
    weeks = []
    for monday in sorted(by_week):
        days = Window(start=max(monday, period.start), end=min(monday + dt.timedelta(days=6), period.end))
        weeks.append(
            WeekView(days.start, days.end, by_week[monday], sum(_minutes(counted, email, days, tz).values()))
        )
    return MonthView(
        window=window,
        first=first,
        weeks=weeks,
        counted_minutes=sum(_minutes(counted, email, period, tz).values()),
        months=months_of(window),
    )


def _attested(
    context: WebContext, event_key: str, attestation: MentorAttestation | None
) -> tuple[str | None, tuple[str, ...]]:
    """The session's attestation state and the mentees whose denial awaits the mentor."""
    if attestation is None:
        return None, ()
    state = attestation.states.get(event_key)
    denied = tuple(context.roster.name(r.mentee) for r in attestation.denials.get(event_key, []))
    return (str(state) if state else None), denied


def calendar_view(
    context: WebContext,
    entry: StoredEntry,
    reason: str | None = None,
    attestation: MentorAttestation | None = None,
) -> EntryView:
    tz = context.config.tz
    start, end = entry.start.astimezone(tz), entry.end.astimezone(tz)
    state, denied = _attested(context, entry.event_key, attestation)
    return EntryView(
        kind="calendar",
        id=entry.entry_id,
        start=start,
        end=end,
        minutes=int((end - start).total_seconds() // 60),
        category=entry.category,
        why=why_it_counted(entry, context.roster),
        present=context.roster.present(entry),
        state=str(entry.review),
        reason=reason,
        event_key=entry.event_key,
        attestation=state,
        denied_by=denied,
    )


def manual_view(
    context: WebContext, manual: ManualEntry, attestation: MentorAttestation | None = None
) -> EntryView:
    stored = manual.as_stored()
    tz = context.config.tz
    start, end = manual.start.astimezone(tz), manual.end.astimezone(tz)
    state, denied = _attested(context, stored.event_key, attestation)
    return EntryView(
        kind="manual",
        id=manual.id,
        start=start,
        end=end,
        minutes=int((end - start).total_seconds() // 60),
        category=manual.category,
        why=why_it_counted(stored, context.roster),
        present=context.roster.present(stored),
        state="manual" if manual.active else "removed",
        note=manual.note,
        event_key=stored.event_key,
        attestation=state,
        denied_by=denied,
    )
