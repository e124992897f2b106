"""The chair and school reports as XLSX workbooks, one sheet per table of ``tables``.

Cells hold numbers rounded as every other format shows them (hours to 0.1, FTE to 0.001) with a
matching number format, so a faculty-affairs office can sort, sum and chart them; codes are words;
"no data" is text (a SUM never counts it as 0). Every sheet has a bold, frozen header row, a filter
and columns wide enough for their contents.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from mentorledger.reports import tables
from mentorledger.reports.chair_data import ChairReport, Totals
from mentorledger.reports.formatting import NUMBER_FORMATS, Kind, cell, csv_text, through
from mentorledger.reports.school_data import SchoolReport
from mentorledger.reports.tables import Table, Typed

_HEADER = Font(bold=True)
_FILL = PatternFill("solid", fgColor="E8EFF4")
_FLAG = PatternFill("solid", fgColor="FBE3C4")
_RIGHT = Alignment(horizontal="right")
MAX_WIDTH = 60


def write_table(workbook: Workbook, table: Table, *, first: bool = False) -> Any:
    sheet = workbook.active if first else workbook.create_sheet()
    sheet.title = table.title[:31]
    sheet.append(table.headers)
    for header in sheet[1]:
        header.font, header.fill = _HEADER, _FILL
        header.alignment = Alignment(wrap_text=True, vertical="top")
    widths = [len(h) for h in table.headers]
    for number, row in enumerate(table.cells(), start=2):
        sheet.append([cell(kind, value) for kind, value in row])
        for i, (kind, value) in enumerate(row):
            if kind in NUMBER_FORMATS:
                # One cell by its coordinates: sheet[n] measures the whole sheet on every call.
                target = sheet.cell(row=number, column=i + 1)
                if isinstance(target.value, str):
                    target.alignment = _RIGHT  # "no data" lines up with the numbers of its column
                else:
                    target.number_format = NUMBER_FORMATS[kind]
            widths[i] = max(widths[i], len(csv_text(kind, value)))
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = min(MAX_WIDTH, width + 2)
    sheet.freeze_panes = "A2"
    last = get_column_letter(len(table.headers))
    sheet.auto_filter.ref = f"A1:{last}{max(1, sheet.max_row)}"
    # Printed: landscape, one page wide, the header row repeated on every page.
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"
    return sheet


def _wrap(sheet: Any, column: int) -> None:
    """Long text (methods, notes) wraps in its column instead of running off the page."""
    for row in sheet.iter_rows(min_row=2):
        if column < len(row):
            row[column].alignment = Alignment(wrap_text=True, vertical="top")


def chair_summary(report: ChairReport) -> Table:
    t, tz = report.totals, ZoneInfo(report.timezone)
    return tables.items(
        "Summary",
        [
            ["Institution", report.institution],
            ["Department", report.department],
            ["Period start", Typed(Kind.DATE, report.window.start)],
            ["Period end", Typed(Kind.DATE, report.window.end)],
            ["Data through", through(report.data_through, tz)],
            ["As of", through(report.as_of, tz)],
            ["Previous period start", Typed(Kind.DATE, report.previous.start)],
            ["Previous period end", Typed(Kind.DATE, report.previous.end)],
            ["FTE basis (hours per 1.0 FTE per year)", Typed(Kind.COUNT, report.fte_basis_hours)],
            ["People", Typed(Kind.COUNT, t.people)],
            *[[f"Calendars: {status}", Typed(Kind.COUNT, n)] for status, n in t.by_status.items()],
            ["People with data", Typed(Kind.COUNT, t.with_data)],
            ["People with partial data", Typed(Kind.COUNT, t.partial)],
            ["Mentors with data", Typed(Kind.COUNT, t.mentors)],
            ["Mentors in the distribution", Typed(Kind.COUNT, t.compared)],
            ["Hours", Typed(Kind.HOURS, t.minutes)],
            ["Minutes", Typed(Kind.MINUTES, t.minutes)],
            ["Group hours", Typed(Kind.HOURS, t.by_category["group"])],
            ["Mentee hours", Typed(Kind.HOURS, t.by_category["mentee"])],
            ["Tag hours", Typed(Kind.HOURS, t.by_category["tag"])],
            ["FTE equivalent", Typed(Kind.FTE, t.fte_equivalent)],
            ["Credit allotted (hours)", Typed(Kind.HOURS, t.allotted_minutes)],
            ["Credited hours", Typed(Kind.HOURS, t.credited_minutes)],
            ["Uncredited hours", Typed(Kind.HOURS, t.uncredited_minutes)],
            ["Stipend", Typed(Kind.MONEY, t.stipend)],
            ["Scheduled hours (not counted)", Typed(Kind.HOURS, t.scheduled_minutes)],
            *_shares(t),
            ["Previous period hours (people with data in both)", Typed(Kind.HOURS, t.previous_minutes)],
            ["Change (hours)", Typed(Kind.CHANGE, t.change_minutes)],
            [
                "Flagged for credit review",
                Typed(Kind.COUNT, t.flagged) if t.flagged is not None else "left out",
            ],
            ["Generated (UTC)", report.generated_at.strftime("%Y-%m-%d %H:%M")],
        ],
    )


def _shares(t: Totals) -> list[list[object]]:
    """The review shares of the department's hours (blank without hours)."""
    return [
        ["Confirmed by mentors (share of hours)", Typed(Kind.SHARE, t.share(t.confirmed_minutes))],
        ["Attested by mentees (share of hours)", Typed(Kind.SHARE, t.share(t.attested_minutes))],
        ["Added by hand (share of hours)", Typed(Kind.SHARE, t.share(t.manual_minutes))],
        ["Mentee hours attested by mentees", Typed(Kind.HOURS, t.attested_minutes)],
    ]


def distribution(report: ChairReport) -> Table:
    d, m = report.distribution, report.methods
    if d is None:
        return tables.items(
            "Distribution", [["Left out", report.distribution_note or ""]], ("Statistic", "Why")
        )
    return tables.items(
        "Distribution",
        [
            ["Median hours", Typed(Kind.HOURS_VALUE, d.median_hours), m["percentile"]],
            ["90th percentile hours", Typed(Kind.HOURS_VALUE, d.p90_hours), m["percentile"]],
            ["Gini coefficient", Typed(Kind.RATIO, d.gini), m["gini"]],
            ["Top 10% share of hours", Typed(Kind.SHARE, d.top10_share), m["top10"]],
            ["Top 10% mentors (count)", Typed(Kind.COUNT, d.top10_count), ""],
            [
                "90th percentile uncredited hours (flag threshold)",
                Typed(Kind.HOURS_VALUE, d.p90_uncredited_hours),
                m["flag"],
            ],
        ],
        headers=("Statistic", "Value", "Method"),
    )


def chair_xlsx(report: ChairReport, path: Path) -> Path:
    workbook = Workbook()
    write_table(workbook, chair_summary(report), first=True)
    faculty = write_table(workbook, tables.faculty(report))
    for row in faculty.iter_rows(min_row=2):
        if row[-1].value == "yes":
            for item in row:
                item.fill = _FLAG
    write_table(workbook, tables.months(report.months))
    _wrap(write_table(workbook, distribution(report)), 1 if report.distribution is None else 2)
    if report.distribution is not None:
        lorenz = [[Typed(Kind.RATIO, x), Typed(Kind.RATIO, y)] for x, y in report.distribution.lorenz]
        write_table(
            workbook,
            tables.items(
                "Lorenz", lorenz, headers=("Share of mentors (fewest hours first)", "Share of hours")
            ),
        )
    if report.equity is not None:
        write_table(workbook, tables.equity(report))
    _methods(workbook, report.methods)
    workbook.save(path)
    return path


def _methods(workbook: Workbook, methods: dict[str, str]) -> None:
    table = tables.items("Method", [[k, v] for k, v in methods.items()], ("Topic", "How"))
    _wrap(write_table(workbook, table), 1)


def school_xlsx(report: SchoolReport, path: Path) -> Path:
    workbook = Workbook()
    write_table(workbook, tables.school_summary(report), first=True)
    departments = tables.departments(report.departments)
    _wrap(write_table(workbook, departments), departments.headers.index("Note"))
    write_table(workbook, tables.school_faculty(report))
    _methods(workbook, report.methods)
    workbook.save(path)
    return path
