"""The chair report as an XLSX workbook: Summary, Faculty, Distribution, (Equity,) Method sheets.

Cells hold numbers, not text, so a faculty-affairs office can sort, sum and chart them; minutes are
kept beside hours so nothing is lost to rounding.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from mentorledger.reports.chair_data import ChairReport
from mentorledger.reports.render_csv import COLUMNS, faculty_values

_HEADER = Font(bold=True)
_FILL = PatternFill("solid", fgColor="E8EFF4")
_FLAG = PatternFill("solid", fgColor="FBE3C4")


def _sheet(
    workbook: Workbook, title: str, header: list[str], rows: list[list[Any]], first: bool = False
) -> Any:
    sheet = workbook.active if first else workbook.create_sheet()
    sheet.title = title
    sheet.append(header)
    for cell in sheet[1]:
        cell.font, cell.fill = _HEADER, _FILL
    for row in rows:
        sheet.append(row)
    for i, name in enumerate(header, start=1):
        width = max([len(str(name))] + [len(str(r[i - 1])) for r in rows if i - 1 < len(r)])
        sheet.column_dimensions[get_column_letter(i)].width = min(60, width + 2)
    sheet.freeze_panes = "A2"
    return sheet


def chair_xlsx(report: ChairReport, path: Path) -> Path:
    t, d, basis = report.totals, report.distribution, report.fte_basis_hours
    workbook = Workbook()
    _sheet(
        workbook,
        "Summary",
        ["item", "value"],
        [
            ["institution", report.institution],
            ["department", report.department],
            ["period start", report.window.start],
            ["period end", report.window.end],
            ["previous period start", report.previous.start],
            ["previous period end", report.previous.end],
            ["FTE basis (hours per 1.0 FTE per year)", basis],
            ["mentors", t.mentors],
            ["minutes", t.minutes],
            ["hours", t.minutes / 60],
            ["group minutes", t.by_category["group"]],
            ["mentee minutes", t.by_category["mentee"]],
            ["tag minutes", t.by_category["tag"]],
            ["FTE equivalent", t.fte_equivalent],
            ["allotted credit minutes", t.allotted_minutes],
            ["credited minutes", t.credited_minutes],
            ["uncredited minutes", t.uncredited_minutes],
            ["stipend", t.stipend],
            ["previous period minutes", t.previous_minutes],
            ["flagged for credit review", t.flagged],
            ["generated (UTC)", report.generated_at.strftime("%Y-%m-%d %H:%M")],
        ],
        first=True,
    )
    faculty = _sheet(
        workbook,
        "Faculty",
        COLUMNS,
        [faculty_values(report, r) for r in report.rows],
    )
    for row in faculty.iter_rows(min_row=2):
        row[4].number_format = "0.00"
        row[16].number_format = "0.0000"
        if row[-1].value == "yes":
            for cell in row:
                cell.fill = _FLAG
    _sheet(
        workbook,
        "Distribution",
        ["statistic", "value", "method"],
        [
            ["median hours", d.median_hours, report.methods["percentile"]],
            ["90th percentile hours", d.p90_hours, report.methods["percentile"]],
            ["Gini coefficient", d.gini, report.methods["gini"]],
            ["top 10% share of hours", d.top10_share, report.methods["top10"]],
            ["top 10% mentors (count)", d.top10_count, ""],
            [
                "90th percentile uncredited hours (flag threshold)",
                d.p90_uncredited_hours,
                report.methods["flag"],
            ],
        ],
    )
    _sheet(
        workbook,
        "Lorenz",
        ["share of mentors (fewest hours first)", "share of hours"],
        [[x, y] for x, y in d.lorenz],
    )
    if report.equity is not None:
        _sheet(
            workbook,
            "Equity",
            ["question (self-reported)", "answer", "people", "minutes", "uncredited minutes", "note"],
            [
                [
                    table.title,
                    cell.label,
                    *(
                        ["suppressed", "suppressed", "suppressed", cell.reason]
                        if cell.suppressed
                        else [cell.people, cell.minutes, cell.uncredited_minutes, ""]
                    ),
                ]
                for table in report.equity
                for cell in table.cells
            ],
        )
    method = _sheet(workbook, "Method", ["topic", "how"], [[k, v] for k, v in report.methods.items()])
    for row in method.iter_rows(min_row=2):
        row[1].alignment = Alignment(wrap_text=True)
    workbook.save(path)
    return path
