"""Every number in every chair format is the one computation's, cross-checked with `hours --format json`;
and nothing a chair must not see is in any of them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from pathlib import Path

import pytest

from mentorledger.reports.chair_data import ChairReport, build_chair_report
from mentorledger.reports.outputs import write_chair
from mentorledger.reports.render_html import chair_html
from mentorledger.store.ledger import Ledger
from tests.clirunner import run_cli
from tests.reports.department import GENDER, HIDDEN_MENTEES, NAMED_MENTEE, SECRET_TITLES, Department, email
from tests.reports.outputs import all_text, csv_rows, html_cells, pdf_text, xlsx_sheets

START, END = dt.date(2025, 7, 1), dt.date(2026, 6, 30)
ZERO = {"minutes": 0, "by_category": {"group": 0, "mentee": 0, "tag": 0}}


def h(minutes: int) -> str:
    return f"{minutes / 60:.1f}"


@pytest.fixture
def report(department: Department, ledger: Ledger) -> ChairReport:
    return build_chair_report(department.config, ledger, "Pediatrics", start=START, end=END)


@pytest.fixture
def hours(
    department: Department,
    database_url: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
):
    """`mentorledger hours --format json` for a period: the reference every format is checked against."""
    monkeypatch.setenv("MENTORLEDGER_DATABASE_URL", database_url)

    def read(start: str, end: str) -> dict[str, dict]:
        result = run_cli(
            capsys,
            "hours",
            "--config",
            str(department.config_path),
            "--from",
            start,
            "--to",
            end,
            "--format",
            "json",
        )
        assert result.code == 0, result.stderr
        return {m["email"]: m for m in json.loads(result.stdout)["mentors"]}

    return read


def pediatrics(report: ChairReport) -> list[str]:
    return [r.email for r in report.rows]


def with_data(report: ChairReport) -> list[str]:
    return [r.email for r in report.rows if r.minutes is not None]


def test_html_numbers_equal_the_hours_command(report: ChairReport, hours, tmp_path: Path) -> None:
    now, before = hours("2025-07-01", "2026-06-30"), hours("2024-07-01", "2025-06-30")
    cells = html_cells(write_chair(report, ["html"], tmp_path)["html"])
    assert set(cells.rows) == set(pediatrics(report))
    for person in set(pediatrics(report)) - set(with_data(report)):
        assert (cells.rows[person]["hours"], cells.rows[person]["calendar"]) == ("no data", "not connected")
        assert cells.rows[person]["change_hours"] == ""
    for mentor in with_data(report):
        row, ref = cells.rows[mentor], now.get(mentor, ZERO)
        assert row["hours"] == h(ref["minutes"])
        for category in ("group", "mentee", "tag"):
            assert row[f"{category}_hours"] == h(ref["by_category"][category])
        assert row["previous_hours"] == h(before.get(mentor, ZERO)["minutes"])
    total = sum(now[m]["minutes"] for m in pediatrics(report) if m in now)
    assert cells.keys["total_hours"] == [h(total)]
    assert cells.keys["fte_basis_hours"] == ["2080"]


def test_xlsx_numbers_equal_the_hours_command(report: ChairReport, hours, tmp_path: Path) -> None:
    now = hours("2025-07-01", "2026-06-30")
    sheets = xlsx_sheets(write_chair(report, ["xlsx"], tmp_path)["xlsx"])
    header, *rows = sheets["Faculty"]
    faculty = {row[header.index("E-mail")]: dict(zip(header, row, strict=True)) for row in rows}
    assert set(faculty) == set(pediatrics(report))
    for mentor, row in faculty.items():
        if mentor not in with_data(report):
            assert (row["Hours"], row["Minutes"], row["Change (hours)"]) == ("no data", "no data", None)
            continue
        ref = now.get(mentor, ZERO)
        assert row["Minutes"] == ref["minutes"]
        assert row["Hours"] == round(ref["minutes"] / 60, 1)
        assert [row["Group hours"], row["Mentee hours"], row["Tag hours"]] == [
            round(ref["by_category"][c] / 60, 1) for c in ("group", "mentee", "tag")
        ]
        assert row["FTE basis (hours per year)"] == 2080
    summary = dict(sheets["Summary"][1:])
    assert summary["Minutes"] == sum(now[m]["minutes"] for m in faculty if m in now)
    assert summary["FTE basis (hours per 1.0 FTE per year)"] == 2080
    assert "Equity" in sheets
    assert sheets["Lorenz"][-1] == [1.0, 1.0]
    assert report.distribution is not None
    gini = {r[0]: r[1] for r in sheets["Distribution"][1:]}["Gini coefficient"]
    assert gini == round(report.distribution.gini, 3)


def test_csv_numbers_equal_the_hours_command(report: ChairReport, hours, tmp_path: Path) -> None:
    now, before = hours("2025-07-01", "2026-06-30"), hours("2024-07-01", "2025-06-30")
    rows = csv_rows(write_chair(report, ["csv"], tmp_path)["csv"])
    assert [r["E-mail"] for r in rows] == pediatrics(report)
    for row in rows:
        if row["E-mail"] not in with_data(report):
            assert (row["Hours"], row["Previous period hours"], row["Change (hours)"]) == (
                "no data",
                "no data",
                "",
            )
            continue
        ref = now.get(row["E-mail"], ZERO)
        previous = before.get(row["E-mail"], ZERO)["minutes"]
        assert int(row["Minutes"]) == ref["minutes"]
        assert row["Mentee hours"] == h(ref["by_category"]["mentee"])
        assert int(row["Previous period minutes"]) == previous
        change = (ref["minutes"] - previous) / 60
        assert row["Change (hours)"] == (f"{change:+.1f}" if change else "0.0")
        assert row["FTE basis (hours per year)"] == "2080"


def test_pdf_shows_the_same_numbers_as_the_html(report: ChairReport, hours, tmp_path: Path) -> None:
    now = hours("2025-07-01", "2026-06-30")
    files = write_chair(report, ["html", "pdf"], tmp_path)
    assert files["pdf"].read_bytes().startswith(b"%PDF")
    text = pdf_text(files["pdf"])
    for row in report.rows:
        # the faculty table's line of the person starts with the name (a note may name them, later in a line)
        line = next(line for line in text.splitlines() if line.lstrip().startswith(row.name.split()[0]))
        if row.minutes is None:
            assert "no" in line.split(), line  # "no data", wrapped in its narrow column
        else:
            assert h(now.get(row.email, ZERO)["minutes"]) in line.split()
    assert "FTE basis 2080 hours per 1.0 FTE per year" in " ".join(text.split())


def test_html_is_self_contained_and_escapes_names(report: ChairReport) -> None:
    tricky = dataclasses.replace(
        report, rows=[dataclasses.replace(report.rows[0], name="Ana <b>Ruiz</b> & Co")]
    )
    page = chair_html(tricky)
    assert "Ana &lt;b&gt;Ruiz&lt;/b&gt; &amp; Co" in page
    assert "<b>Ruiz</b>" not in page
    # nothing to fetch: every src is inline data, no stylesheet links or scripts
    assert all(src.startswith("data:image/png;base64,") for src in re.findall(r'src="([^"]*)"', page))
    assert "<link" not in page
    assert "<script" not in page


def test_no_titles_mentee_names_or_demographic_labels_reach_the_chair(
    report: ChairReport, tmp_path: Path
) -> None:
    files = write_chair(report, ["html", "xlsx", "csv"], tmp_path)
    texts = {fmt: all_text(path) for fmt, path in files.items()}
    forbidden = [
        *SECRET_TITLES,
        "PRIVATE-DESCRIPTION",
        *HIDDEN_MENTEES,
        NAMED_MENTEE,
        "Resident 0",
        "res0",
        "nonbinary",
    ]
    for fmt, text in texts.items():
        for word in forbidden:
            assert word not in text, f"{word!r} leaked into the {fmt} report"
    # no demographic value on a named row, in any format
    labels = set(GENDER.values()) | {"yes", "no"}
    for mentor, row in html_cells(files["html"]).rows.items():
        assert not labels & set(row.values()), mentor
    for row in csv_rows(files["csv"]):
        assert not {"gender", "urim", "race_ethnicity"} & {k.casefold() for k in row}
        assert not labels & (set(row.values()) - {row["Review for credit"], row["In distribution"]})
    header, *rows = xlsx_sheets(files["xlsx"])["Faculty"]
    for row in rows:
        assert not labels & {str(c) for c in row[: header.index("In distribution")]}


def test_the_pdf_leaks_nothing_either(report: ChairReport, tmp_path: Path) -> None:
    text = pdf_text(write_chair(report, ["pdf"], tmp_path)["pdf"])
    for word in [*SECRET_TITLES, *HIDDEN_MENTEES, NAMED_MENTEE, "nonbinary", email("sam"), "Sam Surgeon"]:
        assert word not in text


def test_a_period_never_synced_reads_no_data_in_every_format_not_zero(
    department: Department, ledger: Ledger, tmp_path: Path
) -> None:
    # Before v2 this report read 0.0 hours for everyone: the calendars were never synced for 2020.
    empty = build_chair_report(
        department.config, ledger, "Pediatrics", start=dt.date(2020, 1, 1), end=dt.date(2020, 12, 31)
    )
    assert {r.minutes for r in empty.rows} == {None}
    assert (empty.totals.with_data, empty.totals.minutes, empty.distribution) == (0, 0, None)
    assert empty.distribution_note is not None
    assert "at least 5 mentors" in empty.distribution_note
    files = write_chair(empty, ["html", "pdf", "xlsx", "csv"], tmp_path)
    cells = html_cells(files["html"])
    assert {row["hours"] for row in cells.rows.values()} == {"no data"}
    assert {r["Hours"] for r in csv_rows(files["csv"])} == {"no data"}
    header, *rows = xlsx_sheets(files["xlsx"])["Faculty"]
    assert {row[header.index("Hours")] for row in rows} == {"no data"}
    assert "no data" in pdf_text(files["pdf"])
