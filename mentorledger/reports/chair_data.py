"""The chair effort report as data: the one computation every format (HTML, PDF, XLSX, CSV) renders.

Minutes come from ``LedgerView`` (the same numbers as ``mentorledger hours`` at the same as-of
instant); this module adds each person's sync health and coverage, credit, distribution statistics and
the optional equity aggregate. Every person of the department is listed: connected, failing (since
when) or not connected; a period no calendar of a person covered reads "no data", never 0. What a
chair sees is deliberately narrow (SPEC privacy): names, ranks and hour totals; never event titles,
agendas, mentee names, or who attended which group session; demographics only in aggregates with
small cells suppressed and never next to a name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from mentorledger.config import Config, Person, Window
from mentorledger.counting import Category
from mentorledger.coverage import Extent, PersonSync, SyncStatus
from mentorledger.errors import UserError
from mentorledger.reports import stats
from mentorledger.reports.basis import LedgerView, MonthRow, PeriodHours, load_view, monthly
from mentorledger.reports.credit import (
    CREDIT_METHOD,
    allotted_minutes,
    credit_split,
    fte_equivalent,
    previous_window,
    stipend_in,
    window_days,
)
from mentorledger.reports.equity import (
    MIN_CELL,
    NOT_REPORTED,
    SUPPRESSED_LABEL,
    SUPPRESSION_METHOD,
    EquityCell,
    EquityTable,
    _label,
    equity_tables,
    suppress,
)
from mentorledger.store.ledger import Ledger

__all__ = [  # the equity names are re-exported: reports and tests import them from here
    "MIN_CELL",
    "NOT_REPORTED",
    "SUPPRESSED_LABEL",
    "ChairReport",
    "EquityCell",
    "EquityTable",
    "FacultyRow",
    "_label",
    "build_chair_report",
    "chair_report",
    "suppress",
]

METHOD_LABELS = {
    "hours": "Hours",
    "as_of": "As of",
    "coverage": "Coverage and “no data”",
    "scheduled": "Scheduled",
    "population": "Who is in the table",
    "fte": "FTE equivalent",
    "credit": "Credited and uncredited hours",
    "distribution": "Who the distribution covers",
    "percentile": "Median and 90th percentile",
    "gini": "Gini coefficient",
    "top10": "Top 10% share",
    "flag": "Review for credit",
    "change": "Change",
    "review": "Confirmed, attested and added by hand",
    "suppression": "Small-cell suppression",
}
HOURS_METHOD = (
    "counting rules v2: per person, the union of counted calendar entries, overlaps never counted "
    "twice (the numbers of `mentorledger hours` with the same --as-of)"
)
COVERAGE_METHOD = (
    "each successful sync of a calendar covers its counting window up to the moment it ran; a period "
    "that none of a person's calendars covered reads “no data” (never 0), and one covered in part says "
    "for how many of its months there is data and through which date (the earliest last sync among "
    "the person's calendars)"
)
SCHEDULED_METHOD = (
    "meetings in the ledger that had not ended by the as-of instant, or ended after the calendar's "
    "last successful sync, are shown as scheduled and are in no total"
)
REVIEW_METHOD = (
    "shares of the counted hours: confirmed by the mentor (a minute a confirmed calendar entry covers), "
    "added by hand (a minute only an entry the mentor added covers); those and the pending rest "
    "partition the hours, as `mentorledger hours` splits them. Attested by mentees: mentee-category "
    "minutes covered by a session a mentee confirmed (and none denied) at its current time; group "
    "sessions are never asked about, so the attested share is at most the mentee share"
)
POPULATION = (
    "every person of the department, whether connected (every calendar syncing), failing (a calendar's "
    "last sync failed, since the date shown), never synced, or not connected (no calendar configured); "
    "people who are in the configuration only as mentees are left out, because a chair never sees "
    "mentee names"
)


@dataclass(frozen=True, slots=True)
class FacultyRow:
    email: str
    name: str
    rank: str
    track: str | None
    sync: PersonSync
    current: PeriodHours
    previous: PeriodHours
    active_mentees: int
    groups: int
    allotted_minutes: int
    stipend: float
    mentor: bool  # counted mentoring or an active mentee relationship in the period
    in_distribution: bool  # a mentor whose calendars covered the whole period
    review_for_credit: bool = False

    @property
    def minutes(self) -> int | None:
        return self.current.minutes

    @property
    def by_category(self) -> dict[str, int] | None:
        return self.current.by_category

    @property
    def previous_minutes(self) -> int | None:
        return self.previous.minutes

    @property
    def change_minutes(self) -> int | None:
        """Blank (None) unless both periods have data."""
        if self.minutes is None or self.previous_minutes is None:
            return None
        return self.minutes - self.previous_minutes

    @property
    def credited_minutes(self) -> int | None:
        return credit_split(self.minutes, self.allotted_minutes)[0]

    @property
    def uncredited_minutes(self) -> int | None:
        return credit_split(self.minutes, self.allotted_minutes)[1]


@dataclass(frozen=True, slots=True)
class Totals:
    people: int
    by_status: dict[str, int]
    with_data: int
    partial: int
    mentors: int  # mentors with data for the period
    compared: int  # mentors in the distribution
    minutes: int
    by_category: dict[str, int]
    fte_equivalent: float
    allotted_minutes: int
    credited_minutes: int
    uncredited_minutes: int
    stipend: float
    previous_minutes: int | None  # of the people with data in both periods
    change_minutes: int | None
    scheduled_minutes: int
    flagged: int | None  # None: flags withheld (fewer than MIN_MENTORS to compare)
    # Review shares of the hours (of the people with data): confirmed by the mentor, added by hand,
    # and mentee-category minutes attested by mentees (of ``by_category["mentee"]``).
    confirmed_minutes: int = 0
    manual_minutes: int = 0
    attested_minutes: int = 0

    def share(self, part: int) -> float | None:
        return part / self.minutes if self.minutes else None


@dataclass(frozen=True, slots=True)
class Distribution:
    median_hours: float
    p90_hours: float
    gini: float
    top10_share: float
    top10_count: int
    p90_uncredited_hours: float
    lorenz: list[tuple[float, float]]


@dataclass(frozen=True, slots=True)
class ChairReport:
    institution: str
    department: str
    window: Window
    previous: Window
    as_of: dt.datetime
    data_through: dt.datetime
    timezone: str
    fte_basis_hours: float
    generated_at: dt.datetime
    rows: list[FacultyRow]
    totals: Totals
    distribution: Distribution | None
    distribution_note: str | None  # why the distribution and the flags are left out
    months: list[MonthRow]
    equity: list[EquityTable] | None
    methods: dict[str, str] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        return department_slug(self.department)

    @property
    def failing(self) -> list[FacultyRow]:
        return [r for r in self.rows if r.sync.status is SyncStatus.FAILING]

    @property
    def partial(self) -> list[FacultyRow]:
        return [r for r in self.rows if r.current.coverage.extent is Extent.PARTIAL]


def department_slug(name: str) -> str:
    """A department's name in file names and web addresses: "internal-medicine"."""
    return "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-") or "department"


def department_people(config: Config, department: str) -> list[Person]:
    people = [p for p in config.people if p.department.casefold() == department.strip().casefold()]
    if not people:
        known = ", ".join(sorted({p.department for p in config.people})) or "none"
        raise UserError(f"no one in the configuration belongs to department {department!r}; known: {known}")
    return people


def report_roster(config: Config, department: str) -> list[Person]:
    """Who the chair report lists: every person of the department except those who are in the
    configuration only as mentees (no calendar, mentee of no one, in no group): chairs never see
    mentee names (SPEC privacy)."""
    mentees = {r.mentee for r in config.relationships}
    involved = {r.mentor for r in config.relationships} | {c.owner for c in config.calendars}
    involved |= {m for g in config.groups for m in g.members}
    return [p for p in department_people(config, department) if p.email in involved or p.email not in mentees]


def build_chair_report(
    config: Config,
    ledger: Ledger,
    department: str,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    as_of: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> ChairReport:
    """Everything the chair report shows, computed once, as of ``as_of`` (default now)."""
    view, window = department_view(config, ledger, department, start=start, end=end, as_of=as_of)
    return chair_report(view, department, window, now=now)


def department_view(
    config: Config,
    ledger: Ledger,
    department: str,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    as_of: dt.datetime | None = None,
) -> tuple[LedgerView, Window]:
    """The ledger view a department's chair report is made from (the period and the previous one)."""
    people = department_people(config, department)  # a wrong name fails before the ledger is read
    owners = [p.email for p in people]
    return load_view(config, ledger, start=start, end=end, as_of=as_of, with_previous=True, owners=owners)


def chair_report(
    view: LedgerView, department: str, window: Window, *, now: dt.datetime | None = None
) -> ChairReport:
    """The chair report of ``department`` from an already loaded view (the school roll-up builds every
    department's report from one view)."""
    config = view.config
    people = report_roster(config, department)
    name = department_people(config, department)[0].department
    previous = previous_window(window)
    rows = sorted(
        (_row(view, person, window, previous) for person in people),
        key=lambda r: (r.minutes is None, -(r.minutes or 0), r.name, r.email),
    )
    comparable = [r for r in rows if r.in_distribution]
    enough = len(comparable) >= stats.MIN_MENTORS
    distribution = _distribution(comparable) if enough else None
    if distribution is not None:
        threshold = distribution.p90_uncredited_hours
        rows = [
            replace(r, review_for_credit=r.in_distribution and _uncredited_hours(r) > threshold) for r in rows
        ]
    return ChairReport(
        institution=config.institution,
        department=name,
        window=window,
        previous=previous,
        as_of=view.as_of,
        data_through=view.data_through(window),
        timezone=config.timezone,
        fte_basis_hours=config.fte_basis_hours,
        generated_at=now or dt.datetime.now(dt.UTC),
        rows=rows,
        totals=_totals(rows, window, config.fte_basis_hours, flags=enough),
        distribution=distribution,
        distribution_note=None if enough else stats.too_few_note(len(comparable)),
        months=monthly(view, [p.email for p in people], window),
        equity=equity_tables(config, [r for r in rows if r.mentor and r.minutes is not None])
        if config.equity_section
        else None,
        methods=_methods(config, window, previous),
    )


def _row(view: LedgerView, person: Person, window: Window, previous: Window) -> FacultyRow:
    config = view.config
    current = view.period(person.email, window)
    # Mentees active in the period up to the as-of date: a relationship that has not begun is not one.
    known_until = Window(start=window.start, end=max(window.start, min(window.end, view.as_of_date())))
    mentees = {
        r.mentee
        for r in config.relationships
        if r.mentor == person.email
        and _overlaps(r.start, r.end, known_until)
        and r.start <= view.as_of_date()
    }
    mentor = bool(mentees) or bool(current.minutes)
    return FacultyRow(
        email=person.email,
        name=person.name,
        rank=str(person.rank),
        track=person.track,
        sync=view.sync(person.email),
        current=current,
        previous=view.period(person.email, previous),
        active_mentees=len(mentees),
        groups=sum(1 for g in config.groups if person.email in g.members),
        allotted_minutes=allotted_minutes(person, window, config.fte_basis_hours),
        stipend=stipend_in(person, window),
        mentor=mentor,
        in_distribution=mentor and current.coverage.extent is Extent.FULL,
    )


def _overlaps(start: dt.date, end: dt.date | None, window: Window) -> bool:
    return start <= window.end and (end is None or end >= window.start)


def _uncredited_hours(row: FacultyRow) -> float:
    return (row.uncredited_minutes or 0) / 60


def _distribution(rows: Sequence[FacultyRow]) -> Distribution:
    loads = [(r.minutes or 0) / 60 for r in rows]
    return Distribution(
        median_hours=stats.median(loads),
        p90_hours=stats.percentile(loads, 0.9),
        gini=stats.gini(loads),
        top10_share=stats.top_share(loads, 0.1),
        top10_count=stats.top_count(len(loads), 0.1),
        p90_uncredited_hours=stats.percentile([_uncredited_hours(r) for r in rows], 0.9),
        lorenz=stats.lorenz(loads),
    )


def _totals(rows: Sequence[FacultyRow], window: Window, basis: float, *, flags: bool) -> Totals:
    known = [r for r in rows if r.minutes is not None]
    both = [r for r in known if r.previous_minutes is not None]
    minutes = sum(r.minutes or 0 for r in known)
    by_status = {str(s): sum(1 for r in rows if r.sync.status is s) for s in SyncStatus}
    return Totals(
        people=len(rows),
        by_status=by_status,
        with_data=len(known),
        partial=sum(1 for r in rows if r.current.coverage.extent is Extent.PARTIAL),
        mentors=sum(1 for r in known if r.mentor),
        compared=sum(1 for r in rows if r.in_distribution),
        minutes=minutes,
        by_category={str(c): sum((r.by_category or {}).get(str(c), 0) for r in known) for c in Category},
        fte_equivalent=fte_equivalent(minutes, window, basis),
        allotted_minutes=sum(r.allotted_minutes for r in rows),
        credited_minutes=sum(r.credited_minutes or 0 for r in known),
        uncredited_minutes=sum(r.uncredited_minutes or 0 for r in known),
        stipend=round(sum(r.stipend for r in rows), 2),
        previous_minutes=sum(r.previous_minutes or 0 for r in both) if both else None,
        change_minutes=sum(r.change_minutes or 0 for r in both) if both else None,
        scheduled_minutes=sum(r.current.scheduled_minutes for r in rows),
        flagged=sum(r.review_for_credit for r in rows) if flags else None,
        confirmed_minutes=sum(r.current.confirmed_minutes for r in known),
        manual_minutes=sum(r.current.manual_minutes for r in known),
        attested_minutes=sum(r.current.attested_minutes for r in known),
    )


def _methods(config: Config, window: Window, previous: Window) -> dict[str, str]:
    basis = config.fte_basis_hours
    methods = {
        "hours": HOURS_METHOD,
        "as_of": "only meetings that had ended by the as-of instant count; one in progress then counts "
        "once it has ended (in a report with a later as-of)",
        "coverage": COVERAGE_METHOD,
        "scheduled": SCHEDULED_METHOD,
        "population": POPULATION,
        "fte": f"hours / ({basis:g} h per 1.0 FTE per year x {window_days(window)} days / 365)",
        "credit": CREDIT_METHOD,
        "distribution": f"mentors (counted mentoring, or a mentee relationship active in the period) whose "
        f"calendars covered the whole period; shown only with at least {stats.MIN_MENTORS} such mentors",
        "percentile": stats.PERCENTILE_METHOD,
        "gini": stats.GINI_METHOD,
        "top10": stats.TOP_SHARE_METHOD,
        "flag": "review for credit: uncredited hours above the 90th percentile of uncredited hours of the "
        f"mentors in the distribution; shown only with at least {stats.MIN_MENTORS} of them",
        "review": REVIEW_METHOD,
        "change": f"against the previous period of the same length, {previous.start} to {previous.end}; "
        "blank when either period has no data; the department's change adds up only the people with "
        "data in both",
    }
    if config.equity_section:
        methods["suppression"] = SUPPRESSION_METHOD
    return methods
