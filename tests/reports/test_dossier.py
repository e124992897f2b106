"""The dossier summary: default period, per-year hours equal to `mentorledger hours`, de-identified mentees,
a paragraph made only of the data, and DOCX / Markdown / PDF built from the same summary."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from docx import Document

from mentorledger.asof import resolve_as_of
from mentorledger.errors import UserError
from mentorledger.reports.dossier_data import DossierSummary, build_dossier, mentee_label
from mentorledger.reports.outputs import write_dossier
from mentorledger.store.ledger import Ledger
from tests.clirunner import run_cli
from tests.reports.department import HIDDEN_MENTEES, NAMED_MENTEE, SECRET_TITLES, Department, email
from tests.reports.outputs import all_text, docx_text, pdf_text

# The end of the 2025-26 academic year: the dossier of a completed year (the default as-of is now).
AS_OF = resolve_as_of("2026-06-30", ZoneInfo("America/New_York"))


@pytest.fixture
def ana(department: Department, ledger: Ledger) -> DossierSummary:
    return build_dossier(department.config, ledger, email("ana"), as_of=AS_OF)


def minutes_from_cli(capsys, department: Department, mentor: str, start: dt.date, end: dt.date) -> int:
    result = run_cli(
        capsys, "hours", "--config", str(department.config_path), "--mentor", mentor,
        "--from", start.isoformat(), "--to", end.isoformat(), "--format", "json",
    )  # fmt: skip
    assert result.code == 0, result.stderr
    mentors = json.loads(result.stdout)["mentors"]
    return mentors[0]["minutes"] if mentors else 0


def test_period_defaults_to_the_last_promotion(ana: DossierSummary) -> None:
    assert ana.window.start == dt.date(2024, 7, 1)  # Ana's last_promotion
    assert ana.window.end == dt.date(2026, 6, 30)  # the configured window's end
    assert [y.label for y in ana.years] == ["2024-25", "2025-26"]


def test_hours_per_year_and_in_total_equal_the_hours_command(
    ana: DossierSummary, department: Department, database_url: str, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MENTORLEDGER_DATABASE_URL", database_url)
    assert ana.minutes == minutes_from_cli(capsys, department, email("ana"), ana.window.start, ana.window.end)
    for year in ana.years:
        assert year.minutes == minutes_from_cli(capsys, department, email("ana"), year.start, year.end)
    assert sum(y.minutes for y in ana.years) == ana.minutes


def test_mentees_are_de_identified_unless_they_consented(ana: DossierSummary) -> None:
    assert [(m.label, m.named, m.stage) for m in ana.mentees] == [
        (NAMED_MENTEE, True, "PGY-1"),  # consent_to_name: true
        ("Mentee B", False, "junior faculty"),
        ("Mentee C", False, "student"),  # no mentee_stage: from the mentee's rank
    ]
    assert ana.mentees_by_stage == {"PGY-1": 1, "junior faculty": 1, "student": 1}
    assert ana.mentees_by_kind == {"dyad": 1, "near_peer": 1, "peer": 1}
    assert ana.long_relationships == 2  # 24 and 16 months; the student's 10 months are not
    assert ana.near_peer_roles == 1


def test_one_on_one_hours_per_mentee_leave_group_minutes_to_the_group(ana: DossierSummary) -> None:
    # 20 + 40 weekly hours with the named mentee, plus the 30 of 60 minutes not under a circle session
    assert ana.mentees[0].minutes == (20 + 40) * 60 + 30
    assert ana.mentees[0].minutes == ana.by_category["mentee"]


def test_engagement_lists_groups_roles_and_objectives(ana: DossierSummary) -> None:
    (circle,) = ana.groups
    assert (circle.role, circle.sessions, circle.minutes) == ("founder", 10, 900)
    assert (circle.objectives_met, circle.objectives_total) == (1, 2)
    assert ana.group_sessions == ana.group_sessions_facilitated == 10


def test_paragraph_states_only_numbers_from_the_summary(ana: DossierSummary) -> None:
    allowed = {f"{m / 60:.1f}" for m in [ana.minutes, *ana.by_category.values(), ana.allotted_minutes]}
    allowed |= {
        str(n) for n in [len(ana.mentees), ana.long_relationships, ana.near_peer_roles, len(ana.groups)]
    }
    allowed |= {
        str(n) for n in [*ana.mentees_by_stage.values(), ana.group_sessions, ana.group_sessions_facilitated]
    }
    allowed |= {
        f"{ana.stipend:,.2f}",
        "12",
        "1",
        "2024",
        "2026",
        "30",
        "06",
    }  # "12 months", stage "PGY-1", the dates, "data through 2026-06-30"
    numbers = re.findall(r"\d+(?:,\d{3})*(?:\.\d+)?", ana.paragraph)
    assert numbers
    assert set(numbers) <= allowed, set(numbers) - allowed
    for name in HIDDEN_MENTEES:
        assert name not in ana.paragraph


def test_docx_has_the_committee_structure_and_the_same_numbers(ana: DossierSummary, tmp_path: Path) -> None:
    path = write_dossier(ana, ["docx"], tmp_path)["docx"]
    document = Document(str(path))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings == [
        "Summary",
        "Quantity",
        "How the hours are supported",
        "Hours per month",
        "Mentees",
        "Engagement",
        "Credit received",
        "Your narrative",
    ]
    years, evidence, months, mentees, groups, credit = document.tables
    assert [c.text for c in evidence.rows[0].cells] == [
        "How the hours are supported",
        "Hours",
        "Share of hours",
    ]
    assert [r.cells[0].text for r in evidence.rows[1:]] == [
        "Confirmed by the mentor on review",
        "Awaiting the mentor's review",
        "Added by hand (the mentor's own record)",
        "Attested by mentees (mentee-category hours)",
    ]
    assert [c.text for c in months.rows[0].cells] == ["Month", "Hours", "Scheduled hours (not counted)"]
    assert len(months.rows) == 1 + 24  # July 2024 to June 2026
    assert [c.text for c in years.rows[-1].cells][:3] == ["Period", "", f"{ana.minutes / 60:.1f}"]
    assert [r.cells[0].text for r in mentees.rows[1:]] == [NAMED_MENTEE, "Mentee B", "Mentee C"]
    assert groups.rows[1].cells[0].text == "Pediatrics Peer Circle"
    assert credit.rows[1].cells[1].text == f"{ana.minutes / 60:.1f}"
    prompts = [p.text for p in document.paragraphs if p.style.name == "List Bullet"][-len(ana.prompts) :]
    assert prompts == ana.prompts
    assert "FTE basis 2080 hours" in docx_text(path)


def test_markdown_and_pdf_carry_the_same_totals_and_no_hidden_names(
    ana: DossierSummary, tmp_path: Path
) -> None:
    files = write_dossier(ana, ["md", "pdf", "docx"], tmp_path)
    total = f"{ana.minutes / 60:.1f}"
    markdown = files["md"].read_text(encoding="utf-8")
    assert f"| Period |  | {total} |" in markdown
    assert "| Mentee B | junior faculty | Peer |" in markdown
    assert total in pdf_text(files["pdf"])
    for path in files.values():
        text = all_text(path)
        for word in [*HIDDEN_MENTEES, *SECRET_TITLES, "PRIVATE-DESCRIPTION"]:
            assert word not in text, f"{word!r} leaked into {path.name}"


def test_a_person_without_a_calendar_gets_no_data_not_zero_hours(
    department: Department, ledger: Ledger
) -> None:
    # Before v2 this summary read 0.0 hours: the chair has no calendar, so nothing is known.
    summary = build_dossier(department.config, ledger, email("chair"), as_of=AS_OF)
    assert (summary.minutes, summary.mentees, summary.groups) == (None, [], [])
    assert {y.minutes for y in summary.years} == {None}
    assert "has no data on their mentoring hours" in summary.paragraph
    assert "No credited mentoring effort" in summary.paragraph


def test_unknown_mentor_and_inverted_period_are_user_errors(department: Department, ledger: Ledger) -> None:
    with pytest.raises(UserError, match=r"nobody@med\.example\.edu is not in people"):
        build_dossier(department.config, ledger, "nobody@med.example.edu")
    with pytest.raises(UserError, match=r"ends .* before it starts"):
        build_dossier(
            department.config, ledger, email("ana"), start=dt.date(2026, 1, 1), end=dt.date(2025, 1, 1)
        )


def test_pseudonyms_continue_past_z() -> None:
    assert [mentee_label(i) for i in (0, 25, 26, 27)] == ["Mentee A", "Mentee Z", "Mentee AA", "Mentee AB"]
