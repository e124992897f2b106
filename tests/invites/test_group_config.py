"""The group's invite settings are validated like the rest of the configuration."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from mentorledger.config import check_config
from tests.clirunner import run_cli
from tests.invites.conftest import department_yaml, load_department


def problems_of(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "dept.yaml"
    path.write_text(text, encoding="utf-8")
    return check_config(path)[0]


def test_a_complete_group_loads_with_its_schedule(tmp_path: Path) -> None:
    config = load_department(
        tmp_path,
        start_time="10:00",  # unquoted: YAML 1.1 reads 600, which must still mean 10:00
        group_extra=(
            "    facilitators: [ben@med.example.edu, cy@med.example.edu]\n"
            "    inventory: {ben@med.example.edu: {strengths: [grant writing], experiences: [K award]}}\n"
            "    objectives:\n"
            "      - {what: Submit R01, measure: submission, target: 1 proposal, due: 2025-10-01,"
            " owner: ben@med.example.edu, status: in_progress}\n"
        ),
    )
    group = config.groups[0]
    assert group.start_time == dt.time(10, 0)
    assert group.objectives[0].owner == "ben@med.example.edu"
    assert group.series(config.timezone).sessions(dt.date(2025, 9, 16))[1].start.hour == 10


@pytest.mark.parametrize(
    ("extra", "where", "reason"),
    [
        ("    facilitators: [zed@med.example.edu]\n", "groups[0].facilitators[0]", "not a member of group"),
        (
            "    objectives:\n      - {what: X, measure: Y, target: Z, due: 2025-10-01, owner: zed@med.example.edu}\n",
            "groups[0].objectives[0].owner",
            "not a member of group",
        ),
        (
            "    agenda_template: [{title: Talk, minutes: 0}]\n",
            "groups[0].agenda_template[0].minutes",
            "greater than or equal to 1",
        ),
        ("    cancelled_sessions: [2025-09-03]\n", "groups[0].cancelled_sessions", "not a session date"),
        ("    rescheduel: []\n", "groups[0].rescheduel", "unknown key"),
        ("    first_session: 2025-09-01\n", "groups[0].first_session", "Monday 2025-09-01 is not a day"),
    ],
)
def test_group_mistakes_name_the_key_and_line(tmp_path: Path, extra: str, where: str, reason: str) -> None:
    text = department_yaml(group_extra=extra)
    found = problems_of(tmp_path, text)
    assert len(found) == 1, found
    assert f": {where}: " in found[0]
    assert reason in found[0]
    line = int(found[0].split(":")[1])
    assert line > text.splitlines().index("groups:") + 1  # points into the group, not the top of the file


def test_an_unreadable_cadence_and_a_missing_organizer_are_reported(tmp_path: Path) -> None:
    text = department_yaml(cadence="every fortnight-ish").replace("    organizer: ana@med.example.edu\n", "")
    found = problems_of(tmp_path, text)
    assert any("groups[0].cadence" in p and "cannot read the cadence" in p for p in found)
    text = department_yaml().replace("    organizer: ana@med.example.edu\n", "")
    found = problems_of(tmp_path, text)
    assert any("needs organizer" in p for p in found), found


def test_smtp_section_is_checked_and_validate_accepts_a_good_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = department_yaml().replace("people:", "smtp: {host: mail.example.edu, security: tls}\npeople:", 1)
    assert any("smtp.security" in p for p in problems_of(tmp_path, bad))
    good = tmp_path / "good.yaml"
    good.write_text(department_yaml(smtp_port=2525), encoding="utf-8")
    result = run_cli(capsys, "validate", "--config", str(good))
    assert result.code == 0, result.stderr
    assert "1 groups" in result.stdout


def test_the_example_peer_group_configuration_is_valid_and_plans_invites() -> None:
    from mentorledger.config import load_config
    from mentorledger.invites.plan import plan_group
    from tests.conftest import ROOT
    from tests.invites import itip

    config = load_config(ROOT / "config" / "examples" / "peer-groups.yaml")
    now = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
    for group in config.groups:
        plan = plan_group(config, group, sent={}, now=now, horizon=dt.timedelta(days=56))
        assert plan.updates, group.id
        for update in plan.updates:
            for message in update.messages:
                assert itip.problems(message.calendar, method=message.method) == []
