"""The report settings in the configuration: defaults, and one readable line per mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from mentorledger.config import DEFAULT_FTE_BASIS_HOURS, check_config, load_config

BASE = """institution: Test
timezone: America/New_York
people:
  - {email: ana@med.example.edu, name: Ana, department: Peds, rank: assistant_professor%s}
  - {email: ben@med.example.edu, name: Ben, department: Peds, rank: resident}
relationships:
  - {mentor: ana@med.example.edu, mentee: ben@med.example.edu, kind: near_peer, start: 2025-07-01%s}
"""


def write(tmp_path: Path, person: str = "", relationship: str = "", extra: str = "") -> Path:
    path = tmp_path / "c.yaml"
    path.write_text(BASE % (person, relationship) + extra, encoding="utf-8")
    return path


def test_defaults_keep_mentees_anonymous_and_equity_off(tmp_path: Path) -> None:
    config = load_config(write(tmp_path))
    assert config.fte_basis_hours == DEFAULT_FTE_BASIS_HOURS == 2080
    assert config.equity_section is False
    assert config.relationships[0].consent_to_name is False
    assert config.self_reported == {}


def test_credit_promotion_track_and_stage_are_read(tmp_path: Path) -> None:
    config = load_config(
        write(
            tmp_path,
            ", last_promotion: 2022-07-01, track: clinician-educator, "
            "credit: [{start: 2025-07-01, end: 2026-06-30, fte: 0.05, stipend: 1000}]",
            ", mentee_stage: PGY-2, consent_to_name: true",
            "fte_basis_hours: 1950\nself_reported:\n  ANA@med.example.edu: {gender: woman, urim: true}\n",
        )
    )
    ana = config.people[0]
    assert ana.credit[0].fte == 0.05
    assert str(ana.last_promotion) == "2022-07-01"
    assert config.relationships[0].mentee_stage == "PGY-2"
    assert config.fte_basis_hours == 1950
    assert config.self_reported["ana@med.example.edu"].urim is True


@pytest.mark.parametrize(
    ("person", "extra", "expected"),
    [
        (
            ", credit: [{start: 2025-07-01, end: 2026-06-30, fte: 0.1, protected_hours: 10}]",
            "",
            "people[0].credit[0]: give protected_hours or fte, not both",
        ),
        (
            ", credit: [{start: 2025-07-01, end: 2026-06-30, fte: 0.1}, {start: 2026-01-01, end: 2026-12-31, stipend: 5}]",
            "",
            "people[0].credit[1]: credit period 2026-01-01..2026-12-31 overlaps",
        ),
        (
            "",
            "self_reported:\n  zoe@med.example.edu: {gender: woman}\n",
            "zoe@med.example.edu is not in people",
        ),
        (
            "",
            "departments:\n  - {name: Surgery, chairs: [ana@med.example.edu]}\n",
            "no one in people belongs to department",
        ),
        ("", "self_reported:\n  ana@med.example.edu: {race: x}\n", "unknown key"),
        (
            "",
            "smtp: {host: mail.example.edu, from_address: reports@example.edu, password: x}\n",
            "smtp.password: unknown key",
        ),
    ],
)
def test_report_settings_mistakes_are_one_line_each(
    tmp_path: Path, person: str, extra: str, expected: str
) -> None:
    problems, config = check_config(write(tmp_path, person, "", extra))
    assert config is None
    assert any(expected in p for p in problems), problems
    assert all(p.startswith(str(tmp_path / "c.yaml") + ":") for p in problems)


def test_group_facilitators_must_be_members(tmp_path: Path) -> None:
    extra = (
        "groups:\n  - {id: circle, name: Circle, members: [ben@med.example.edu], "
        "facilitators: [ana@med.example.edu]}\n"
    )
    problems, _ = check_config(write(tmp_path, extra=extra))
    assert any("groups[0].facilitators[0]: ana@med.example.edu is not a member" in p for p in problems), (
        problems
    )
