"""The spreadsheet-shaped tables of the chair and school reports, column by column: what each column is
called, what kind of value it holds (``formatting.Kind``) and where the value comes from. The XLSX and
CSV renderers write these same tables, so the two formats cannot drift apart."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

from mentorledger.reports.basis import MonthRow, PeriodHours
from mentorledger.reports.chair_data import ChairReport, FacultyRow
from mentorledger.reports.credit import fte_equivalent
from mentorledger.reports.formatting import NOT_YET, Kind, coverage_note, sync_text, through
from mentorledger.reports.school_data import SchoolReport

R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Column(Generic[R]):
    header: str
    kind: Kind
    value: Callable[[R], object]


@dataclass(frozen=True, slots=True)
class Typed:
    """A value whose kind differs from its column's (the value column of an item/value sheet)."""

    kind: Kind
    value: object


@dataclass(frozen=True, slots=True)
class Table:
    title: str
    headers: list[str]
    kinds: list[Kind]
    rows: list[list[object]]  # raw values (minutes, floats, codes, None, Typed); formatting.cell shows them

    def cells(self) -> list[list[tuple[Kind, object]]]:
        """Every cell as (kind, raw value), a Typed value's own kind winning over its column's."""
        return [
            [
                (v.kind, v.value) if isinstance(v, Typed) else (k, v)
                for k, v in zip(self.kinds, row, strict=True)
            ]
            for row in self.rows
        ]


def items(title: str, rows: Sequence[Sequence[object]], headers: Sequence[str] = ("Item", "Value")) -> Table:
    """A sheet of labelled values (summary, distribution, method): text columns whose values carry
    their own kind (``Typed``)."""
    return Table(title, list(headers), [Kind.TEXT] * len(headers), [list(row) for row in rows])


def build(title: str, columns: Sequence[Column[R]], items: Sequence[R]) -> Table:
    return Table(
        title,
        [c.header for c in columns],
        [c.kind for c in columns],
        [[c.value(item) for c in columns] for item in items],
    )


def _category(name: str) -> Callable[[FacultyRow], object]:
    return lambda r: r.current.category(name)


def faculty(report: ChairReport) -> Table:
    tz = ZoneInfo(report.timezone)
    window, basis = report.window, report.fte_basis_hours

    def fte(r: FacultyRow) -> float | None:
        return None if r.minutes is None else fte_equivalent(r.minutes, window, basis)

    def data_through(r: FacultyRow) -> str:
        known = r.current.coverage.data_through
        return "" if known is None else through(min(known, report.data_through), tz)

    columns: list[Column[FacultyRow]] = [
        Column("Name", Kind.TEXT, lambda r: r.name),
        Column("E-mail", Kind.TEXT, lambda r: r.email),
        Column("Rank", Kind.LABEL, lambda r: r.rank),
        Column("Calendar", Kind.TEXT, lambda r: sync_text(r.sync, tz)),
        Column("Data", Kind.TEXT, lambda r: coverage_note(r.current.coverage, tz) or "full period"),
        Column("Data through", Kind.TEXT, data_through),
        Column("Hours", Kind.HOURS, lambda r: r.minutes),
        Column("Minutes", Kind.MINUTES, lambda r: r.minutes),
        Column("Group hours", Kind.HOURS, _category("group")),
        Column("Mentee hours", Kind.HOURS, _category("mentee")),
        Column("Tag hours", Kind.HOURS, _category("tag")),
        Column("Scheduled hours (not counted)", Kind.HOURS, lambda r: r.current.scheduled_minutes),
        *review_columns(lambda r: r.current),
        Column("Active mentees", Kind.COUNT, lambda r: r.active_mentees),
        Column("Groups", Kind.COUNT, lambda r: r.groups),
        Column("Credit allotted (hours)", Kind.HOURS, lambda r: r.allotted_minutes),
        Column("Credited hours", Kind.HOURS, lambda r: r.credited_minutes),
        Column("Uncredited hours", Kind.HOURS, lambda r: r.uncredited_minutes),
        Column("Stipend", Kind.MONEY, lambda r: r.stipend),
        Column("Previous period hours", Kind.HOURS, lambda r: r.previous_minutes),
        Column("Previous period minutes", Kind.MINUTES, lambda r: r.previous_minutes),
        Column("Change (hours)", Kind.CHANGE, lambda r: r.change_minutes),
        Column("FTE equivalent", Kind.FTE, fte),
        Column("FTE basis (hours per year)", Kind.COUNT, lambda r: basis),
        Column("In distribution", Kind.TEXT, lambda r: "yes" if r.in_distribution else "no"),
        Column("Review for credit", Kind.TEXT, lambda r: "yes" if r.review_for_credit else "no"),
    ]
    return build("Faculty", columns, report.rows)


def review_columns(period: Callable[[R], PeriodHours]) -> list[Column[R]]:
    """The review shares (issue 12 item 6) of a row's hours: confirmed by the mentor, attested by
    mentees, added by hand, and the attested mentee-category hours themselves."""

    def known(value: Callable[[PeriodHours], object]) -> Callable[[R], object]:
        return lambda row: value(period(row)) if period(row).has_data else None

    return [
        Column("Confirmed by mentor (share)", Kind.SHARE, known(lambda p: p.confirmed_share)),
        Column("Attested by mentees (share)", Kind.SHARE, known(lambda p: p.attested_share)),
        Column("Added by hand (share)", Kind.SHARE, known(lambda p: p.manual_share)),
        Column("Mentee hours attested", Kind.HOURS, known(lambda p: p.attested_minutes)),
    ]


def months(rows: Sequence[MonthRow], *, people: bool = True) -> Table:
    def minutes(m: MonthRow) -> object:
        return m.minutes if m.begun else Typed(Kind.TEXT, NOT_YET)

    columns: list[Column[MonthRow]] = [
        Column("Month", Kind.TEXT, lambda m: m.label),
        Column("Hours", Kind.HOURS, minutes),
        Column("Minutes", Kind.MINUTES, minutes),
    ]
    if people:
        columns.append(Column("People with data", Kind.COUNT, lambda m: m.people_with_data))
    columns.append(Column("Scheduled hours (not counted)", Kind.HOURS, lambda m: m.scheduled_minutes))
    return build("Hours per month", columns, rows)


def departments(reports: Sequence[ChairReport]) -> Table:
    """The school roll-up: one row per department, every figure made as in its chair report."""

    def dist(attr: str) -> Callable[[ChairReport], object]:
        return lambda r: getattr(r.distribution, attr) if r.distribution else None

    columns: list[Column[ChairReport]] = [
        Column("Department", Kind.TEXT, lambda r: r.department),
        Column("People", Kind.COUNT, lambda r: r.totals.people),
        Column("Connected", Kind.COUNT, lambda r: r.totals.by_status["connected"]),
        Column("Failing", Kind.COUNT, lambda r: r.totals.by_status["failing"]),
        Column("Never synced", Kind.COUNT, lambda r: r.totals.by_status["never synced"]),
        Column("Not connected", Kind.COUNT, lambda r: r.totals.by_status["not connected"]),
        Column("People with data", Kind.COUNT, lambda r: r.totals.with_data),
        Column("Partial data", Kind.COUNT, lambda r: r.totals.partial),
        Column("Mentors with data", Kind.COUNT, lambda r: r.totals.mentors),
        Column("Mentors in distribution", Kind.COUNT, lambda r: r.totals.compared),
        Column("Hours", Kind.HOURS, lambda r: r.totals.minutes),
        Column("Minutes", Kind.MINUTES, lambda r: r.totals.minutes),
        Column("FTE equivalent", Kind.FTE, lambda r: r.totals.fte_equivalent),
        Column("Credited hours", Kind.HOURS, lambda r: r.totals.credited_minutes),
        Column("Uncredited hours", Kind.HOURS, lambda r: r.totals.uncredited_minutes),
        Column("Stipend", Kind.MONEY, lambda r: r.totals.stipend),
        Column("Scheduled hours (not counted)", Kind.HOURS, lambda r: r.totals.scheduled_minutes),
        Column(
            "Confirmed by mentors (share)", Kind.SHARE, lambda r: r.totals.share(r.totals.confirmed_minutes)
        ),
        Column(
            "Attested by mentees (share)", Kind.SHARE, lambda r: r.totals.share(r.totals.attested_minutes)
        ),
        Column("Added by hand (share)", Kind.SHARE, lambda r: r.totals.share(r.totals.manual_minutes)),
        Column("Mentee hours attested", Kind.HOURS, lambda r: r.totals.attested_minutes),
        Column("Change (hours)", Kind.CHANGE, lambda r: r.totals.change_minutes),
        Column("Median hours", Kind.HOURS_VALUE, dist("median_hours")),
        Column("90th percentile hours", Kind.HOURS_VALUE, dist("p90_hours")),
        Column("Gini coefficient", Kind.RATIO, dist("gini")),
        Column("Top 10% share", Kind.SHARE, dist("top10_share")),
        Column("Flagged for credit review", Kind.COUNT, lambda r: r.totals.flagged),
        Column("Note", Kind.TEXT, lambda r: r.distribution_note or ""),
    ]
    return build("Departments", columns, reports)


def equity(report: ChairReport) -> Table:
    rows: list[list[object]] = []
    for table in report.equity or []:
        for c in table.cells:
            if c.suppressed:
                rows.append([table.title, c.label, "suppressed", "suppressed", "suppressed", c.reason])
            else:
                rows.append([table.title, c.label, c.people, c.minutes, c.uncredited_minutes, ""])
    kinds = [Kind.TEXT, Kind.TEXT, Kind.COUNT, Kind.HOURS, Kind.HOURS, Kind.TEXT]
    headers = ["Question (self-reported)", "Answer", "People", "Hours", "Uncredited hours", "Note"]
    return Table("Equity", headers, kinds, rows)


def school_summary(report: SchoolReport) -> Table:
    tz = ZoneInfo(report.timezone)
    return items(
        "Summary",
        [
            ["Institution", report.institution],
            ["Period start", Typed(Kind.DATE, report.window.start)],
            ["Period end", Typed(Kind.DATE, report.window.end)],
            ["Data through", through(report.data_through, tz)],
            ["As of", through(report.as_of, tz)],
            ["Departments", Typed(Kind.COUNT, len(report.departments))],
            ["People", Typed(Kind.COUNT, sum(d.totals.people for d in report.departments))],
            ["People with data", Typed(Kind.COUNT, sum(d.totals.with_data for d in report.departments))],
            ["Hours", Typed(Kind.HOURS, report.minutes)],
            ["FTE equivalent", Typed(Kind.FTE, report.fte_equivalent)],
            ["FTE basis (hours per 1.0 FTE per year)", Typed(Kind.COUNT, report.fte_basis_hours)],
            ["Generated (UTC)", report.generated_at.strftime("%Y-%m-%d %H:%M")],
        ],
    )


def school_faculty(report: SchoolReport) -> Table:
    """Every person of every department, with the department's faculty columns."""
    parts = [faculty(d) for d in report.departments]
    if not parts:
        return Table("Faculty", ["Department"], [Kind.TEXT], [])
    first = parts[0]
    rows = [
        [d.department, *row] for d, part in zip(report.departments, parts, strict=True) for row in part.rows
    ]
    return Table("Faculty", ["Department", *first.headers], [Kind.TEXT, *first.kinds], rows)
