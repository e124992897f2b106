"""The chair effort report as data: the one computation every format (HTML, PDF, XLSX, CSV) renders.

Minutes come from ``mentorledger.hours.compute_hours`` (rule 5, the same numbers as ``mentorledger
hours``); this module adds credit, distribution statistics and the optional equity aggregate. What a
chair sees is deliberately narrow (SPEC privacy): names, ranks and hour totals of faculty; never event
titles, agendas, mentee names, or who attended which group session; demographics only in aggregates
with small cells suppressed and never next to a name.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, replace

from mentorledger.config import Config, Person, Window
from mentorledger.counting import Category
from mentorledger.errors import UserError
from mentorledger.hours import compute_hours, resolve_window
from mentorledger.reports import stats
from mentorledger.reports.credit import (
    CREDIT_METHOD,
    allotted_minutes,
    fte_equivalent,
    previous_window,
    stipend_in,
    window_days,
)
from mentorledger.store.ledger import Ledger

MIN_CELL = 5  # equity cells with fewer people are suppressed (SPEC privacy: n < 5)
EQUITY_FIELDS: dict[str, str] = {
    "gender": "Gender (self-reported)",
    "race_ethnicity": "Race / ethnicity (self-reported)",
    "urim": "Under-represented in medicine (self-reported)",
    "first_generation": "First-generation (self-reported)",
}
NOT_REPORTED = "not reported"
METHOD_LABELS = {
    "hours": "Hours",
    "population": "Who is in the table",
    "fte": "FTE equivalent",
    "credit": "Credited and uncredited hours",
    "percentile": "Median and 90th percentile",
    "gini": "Gini coefficient",
    "top10": "Top 10% share",
    "flag": "Review for credit",
    "change": "Change",
    "suppression": "Small-cell suppression",
}
POPULATION = (
    "people of the department with counted mentoring in the period or a mentee relationship "
    "active in it (zero hours included)"
)


@dataclass(frozen=True, slots=True)
class FacultyRow:
    email: str
    name: str
    rank: str
    track: str | None
    minutes: int
    by_category: dict[str, int]
    active_mentees: int
    groups: int
    allotted_minutes: int
    credited_minutes: int
    uncredited_minutes: int
    stipend: float
    previous_minutes: int
    review_for_credit: bool

    @property
    def change_minutes(self) -> int:
        return self.minutes - self.previous_minutes


@dataclass(frozen=True, slots=True)
class Totals:
    mentors: int
    minutes: int
    by_category: dict[str, int]
    fte_equivalent: float
    allotted_minutes: int
    credited_minutes: int
    uncredited_minutes: int
    stipend: float
    previous_minutes: int
    flagged: int


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
class EquityCell:
    """One self-reported group's aggregate; a suppressed cell carries no numbers at all."""

    label: str
    people: int | None
    minutes: int | None
    uncredited_minutes: int | None
    suppressed: bool
    reason: str = ""  # why, when suppressed


@dataclass(frozen=True, slots=True)
class EquityTable:
    field: str
    title: str
    cells: list[EquityCell]


@dataclass(frozen=True, slots=True)
class ChairReport:
    institution: str
    department: str
    window: Window
    previous: Window
    fte_basis_hours: float
    generated_at: dt.datetime
    rows: list[FacultyRow]
    totals: Totals
    distribution: Distribution
    equity: list[EquityTable] | None
    methods: dict[str, str] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        return "".join(c if c.isalnum() else "-" for c in self.department.lower()).strip("-") or "department"


def department_people(config: Config, department: str) -> list[Person]:
    people = [p for p in config.people if p.department.casefold() == department.strip().casefold()]
    if not people:
        known = ", ".join(sorted({p.department for p in config.people})) or "none"
        raise UserError(f"no one in the configuration belongs to department {department!r}; known: {known}")
    return people


def _overlaps(start: dt.date, end: dt.date | None, window: Window) -> bool:
    return start <= window.end and (end is None or end >= window.start)


def build_chair_report(
    config: Config,
    ledger: Ledger,
    department: str,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    now: dt.datetime | None = None,
) -> ChairReport:
    """Everything the chair report shows, computed once."""
    people = department_people(config, department)
    window = resolve_window(config, start, end)
    previous = previous_window(window)
    current = {m.email: m for m in compute_hours(config, ledger, start=window.start, end=window.end).mentors}
    before = {
        m.email: m for m in compute_hours(config, ledger, start=previous.start, end=previous.end).mentors
    }
    basis = config.fte_basis_hours

    mentees: dict[str, set[str]] = defaultdict(set)
    for rel in config.relationships:
        if _overlaps(rel.start, rel.end, window):
            mentees[rel.mentor].add(rel.mentee)
    population = [p for p in people if p.email in current or p.email in mentees]

    drafts = []
    for person in population:
        hours = current.get(person.email)
        minutes = hours.minutes if hours else 0
        allotted = allotted_minutes(person, window, basis)
        credited = min(minutes, allotted)
        drafts.append(
            FacultyRow(
                email=person.email,
                name=person.name,
                rank=str(person.rank),
                track=person.track,
                minutes=minutes,
                by_category={str(c): (hours.by_category.get(c, 0) if hours else 0) for c in Category},
                active_mentees=len(mentees.get(person.email, ())),
                groups=sum(1 for g in config.groups if person.email in g.members),
                allotted_minutes=allotted,
                credited_minutes=credited,
                uncredited_minutes=minutes - credited,
                stipend=stipend_in(person, window),
                previous_minutes=before[person.email].minutes if person.email in before else 0,
                review_for_credit=False,
            )
        )
    loads = [r.minutes / 60 for r in drafts]
    uncredited = [r.uncredited_minutes / 60 for r in drafts]
    threshold = stats.percentile(uncredited, 0.9)
    rows = [
        _flagged(r, r.uncredited_minutes / 60 > threshold)
        for r in sorted(drafts, key=lambda r: (-r.minutes, r.name, r.email))
    ]
    total_minutes = sum(r.minutes for r in rows)
    totals = Totals(
        mentors=len(rows),
        minutes=total_minutes,
        by_category={str(c): sum(r.by_category[str(c)] for r in rows) for c in Category},
        fte_equivalent=fte_equivalent(total_minutes, window, basis),
        allotted_minutes=sum(r.allotted_minutes for r in rows),
        credited_minutes=sum(r.credited_minutes for r in rows),
        uncredited_minutes=sum(r.uncredited_minutes for r in rows),
        stipend=round(sum(r.stipend for r in rows), 2),
        previous_minutes=sum(r.previous_minutes for r in rows),
        flagged=sum(r.review_for_credit for r in rows),
    )
    distribution = Distribution(
        median_hours=stats.median(loads),
        p90_hours=stats.percentile(loads, 0.9),
        gini=stats.gini(loads),
        top10_share=stats.top_share(loads, 0.1),
        top10_count=max(1, -(-len(loads) // 10)) if loads else 0,
        p90_uncredited_hours=threshold,
        lorenz=stats.lorenz(loads),
    )
    return ChairReport(
        institution=config.institution,
        department=people[0].department,
        window=window,
        previous=previous,
        fte_basis_hours=basis,
        generated_at=now or dt.datetime.now(dt.UTC),
        rows=rows,
        totals=totals,
        distribution=distribution,
        equity=_equity(config, rows) if config.equity_section else None,
        methods={
            "hours": "counting rules v1: per mentor, the union of counted calendar entries, overlaps never "
            "counted twice (the numbers of `mentorledger hours`)",
            "population": POPULATION,
            "fte": f"hours / ({basis:g} h per 1.0 FTE per year x {window_days(window)} days / 365)",
            "credit": CREDIT_METHOD,
            "percentile": stats.PERCENTILE_METHOD,
            "gini": stats.GINI_METHOD,
            "top10": stats.TOP_SHARE_METHOD,
            "flag": "review for credit: uncredited hours above the department's 90th percentile of "
            "uncredited hours",
            "change": f"against the previous period of the same length, {previous.start} to {previous.end}, "
            "as the ledger holds it (a period whose calendars were never synced reads 0)",
            "suppression": f"answers given by fewer than {MIN_CELL} people are suppressed, with one more "
            "answer when needed so that none can be derived from the totals; suppressed answers are merged "
            "into one unlabelled row; a table where one answer covers everyone is suppressed entirely",
        },
    )


def _flagged(row: FacultyRow, flag: bool) -> FacultyRow:
    return replace(row, review_for_credit=flag)


def _label(value: object) -> str:
    if value is None or value == "":
        return NOT_REPORTED
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).strip().lower()  # "Woman" and "woman " are one answer


def _equity(config: Config, rows: list[FacultyRow]) -> list[EquityTable]:
    """Aggregate load by self-reported group, with primary and complementary suppression."""
    tables = []
    for name, title in EQUITY_FIELDS.items():
        groups: dict[str, list[FacultyRow]] = defaultdict(list)
        for row in rows:
            answers = config.self_reported.get(row.email)
            groups[_label(getattr(answers, name) if answers else None)].append(row)
        tables.append(EquityTable(name, title, suppress(groups)))
    return tables


SUPPRESSED_LABEL = "other answers (suppressed)"
SUPPRESSION_REASON = f"fewer than {MIN_CELL} people, or needed to protect such a group"


def suppress(groups: dict[str, list[FacultyRow]]) -> list[EquityCell]:
    """The cells of one table, safe to show beside a named faculty table.

    1. A cell with fewer than MIN_CELL people is suppressed.
    2. If that leaves exactly one suppressed cell, the next smallest is suppressed too, so the table
       total (everyone in the faculty table) minus the shown cells cannot give it away.
    3. Suppressed cells are merged into one row without their answers, so a rare answer's existence
       is not shown either.
    4. If one reported answer covers everyone, showing it would label every named row: all suppressed.
    """
    sizes = {label: len(members) for label, members in groups.items()}
    hidden = {label for label, n in sizes.items() if n < MIN_CELL}
    if len(hidden) == 1 and len(sizes) > 1:
        rest = sorted((n, label) for label, n in sizes.items() if label not in hidden)
        hidden.add(rest[0][1])
    total = sum(sizes.values())
    if any(n == total and label != NOT_REPORTED for label, n in sizes.items()):
        hidden = set(sizes)
    cells = [
        EquityCell(
            label=label,
            people=len(groups[label]),
            minutes=sum(r.minutes for r in groups[label]),
            uncredited_minutes=sum(r.uncredited_minutes for r in groups[label]),
            suppressed=False,
        )
        for label in sorted(set(groups) - hidden, key=lambda lbl: (lbl == NOT_REPORTED, lbl))
    ]
    if hidden:
        cells.append(
            EquityCell(SUPPRESSED_LABEL, None, None, None, suppressed=True, reason=SUPPRESSION_REASON)
        )
    return cells
