"""Clean files: spreadsheet cells rounded and number-formatted, readable labels, frozen and filtered
headers, wide-enough columns; the CSV holds exactly the spreadsheet's values; one rounding rule in
every format; and no chart legend ever covers data, a title or a label."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from matplotlib.figure import Figure
from openpyxl import load_workbook

from mentorledger.reports import charts, formatting
from mentorledger.reports.chair_data import ChairReport, build_chair_report
from mentorledger.reports.outputs import write_chair
from mentorledger.reports.render_html import months_figure
from mentorledger.reports.stats import lorenz
from tests.reports.case_school import AS_OF, Case
from tests.reports.outputs import csv_rows, html_cells

RANK_WORDS = {"Assistant professor", "Associate professor", "Instructor", "Professor"}


def test_hours_round_half_up_from_exact_minutes_in_every_format(
    cardiology: ChairReport, tmp_path: Path
) -> None:
    # 351 minutes are 5.85 hours: 5.9, although the float 351 / 60 prints as 5.8 with Python's round()
    assert (formatting.hours(351), formatting.hours_value(351)) == ("5.9", 5.9)
    assert round(351 / 60, 1) == 5.8
    ana = next(r for r in cardiology.rows if r.email == "ana@case.example.edu")
    odd = dataclasses.replace(ana, current=dataclasses.replace(ana.current, minutes=351))
    report = dataclasses.replace(cardiology, rows=[odd, *cardiology.rows[1:]])
    files = write_chair(report, ["html", "csv", "xlsx"], tmp_path)
    assert html_cells(files["html"]).rows[ana.email]["hours"] == "5.9"
    assert csv_rows(files["csv"])[0]["Hours"] == "5.9"
    sheet = load_workbook(files["xlsx"])["Faculty"]
    row = dict(zip([c.value for c in sheet[1]], [c.value for c in sheet[2]], strict=True))
    assert (row["Hours"], row["Minutes"]) == (5.9, 351)


def test_the_faculty_sheet_is_rounded_formatted_labelled_frozen_and_filtered(
    case: Case, tmp_path: Path
) -> None:
    medicine = build_chair_report(case.config, case.ledger, "Medicine", as_of=AS_OF)
    path = write_chair(medicine, ["xlsx"], tmp_path)["xlsx"]
    sheet = load_workbook(path)["Faculty"]
    header = [c.value for c in sheet[1]]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(header)).column_letter}{1 + 40}"
    assert all(c.font.bold for c in sheet[1])
    column = {name: i for i, name in enumerate(header)}
    for row in sheet.iter_rows(min_row=2):
        hours, minutes, fte = row[column["Hours"]], row[column["Minutes"]], row[column["FTE equivalent"]]
        assert (hours.number_format, minutes.number_format, fte.number_format) == ("0.0", "0", "0.000")
        assert hours.value == round(hours.value, 1)
        assert hours.value == formatting.hours_value(minutes.value)
        assert fte.value == round(fte.value, 3)
        assert len(str(fte.value)) <= 5  # 0.019, never 0.019230769230769232
        assert row[column["Rank"]].value in RANK_WORDS
    for i, name in enumerate(header, start=1):
        width = sheet.column_dimensions[sheet.cell(1, i).column_letter].width
        longest = max(len(str(c.value)) for c in next(sheet.iter_cols(min_col=i, max_col=i)))
        assert width >= min(longest, 60), name
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage


def test_every_sheet_has_a_frozen_filtered_header(cardiology: ChairReport, tmp_path: Path) -> None:
    workbook = load_workbook(write_chair(cardiology, ["xlsx"], tmp_path)["xlsx"])
    assert workbook.sheetnames == ["Summary", "Faculty", "Hours per month", "Distribution", "Method"]
    for sheet in workbook.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.auto_filter.ref is not None, sheet.title
    summary = {row[0].value: row[1] for row in workbook["Summary"].iter_rows(min_row=2)}
    assert (summary["Hours"].value, summary["Hours"].number_format) == (7.0, "0.0")
    assert summary["Change (hours)"].value is None  # no data in the previous period: blank, not 0
    assert summary["Data through"].value == "2026-03-01"


def test_the_csv_holds_the_spreadsheets_values(cardiology: ChairReport, tmp_path: Path) -> None:
    files = write_chair(cardiology, ["csv", "xlsx"], tmp_path)
    sheet = load_workbook(files["xlsx"])["Faculty"]
    header = [c.value for c in sheet[1]]
    rows = csv_rows(files["csv"])
    assert list(rows[0]) == header
    for csv_row, xlsx_row in zip(rows, sheet.iter_rows(min_row=2, values_only=True), strict=True):
        for name, value in zip(header, xlsx_row, strict=True):
            text = csv_row[name]
            if isinstance(value, bool) or not isinstance(value, int | float):
                assert text == ("" if value is None else str(value)), name
            elif text.endswith("%"):  # a share: the sheet holds 0.425 formatted 0.0%, the CSV "42.5%"
                assert round(float(text[:-1]) / 100, 3) == value, name
            else:  # the same number, written at the precision the sheet shows
                assert float(text.lstrip("+")) == value, name


def legend_clashes(figure: Figure) -> list[str]:
    """What the legend's box overlaps: the plotting area (all the data), the title, any tick label."""
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    axes = figure.axes[0]
    legend = axes.get_legend().get_window_extent(renderer)
    boxes = {"plot area": axes.get_window_extent(renderer), "title": axes.title.get_window_extent(renderer)}
    for label in [*axes.get_xticklabels(), *axes.get_yticklabels()]:
        if label.get_text():
            boxes[f"tick {label.get_text()}"] = label.get_window_extent(renderer)
    return [name for name, box in boxes.items() if legend.overlaps(box)]


@pytest.mark.parametrize("mentors", [1, 2, 12, 40, 60])
def test_the_bar_chart_legend_never_covers_data(mentors: int) -> None:
    names = [f"Mentor with a long name {i}" for i in range(mentors)]
    figure = charts.figure_mentor_bars(names, [2.0] * mentors, [float(mentors - i) for i in range(mentors)])
    assert legend_clashes(figure) == []


def test_the_lorenz_and_month_legends_never_cover_data(case: Case, cardiology: ChairReport) -> None:
    medicine = build_chair_report(case.config, case.ledger, "Medicine", as_of=AS_OF)
    assert medicine.distribution is not None
    assert (
        legend_clashes(charts.figure_lorenz(medicine.distribution.lorenz, medicine.distribution.gini)) == []
    )
    assert legend_clashes(charts.figure_lorenz(lorenz([0.0, 0.0, 5.0, 9.0, 40.0]), 0.6)) == []
    assert legend_clashes(months_figure(cardiology.months, "Mentoring hours per month, Cardiology")) == []
    assert legend_clashes(months_figure(medicine.months, "Mentoring hours per month, Medicine")) == []
