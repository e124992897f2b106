"""The sync flow and the ``sync`` command against a real (test-harness) Prefect server."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

from flows.sync_calendars import sync_calendars
from tests.clirunner import run_cli

pytestmark = pytest.mark.prefect

ICS = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//test//EN\r
BEGIN:VEVENT\r
UID:weekly-ana-ben\r
DTSTART;TZID=America/New_York:20251001T100000\r
DTEND;TZID=America/New_York:20251001T110000\r
RRULE:FREQ=WEEKLY;COUNT=3\r
ORGANIZER:mailto:ana@med.example.edu\r
ATTENDEE;PARTSTAT=ACCEPTED:mailto:ben@med.example.edu\r
SUMMARY:Check-in\r
END:VEVENT\r
END:VCALENDAR\r
"""


def write_department(root: Path, *, calendars: int, broken: bool = False) -> Path:
    """A department whose mentor meets a mentee weekly (3 x 60 min) on each of ``calendars`` calendars."""
    (root / "cals").mkdir()
    lines = []
    for i in range(calendars):
        (root / "cals" / f"c{i}.ics").write_text(
            ICS.replace("weekly-ana-ben", f"weekly-{i}"), encoding="utf-8"
        )
        lines.append(f"  - {{owner: ana@med.example.edu, ics: cals/c{i}.ics}}")
    if broken:
        (root / "cals" / "broken.ics").write_text("<html>login</html>", encoding="utf-8")
        lines.append("  - {owner: ben@med.example.edu, ics: cals/broken.ics}")
    config = root / "dept.yaml"
    config.write_text(
        "institution: Test\ntimezone: America/New_York\nwindow: {start: 2025-07-01, end: 2026-06-30}\n"
        "people:\n"
        "  - {email: ana@med.example.edu, name: Ana, department: Peds, rank: assistant_professor}\n"
        "  - {email: ben@med.example.edu, name: Ben, department: Peds, rank: resident}\n"
        "relationships:\n"
        "  - {mentor: ana@med.example.edu, mentee: ben@med.example.edu, kind: near_peer, start: 2025-07-01}\n"
        "calendars:\n" + "\n".join(lines) + "\n",
        encoding="utf-8",
    )
    return config


def test_flow_syncs_every_batch_and_reports_minutes(tmp_path: Path, database_url: str) -> None:
    config = write_department(tmp_path, calendars=5)
    summary = sync_calendars(config_path=str(config), batch_size=2, database_url=database_url)
    assert summary["outcomes"] == {"synced": 5}
    (ana,) = summary["hours"]["mentors"]
    # 5 calendars x 3 weekly meetings; the same times on every calendar, so the union is 3 x 60 minutes
    assert ana["minutes"] == 180
    assert ana["entries"] == 15


def test_flow_runs_one_task_per_batch_not_per_calendar(tmp_path: Path, database_url: str) -> None:
    config = write_department(tmp_path, calendars=7)
    state = sync_calendars(
        config_path=str(config), batch_size=3, database_url=database_url, return_state=True
    )

    flow_run_id = state.state_details.flow_run_id

    async def task_names() -> list[str]:
        # Task runs reach the server through its event recorder, a moment after the flow returns.
        async with get_client() as client:
            for _ in range(60):
                runs = await client.read_task_runs(
                    flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
                )
                if len(runs) >= 4:
                    break
                await asyncio.sleep(0.5)
            return [r.name for r in runs]

    names = asyncio.run(task_names())
    assert sorted(name.split("-")[0].split(" ")[0] for name in names) == ["summarize", "sync", "sync", "sync"]


def test_flow_publishes_calendar_table_artifact(tmp_path: Path, database_url: str) -> None:
    config = write_department(tmp_path, calendars=1, broken=True)
    state = sync_calendars(config_path=str(config), database_url=database_url, return_state=True)

    async def artifacts() -> list[object]:
        async with get_client() as client:
            found = await client.read_artifacts()
            return [a for a in found if a.flow_run_id == state.state_details.flow_run_id]

    by_key = {a.key: a for a in asyncio.run(artifacts())}  # type: ignore[attr-defined]
    table = by_key["calendar-sync"].data  # type: ignore[attr-defined]
    rows = json.loads(table) if isinstance(table, str) else table
    assert sorted(row["outcome"] for row in rows) == ["failed", "synced"]
    assert "mentoring-minutes" in by_key


def test_sync_command_saves_good_calendars_and_exits_nonzero_for_a_broken_one(
    tmp_path: Path, database_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MENTORLEDGER_DATABASE_URL", database_url)
    config = write_department(tmp_path, calendars=2, broken=True)

    result = run_cli(capsys, "sync", "--config", str(config))
    assert result.code == 1
    assert "1 of 3 calendars failed" in result.stderr
    assert "cals/broken.ics" in result.stderr
    assert "not an iCalendar file" in result.stderr
    assert "Traceback" not in result.stderr

    hours = run_cli(capsys, "hours", "--config", str(config), "--format", "json")
    assert hours.code == 0
    assert json.loads(hours.stdout)["mentors"][0]["minutes"] == 180


def test_second_sync_of_unchanged_calendars_writes_nothing(
    tmp_path: Path, database_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MENTORLEDGER_DATABASE_URL", database_url)
    config = write_department(tmp_path, calendars=2)
    assert run_cli(capsys, "sync", "--config", str(config)).code == 0
    again = run_cli(capsys, "sync", "--config", str(config))
    assert again.code == 0
    assert "2 unchanged" in again.stdout


def test_a_missing_calendar_file_fails_that_calendar_only_and_the_rest_are_saved(
    tmp_path: Path, database_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MENTORLEDGER_DATABASE_URL", database_url)
    config = write_department(tmp_path, calendars=2)
    text = config.read_text(encoding="utf-8")
    config.write_text(text + "  - {owner: ben@med.example.edu, ics: cals/gone.ics}\n", encoding="utf-8")

    result = run_cli(capsys, "sync", "--config", str(config))

    assert result.code == 1
    assert result.stdout.strip() == "Synced 3 calendars: 1 failed, 2 synced"
    assert (
        f"failed: cals/gone.ics (ben@med.example.edu): calendar file not found: {tmp_path / 'cals' / 'gone.ics'}"
        in result.stderr
    )
    hours = run_cli(capsys, "hours", "--config", str(config), "--format", "json")
    assert json.loads(hours.stdout)["mentors"][0]["minutes"] == 180


def test_flows_without_a_ledger_url_use_the_ledger_beside_the_configuration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mentorledger.config import load_config
    from mentorledger.hours import compute_hours
    from mentorledger.store.db import dispose_all
    from mentorledger.store.ledger import Ledger

    monkeypatch.delenv("MENTORLEDGER_DATABASE_URL", raising=False)
    monkeypatch.delenv("MENTORLEDGER_HOME", raising=False)
    (tmp_path / "dept").mkdir()
    (tmp_path / "worker").mkdir()
    config = write_department(tmp_path / "dept", calendars=1)
    monkeypatch.chdir(tmp_path / "worker")  # a worker's working folder is not the department's

    summary = sync_calendars(config_path=str(config))

    assert summary["outcomes"] == {"synced": 1}
    assert (tmp_path / "dept" / "var" / "mentorledger.db").is_file()
    assert not (tmp_path / "worker" / "var").exists()
    loaded = load_config(config)
    assert compute_hours(loaded, Ledger.open(config_path=loaded.source_path)).mentors[0].minutes == 180
    dispose_all()
