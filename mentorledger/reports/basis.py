"""The ledger as one report sees it: every entry and every calendar's coverage, read once, cut at one
as-of instant. Every report and export (chair, school, dossier, FAR, Watermark, JSON) asks this view,
so a number is computed one way everywhere, and the same way as ``mentorledger hours``
(``hours.minutes_by_owner`` over the entries ``hours.select_entries`` counts: reviews, hand-made
entries, the as-of cut and coverage).

``PeriodHours`` is what every renderer shows for one person and one period, including the review
shares (issue 12 item 6): how much of the time the mentor confirmed, mentees attested (issue 11) and
the mentor added by hand, computed once here (``LedgerView.review_shares``) for every report.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from mentorledger.attestation.rules import State, attested_minutes, session_states
from mentorledger.attestation.store import recorded_answers
from mentorledger.config import Config, Window
from mentorledger.counting import Category, window_bounds
from mentorledger.coverage import (
    CalendarCoverage,
    PeriodCoverage,
    PersonSync,
    last_instant_date,
    period_bounds,
    period_coverage,
    person_sync,
)
from mentorledger.explain import Roster
from mentorledger.hours import (
    configured_calendars,
    minutes_by_owner,
    owner_minutes,
    resolve_window,
    select_entries,
)
from mentorledger.reports.credit import previous_window
from mentorledger.reviews import Evidence
from mentorledger.store.ledger import Ledger, StoredEntry


@dataclass(frozen=True, slots=True)
class PeriodHours:
    """One person's mentoring in one period. ``minutes`` is None when no calendar of theirs covered
    any of it ("no data", never 0); scheduled minutes (not yet ended, or not seen since) are apart."""

    minutes: int | None
    by_category: dict[str, int] | None
    entries: int
    scheduled_minutes: int
    coverage: PeriodCoverage
    # Review shares (rule 8's partition of ``minutes``, and issue 11's attestation): minutes the mentor
    # confirmed, left pending, added by hand; mentee-category minutes a mentee attested.
    confirmed_minutes: int = 0
    pending_minutes: int = 0
    manual_minutes: int = 0
    attested_minutes: int = 0

    @property
    def has_data(self) -> bool:
        return self.minutes is not None

    def category(self, name: str) -> int | None:
        return None if self.by_category is None else self.by_category[name]

    def share(self, part: int) -> float | None:
        """``part`` as a share of the counted minutes; None without data or without minutes."""
        return part / self.minutes if self.minutes else None

    @property
    def confirmed_share(self) -> float | None:
        return self.share(self.confirmed_minutes)

    @property
    def attested_share(self) -> float | None:
        return self.share(self.attested_minutes)

    @property
    def manual_share(self) -> float | None:
        return self.share(self.manual_minutes)


class PeriodTotal(NamedTuple):
    """One person's minutes in one period (None: no data) and scheduled minutes (``LedgerView.total``)."""

    minutes: int | None
    scheduled_minutes: int


def _no_data(coverage: PeriodCoverage, counted: bool) -> bool:
    """A period is "no data" when no calendar covered it and nothing counted in it (entries made by
    hand are data, too)."""
    return not coverage.has_data and not counted


def month_windows(window: Window) -> list[Window]:
    """The calendar months that meet ``window``, each clipped to it."""
    months = []
    first = window.start
    while first <= window.end:
        following = (first.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        months.append(Window(start=first, end=min(window.end, following - dt.timedelta(days=1))))
        first = following
    return months


class LedgerView:
    """Entries and coverage of every configured calendar over ``span``, cut at ``as_of``."""

    def __init__(
        self,
        config: Config,
        *,
        as_of: dt.datetime,
        span: Window,
        counted: Sequence[StoredEntry],
        scheduled: Sequence[StoredEntry],
        calendars: dict[str, list[CalendarCoverage]],
        attestation: dict[tuple[str, str], State] | None = None,
        owners: Collection[str] | None = None,
        ledger: Ledger | None = None,
    ) -> None:
        self.config = config
        self.as_of = as_of
        self.span = span
        self._counted = _by_owner(counted)
        self._scheduled = _by_owner(scheduled)
        self._calendars = calendars
        self._attestation = attestation or {}  # (owner, event key) -> state of sessions mentees attest
        # Scoped to some people (one department): others are read on demand, one person at a time.
        self._loaded = set(owners) if owners is not None else None
        self._ledger = ledger
        self._bounds: dict[tuple[dt.date, dt.date], tuple[dt.datetime, dt.datetime]] = {}

    @classmethod
    def load(
        cls,
        config: Config,
        ledger: Ledger,
        windows: Sequence[Window],
        as_of: dt.datetime | None = None,
        *,
        owners: Collection[str] | None = None,
    ) -> LedgerView:
        """Read once what ``windows`` need, of ``owners`` (default: everyone); ``as_of`` defaults to
        now. A view of some owners reads anyone else it is asked about when asked (so memory follows
        the people a report shows, not the institution)."""
        as_of = as_of or dt.datetime.now(dt.UTC)
        span = Window(start=min(w.start for w in windows), end=max(w.end for w in windows))
        refs = configured_calendars(config)
        keys = [ref.calendar_key for ref in refs]
        known = ledger.coverage(keys)
        calendars: dict[str, list[CalendarCoverage]] = defaultdict(list)
        for ref in refs:
            blank = CalendarCoverage(ref.calendar_key, ref.owner)  # configured, never synced
            calendars[ref.owner].append(known.get(ref.calendar_key, blank))
        chosen = sorted(set(owners)) if owners is not None else None
        counted, scheduled, attestation = _read(config, ledger, span, as_of, chosen, known)
        return cls(
            config,
            as_of=as_of,
            span=span,
            counted=counted,
            scheduled=scheduled,
            calendars=calendars,
            attestation=attestation,
            owners=chosen,
            ledger=ledger,
        )

    def _ensure(self, email: str) -> None:
        """Read one more person into a scoped view (someone outside the people it was loaded for)."""
        if self._loaded is None or email in self._loaded or self._ledger is None:
            return
        self._loaded.add(email)
        counted, scheduled, attestation = _read(self.config, self._ledger, self.span, self.as_of, [email])
        self._counted.update(_by_owner(counted))
        self._scheduled.update(_by_owner(scheduled))
        self._attestation.update(attestation)

    # -- per person ------------------------------------------------------------------------------------

    def sync(self, email: str) -> PersonSync:
        return person_sync(self._calendars.get(email, []))

    def coverage(self, email: str, window: Window) -> PeriodCoverage:
        return period_coverage(self._calendars.get(email, []), window, self.config.tz, self.as_of)

    def counted(self, email: str, window: Window) -> list[StoredEntry]:
        """The person's counted entries that overlap ``window`` (for subsets: one mentee, one group)."""
        self._ensure(email)
        return self._overlapping(self._counted.get(email, []), window)

    def period(self, email: str, window: Window) -> PeriodHours:
        coverage = self.coverage(email, window)
        bounds = self.bounds(window)
        self._ensure(email)
        scheduled_minutes = self._scheduled_minutes(email, window, bounds)
        entries = self.counted(email, window)
        counted = owner_minutes(entries, bounds).get(email)  # categories and review states in one pass
        if _no_data(coverage, counted is not None):
            return PeriodHours(None, None, 0, scheduled_minutes, coverage)
        minutes = {str(c): (counted.by_category.get(c, 0) if counted else 0) for c in Category}
        confirmed, pending, manual, attested = self.review_shares(
            email, entries, bounds, counted.by_review if counted else {}
        )
        return PeriodHours(
            sum(minutes.values()),
            minutes,
            counted.occurrences if counted else 0,
            scheduled_minutes,
            coverage,
            confirmed_minutes=confirmed,
            pending_minutes=pending,
            manual_minutes=manual,
            attested_minutes=attested,
        )

    def total(self, email: str, window: Window) -> PeriodTotal:
        """``period``'s minutes (None: no data) and scheduled minutes alone, without the review shares:
        what the monthly rows show of every person and month."""
        coverage = self.coverage(email, window)
        bounds = self.bounds(window)
        self._ensure(email)
        scheduled_minutes = self._scheduled_minutes(email, window, bounds)
        counted = minutes_by_owner(self.counted(email, window), bounds).get(email)
        if _no_data(coverage, counted is not None):
            return PeriodTotal(None, scheduled_minutes)
        return PeriodTotal(sum(counted[0].values()) if counted else 0, scheduled_minutes)

    def review_shares(
        self,
        email: str,
        entries: list[StoredEntry],
        bounds: tuple[dt.datetime, dt.datetime],
        states: Mapping[Evidence, int],
    ) -> tuple[int, int, int, int]:
        """Minutes confirmed by the mentor, pending, added by hand (``hours``' partition of the
        minutes: ``states``, from ``owner_minutes``), and mentee-category minutes attested by mentees,
        of one person's counted entries."""
        attested = attested_minutes(entries, bounds, self._attestation).get(email, 0)
        return (
            states.get(Evidence.CONFIRMED, 0),
            states.get(Evidence.PENDING, 0),
            states.get(Evidence.MANUAL, 0),
            attested,
        )

    def _scheduled_minutes(self, email: str, window: Window, bounds: tuple[dt.datetime, dt.datetime]) -> int:
        """Minutes of the person's meetings in ``window`` not yet known to have happened (in no total)."""
        scheduled = minutes_by_owner(self._overlapping(self._scheduled.get(email, []), window), bounds)
        return sum(scheduled[email][0].values()) if email in scheduled else 0

    # -- helpers ---------------------------------------------------------------------------------------

    def bounds(self, window: Window) -> tuple[dt.datetime, dt.datetime]:
        """The window's UTC bounds, worked out once per window (asked for every person and month)."""
        self._check(window)
        key = (window.start, window.end)
        found = self._bounds.get(key)
        if found is None:
            found = self._bounds[key] = window_bounds(window, self.config.tz)
        return found

    def data_through(self, window: Window) -> dt.datetime:
        """What a report of ``window`` can know: its end, or the as-of instant if that is earlier."""
        return period_bounds(window, self.config.tz, self.as_of)[1]

    def as_of_date(self) -> dt.date:
        """The last local day the as-of instant closes (relationship lengths are measured to it)."""
        return last_instant_date(self.as_of, self.config.tz)

    def _overlapping(self, entries: list[StoredEntry], window: Window) -> list[StoredEntry]:
        start, end = self.bounds(window)
        return [e for e in entries if e.start < end and e.end > start]

    def _check(self, window: Window) -> None:
        if window.start < self.span.start or window.end > self.span.end:
            raise ValueError(f"{window} is outside the loaded span {self.span}")


def load_view(
    config: Config,
    ledger: Ledger,
    *,
    start: dt.date | None,
    end: dt.date | None,
    as_of: dt.datetime | None,
    with_previous: bool = False,
    owners: Collection[str] | None = None,
) -> tuple[LedgerView, Window]:
    """The requested period (defaults: the configured window) and a view that covers it (and the
    previous period of the same length, for reports that compare), of ``owners`` (default everyone)."""
    as_of = as_of or dt.datetime.now(dt.UTC)
    window = resolve_window(config, start, end, today=last_instant_date(as_of, config.tz))
    windows = [previous_window(window), window] if with_previous else [window]
    return LedgerView.load(config, ledger, windows, as_of, owners=owners), window


def _read(
    config: Config,
    ledger: Ledger,
    span: Window,
    as_of: dt.datetime,
    owners: Collection[str] | None,
    coverage: Mapping[str, CalendarCoverage] | None = None,
) -> tuple[list[StoredEntry], list[StoredEntry], dict[tuple[str, str], State]]:
    """Counted and scheduled entries over ``span`` of ``owners`` (default everyone), and the states of
    their sessions mentees attest; ``coverage``: the calendars' coverage, if already read."""
    bounds = window_bounds(span, config.tz)
    counted, scheduled = select_entries(config, ledger, bounds, as_of=as_of, owners=owners, coverage=coverage)
    answers = recorded_answers(ledger, mentors=owners)
    return counted, scheduled, session_states(counted, Roster.of(config), answers)


def _by_owner(entries: Sequence[StoredEntry]) -> dict[str, list[StoredEntry]]:
    grouped: dict[str, list[StoredEntry]] = defaultdict(list)
    for entry in entries:
        grouped[entry.owner].append(entry)
    return grouped


@dataclass(frozen=True, slots=True)
class MonthRow:
    """Hours of a set of people in one month: None when none of them had data for it; scheduled
    minutes (not yet ended, or not seen since) apart, never in the hours."""

    window: Window
    minutes: int | None
    people_with_data: int
    scheduled_minutes: int
    begun: bool  # the month had begun by the as-of instant

    @property
    def label(self) -> str:
        return f"{self.window.start:%Y-%m}"


def monthly(view: LedgerView, emails: Sequence[str], window: Window) -> list[MonthRow]:
    """Hours per calendar month of ``window`` for ``emails`` (one person for a dossier, a department
    for a chair report), each person counted only in months their calendars covered."""
    rows = []
    for month in month_windows(window):
        periods = [view.total(email, month) for email in emails]
        known = [p.minutes for p in periods if p.minutes is not None]
        rows.append(
            MonthRow(
                window=month,
                minutes=sum(known) if known else None,
                people_with_data=len(known),
                scheduled_minutes=sum(p.scheduled_minutes for p in periods),
                begun=view.bounds(month)[0] < view.as_of,
            )
        )
    return rows
