"""The chair report's numbers: the same minutes as `mentorledger hours`, credit, flags, distribution."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from mentorledger.errors import UserError
from mentorledger.reports import stats
from mentorledger.reports.chair_data import build_chair_report
from mentorledger.store.ledger import Ledger
from tests.clirunner import run_cli
from tests.reports.department import MENTORS, Department, email

START, END = dt.date(2025, 7, 1), dt.date(2026, 6, 30)


def hours_json(
    capsys: pytest.CaptureFixture[str], department: Department, start: str, end: str
) -> dict[str, dict]:
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


@pytest.fixture
def report(department: Department, ledger: Ledger):
    return build_chair_report(department.config, ledger, "Pediatrics", start=START, end=END)


def test_minutes_equal_the_hours_command_for_this_and_the_previous_period(
    report,
    department: Department,
    database_url: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MENTORLEDGER_DATABASE_URL", database_url)
    now = hours_json(capsys, department, "2025-07-01", "2026-06-30")
    before = hours_json(capsys, department, "2024-07-01", "2025-06-30")
    mentors = {email(local) for local, *_ in MENTORS}
    assert email("chair") in {r.email for r in report.rows}
    for row in report.rows:
        if row.email not in mentors:  # no calendar: no data, never 0, and not in `hours`
            assert (row.minutes, row.by_category, row.previous_minutes) == (None, None, None)
            assert row.email not in now
            continue
        expected = now.get(row.email, {"minutes": 0, "by_category": {"group": 0, "mentee": 0, "tag": 0}})
        assert row.minutes == expected["minutes"]
        assert row.by_category == expected["by_category"]
        assert row.previous_minutes == before.get(row.email, {"minutes": 0})["minutes"]
    assert report.totals.minutes == sum(m["minutes"] for e, m in now.items() if e != email("sam"))


def test_fixture_loads_are_counted_once_with_overlaps_as_group_time(report) -> None:
    ana = next(r for r in report.rows if r.email == email("ana"))
    # 40 weekly hours with her mentee, 10 circle sessions of 90 minutes, and a 60-minute meeting whose
    # first 30 minutes overlap a circle session
    assert ana.by_category == {"group": 10 * 90, "mentee": 40 * 60 + 30, "tag": 0}


def test_every_person_of_the_department_is_listed_and_people_without_calendars_read_no_data(
    report, department: Department
) -> None:
    emails = {r.email for r in report.rows}
    assert email("sam") not in emails  # Surgery
    # every person of the department but those who are only mentees (a chair never sees mentee names)
    assert emails == {email(local) for local, *_ in MENTORS} | {email("chair")}
    ravi = next(r for r in report.rows if r.email == email("ravi"))
    assert (ravi.minutes, ravi.active_mentees, str(ravi.sync.status)) == (0, 1, "connected")
    chair = next(r for r in report.rows if r.email == email("chair"))
    assert (chair.minutes, str(chair.sync.status), chair.mentor) == (None, "not connected", False)
    assert report.totals.by_status == {"connected": 12, "failing": 0, "never synced": 0, "not connected": 1}
    assert (report.totals.people, report.totals.with_data, report.totals.mentors) == (13, 12, 12)


def test_credit_is_prorated_and_caps_credited_hours(report) -> None:
    rows = {r.email: r for r in report.rows}
    # fte 0.01 x 2080 h for the whole year
    assert rows[email("ana")].allotted_minutes == round(0.01 * 2080 * 60)
    # 20 protected hours for the whole period
    assert rows[email("kwame")].allotted_minutes == 20 * 60
    # fte 0.02 from Jan 1 to Jun 30 2026 (181 days)
    assert rows[email("priya")].allotted_minutes == round(0.02 * 2080 * 181 / 365 * 60)
    # a stipend alone credits no hours
    assert rows[email("mei")].allotted_minutes == 0
    assert rows[email("mei")].stipend == 1500
    for row in report.rows:
        if row.minutes is None:
            assert (row.credited_minutes, row.uncredited_minutes) == (None, None)
            continue
        assert row.credited_minutes == min(row.minutes, row.allotted_minutes)
        assert (row.credited_minutes or 0) + (row.uncredited_minutes or 0) == row.minutes
    assert report.totals.stipend == 3500


def test_review_flag_marks_uncredited_hours_above_the_90th_percentile(report) -> None:
    compared = [r for r in report.rows if r.in_distribution]
    assert len(compared) == 12  # the mentors; the people without calendars are not compared
    threshold = stats.percentile([(r.uncredited_minutes or 0) / 60 for r in compared], 0.9)
    flagged = {r.email for r in report.rows if r.review_for_credit}
    assert flagged == {r.email for r in compared if (r.uncredited_minutes or 0) / 60 > threshold}
    # Tomás has no credit and 35 h; Ana's 0.01 FTE leaves 34.7 h uncredited: both above 33.7
    assert flagged == {email("tomas"), email("ana")}
    assert report.totals.flagged == 2


def test_distribution_and_fte_use_the_rows(report) -> None:
    hours = [(r.minutes or 0) / 60 for r in report.rows if r.in_distribution]
    assert report.distribution is not None
    assert report.distribution.gini == pytest.approx(stats.gini(hours))
    assert report.distribution.median_hours == pytest.approx(stats.median(hours))
    assert report.distribution.top10_count == 2
    assert report.totals.fte_equivalent == pytest.approx(report.totals.minutes / 60 / 2080)
    assert report.fte_basis_hours == 2080


def test_unknown_department_is_a_user_error_listing_the_known_ones(
    department: Department, ledger: Ledger
) -> None:
    with pytest.raises(UserError, match=r"'Cardiology'; known: Pediatrics, Surgery"):
        build_chair_report(department.config, ledger, "Cardiology")


def test_equity_section_is_off_unless_configured(tmp_path, database_url: str) -> None:
    from tests.reports.department import sync_department, write_department

    quiet = write_department(tmp_path / "quiet", equity_section=False)
    report = build_chair_report(
        quiet.config, sync_department(quiet, database_url), "Pediatrics", start=START, end=END
    )
    assert report.equity is None
