"""The coverage case (tests/data/cases/coverage, stories and hand counts in its expected.yaml), reported
as of 2026-03-01: every number of `hours`, the chair reports, the school roll-up and the dossier
against the hand count, and the same numbers in every file format."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from mentorledger.reports.chair_data import ChairReport, build_chair_report
from mentorledger.reports.dossier_data import build_dossier
from mentorledger.reports.formatting import coverage_note, sync_text
from mentorledger.reports.outputs import write_chair, write_dossier, write_school
from mentorledger.reports.school_data import build_school_report
from tests.clirunner import run_cli
from tests.reports.case_school import AS_OF, EXPECTED, TZ, Case, medic
from tests.reports.outputs import csv_rows, docx_text, html_cells, pdf_text, xlsx_sheets

PEOPLE = EXPECTED["people"]
ANA, BEN, CARA, EVE = (
    "ana@case.example.edu",
    "ben@case.example.edu",
    "cara@case.example.edu",
    "eve@case.example.edu",
)


def hours_json(capsys: pytest.CaptureFixture[str], case: Case, *extra: str) -> dict:
    result = run_cli(capsys, "hours", "--config", str(case.config_path), "--format", "json", *extra)
    assert result.code == 0, result.stderr
    return json.loads(result.stdout)


def test_hours_counts_meetings_ended_by_the_as_of_date_that_a_sync_saw_as_past(
    case: Case, database_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MENTORLEDGER_DATABASE_URL", database_url)
    report = hours_json(capsys, case, "--as-of", "2026-03-01")
    assert report["as_of"] == "2026-03-02T05:00:00+00:00"  # the end of March 1 in New York
    assert set(report) == {"as_of", "window", "mentors"}
    mentors = {m["email"]: m for m in report["mentors"]}
    for person in (ANA, BEN):
        assert mentors[person]["minutes"] == PEOPLE[person]["minutes"]
        assert mentors[person]["by_category"] == PEOPLE[person]["by_category"]
    assert CARA not in mentors  # no data: not a row of zeros
    assert EVE not in mentors
    assert [mentors[medic(i)]["minutes"] for i in (1, 20, 40)] == [60, 1200, 2400]


def test_a_meeting_in_progress_at_the_as_of_instant_counts_once_it_has_ended(
    case: Case, database_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MENTORLEDGER_DATABASE_URL", database_url)

    def ana(as_of: str) -> int:
        mentors = hours_json(capsys, case, "--mentor", ANA, "--as-of", as_of)["mentors"]
        return mentors[0]["minutes"]

    # Ana's late call runs from 23:30 on March 1 to 00:30 on March 2 (New York)
    assert ana("2026-03-02T00:15") == 210
    assert ana("2026-03-02T00:30") == 270
    # her March 4 meeting counts from the end of that day; the sync of March 5 saw it happen
    assert ana("2026-03-04") == 330
    assert ana("2026-03-03T23:59-05:00") == 270


def test_the_chair_report_lists_every_person_with_sync_status_and_coverage(cardiology: ChairReport) -> None:
    rows = {r.email: r for r in cardiology.rows}
    assert set(rows) == {ANA, BEN, CARA, EVE}  # the residents and the fellow are only mentees
    for email, expected in PEOPLE.items():
        row = rows[email]
        assert str(row.sync.status) == expected["status"]
        assert row.minutes == expected["minutes"]
        assert row.previous_minutes is None  # 2024-25 was never synced
        assert row.change_minutes is None
        if "scheduled_minutes" in expected:
            assert row.current.scheduled_minutes == expected["scheduled_minutes"]
        if "active_mentees" in expected:
            assert row.active_mentees == expected["active_mentees"]
    assert sync_text(rows[BEN].sync, TZ) == "failing since 2026-02-01"
    assert coverage_note(rows[BEN].current.coverage, TZ) == PEOPLE[BEN]["coverage_note"]
    assert str(rows[ANA].current.coverage.extent) == "full"
    assert coverage_note(rows[CARA].current.coverage, TZ) == "no data"


def test_the_chair_report_totals_and_months_match_the_hand_count(cardiology: ChairReport) -> None:
    expected = EXPECTED["cardiology"]
    t = cardiology.totals
    assert (t.people, t.with_data, t.minutes, t.scheduled_minutes, t.compared) == (
        expected["people"],
        expected["with_data"],
        expected["minutes"],
        expected["scheduled_minutes"],
        expected["compared"],
    )
    assert t.by_status == expected["by_status"]
    assert (t.previous_minutes, t.change_minutes, t.flagged) == (None, None, None)
    months = {m.label: m for m in cardiology.months}
    for label, value in expected["months"].items():
        month = months[label]
        if value == ["not yet"]:
            assert (month.begun, month.minutes) == (False, None)
        else:
            assert [month.minutes, month.people_with_data, month.scheduled_minutes] == value
    assert sum(m.minutes or 0 for m in cardiology.months) == t.minutes


def test_distribution_figures_and_flags_need_five_fully_covered_mentors(
    case: Case, cardiology: ChairReport
) -> None:
    assert cardiology.distribution is None
    assert cardiology.distribution_note is not None
    assert cardiology.distribution_note.endswith("and this report has 1 mentor.")
    dermatology = build_chair_report(case.config, case.ledger, "Dermatology", as_of=AS_OF)
    assert (dermatology.distribution, dermatology.totals.minutes) == (
        None,
        EXPECTED["dermatology"]["minutes"],
    )
    assert dermatology.distribution_note is not None
    assert dermatology.distribution_note.endswith("and this report has 2 mentors.")
    assert not any(r.review_for_credit for r in dermatology.rows)


def test_forty_mentors_get_the_hand_counted_distribution(case: Case) -> None:
    expected = EXPECTED["medicine"]
    medicine = build_chair_report(case.config, case.ledger, "Medicine", as_of=AS_OF)
    d = medicine.distribution
    assert d is not None
    assert medicine.totals.minutes == expected["minutes"]
    assert d.median_hours == pytest.approx(expected["median_hours"])
    assert d.p90_hours == pytest.approx(expected["p90_hours"])
    assert d.gini == pytest.approx(expected["gini"])
    assert round(d.top10_share, 3) == expected["top10_share"]
    assert d.top10_count == 4
    assert {r.email for r in medicine.rows if r.review_for_credit} == {medic(i) for i in (37, 38, 39, 40)}
    assert medicine.totals.flagged == expected["flagged"]


def test_the_school_roll_up_shows_each_department_as_its_chair_report_does(
    case: Case, tmp_path: Path
) -> None:
    school = build_school_report(case.config, case.ledger, as_of=AS_OF)
    assert [d.department for d in school.departments] == ["Cardiology", "Dermatology", "Medicine"]
    for department in school.departments:
        alone = build_chair_report(case.config, case.ledger, department.department, as_of=AS_OF)
        assert department.totals == alone.totals
        assert department.distribution == alone.distribution
    assert school.minutes == 420 + 480 + 49200
    files = write_school(school, ["html", "csv", "xlsx"], tmp_path)
    rows = {r["Department"]: r for r in csv_rows(files["csv"])}
    assert (
        rows["Cardiology"]["Hours"],
        rows["Cardiology"]["Failing"],
        rows["Cardiology"]["Gini coefficient"],
    ) == (
        "7.0",
        "1",
        "",
    )
    assert (
        rows["Medicine"]["Hours"],
        rows["Medicine"]["Gini coefficient"],
        rows["Medicine"]["Top 10% share"],
    ) == (
        "820.0",
        "0.325",
        "18.8%",
    )
    assert (rows["Medicine"]["Median hours"], rows["Medicine"]["90th percentile hours"]) == ("20.5", "36.1")
    assert rows["Dermatology"]["Note"].endswith("and this report has 2 mentors.")
    cells = html_cells(files["html"])
    assert cells.keys["data_through"] == ["2026-03-01 (America/New_York)"]
    header, *sheet = xlsx_sheets(files["xlsx"])["Departments"]
    medicine = dict(zip(header, next(r for r in sheet if r[0] == "Medicine"), strict=True))
    assert (medicine["Hours"], medicine["Gini coefficient"], medicine["Flagged for credit review"]) == (
        820.0,
        0.325,
        4,
    )


def test_every_chair_format_says_no_data_and_leaves_change_blank(
    cardiology: ChairReport, tmp_path: Path
) -> None:
    files = write_chair(cardiology, ["html", "csv", "xlsx", "pdf"], tmp_path)
    cells = html_cells(files["html"])
    assert cells.keys["data_through"] == ["2026-03-01 (America/New_York)"]
    assert {email: (row["hours"], row["change_hours"]) for email, row in cells.rows.items()} == {
        ANA: ("3.5", ""),
        BEN: ("3.5", ""),
        CARA: ("no data", ""),
        EVE: ("no data", ""),
    }
    assert cells.rows[BEN]["coverage"] == PEOPLE[BEN]["coverage_note"]
    assert cells.rows[BEN]["calendar"] == "failing since 2026-02-01"
    assert cells.rows[EVE]["calendar"] == "never synced"
    assert cells.rows[ANA]["scheduled_hours"] == "2.0"
    csv = {r["E-mail"]: r for r in csv_rows(files["csv"])}
    assert {e: (r["Hours"], r["Previous period hours"], r["Change (hours)"]) for e, r in csv.items()} == {
        ANA: ("3.5", "no data", ""),
        BEN: ("3.5", "no data", ""),
        CARA: ("no data", "no data", ""),
        EVE: ("no data", "no data", ""),
    }
    months = xlsx_sheets(files["xlsx"])["Hours per month"]
    assert months[1] == ["2025-07", 0.0, 0, 2, 0.0]
    assert months[-1] == ["2026-06", "not yet", "not yet", 0, 0.0]
    text = " ".join(pdf_text(files["pdf"]).split())
    assert "Data through 2026-03-01 (America/New_York)" in text
    assert "failing since 2026-02-01" in text
    assert "this report has 1 mentor" in text


def test_the_dossier_reads_no_data_for_a_year_never_synced_and_measures_to_the_as_of_date(
    case: Case, tmp_path: Path
) -> None:
    expected = EXPECTED["dossier_ana_from_2024_07_01"]
    summary = build_dossier(case.config, case.ledger, ANA, start=dt.date(2024, 7, 1), as_of=AS_OF)
    assert {y.label: y.minutes for y in summary.years} == expected["years"]
    assert {m.label: m.months for m in summary.mentees} == expected["mentee_months"]
    assert {m.label: m.minutes for m in summary.mentees} == expected["one_on_one_minutes"]
    assert summary.long_relationships == expected["long_relationships"]
    assert summary.minutes == 210
    assert "There is no data for 2024-25" in summary.paragraph
    assert {m.label: m.minutes for m in summary.months}["2025-03"] is None  # never synced
    files = write_dossier(summary, ["md", "docx", "pdf"], tmp_path)
    markdown = files["md"].read_text(encoding="utf-8")
    assert "| 2024-25 | 2024-07-01 – 2025-06-30 | no data |" in markdown
    assert "| 2026-04 | not yet |" in markdown
    assert "no data" in docx_text(files["docx"])
    assert "There is no data for 2024-25" in " ".join(pdf_text(files["pdf"]).split())
