"""Service-mode pieces of the sync flows against the test harness: shards, owners, the sharded parent."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

import flows.sync_sharded as sync_sharded
from flows.sync_calendars import sync_calendars
from tests.clirunner import run_cli
from tests.flows.test_sync_flow import ICS

pytestmark = pytest.mark.prefect


def write_people(root: Path, owners: int, calendars_each: int = 1) -> Path:
    """``owners`` mentors, each meeting their own mentee weekly (3 x 60 min) on each of their calendars."""
    (root / "cals").mkdir()
    people, relationships, calendars = [], [], []
    for i in range(owners):
        people.append(f"  - {{email: m{i}@med.example.edu, name: M{i}, department: Peds, rank: professor}}")
        people.append(f"  - {{email: s{i}@med.example.edu, name: S{i}, department: Peds, rank: resident}}")
        relationships.append(
            f"  - {{mentor: m{i}@med.example.edu, mentee: s{i}@med.example.edu, kind: dyad, start: 2025-07-01}}"
        )
        for c in range(calendars_each):
            body = (
                ICS.replace("weekly-ana-ben", f"weekly-{i}-{c}")
                .replace("ana@med.example.edu", f"m{i}@med.example.edu")
                .replace("ben@med.example.edu", f"s{i}@med.example.edu")
            )
            (root / "cals" / f"m{i}-{c}.ics").write_text(body, encoding="utf-8")
            calendars.append(f"  - {{owner: m{i}@med.example.edu, ics: cals/m{i}-{c}.ics}}")
    config = root / "dept.yaml"
    config.write_text(
        "institution: Test\ntimezone: America/New_York\nwindow: {start: 2025-07-01, end: 2026-06-30}\n"
        "people:\n" + "\n".join(people) + "\nrelationships:\n" + "\n".join(relationships) + "\n"
        "calendars:\n" + "\n".join(calendars) + "\n",
        encoding="utf-8",
    )
    return config


def test_shard_runs_together_sync_every_calendar_exactly_once(tmp_path: Path, database_url: str) -> None:
    config = write_people(tmp_path, owners=9)
    totals = [
        sync_calendars(config_path=str(config), database_url=database_url, shard=s, shards=3)["calendars"]
        for s in range(3)
    ]
    assert sum(totals) == 9
    again = sync_calendars(config_path=str(config), database_url=database_url)
    assert again["outcomes"] == {"unchanged": 9}  # every calendar was synced by exactly one shard


def test_a_run_for_one_owner_syncs_only_their_calendars(tmp_path: Path, database_url: str) -> None:
    config = write_people(tmp_path, owners=3, calendars_each=2)
    summary = sync_calendars(config_path=str(config), database_url=database_url, only=["M1@med.example.edu"])
    assert summary["outcomes"] == {"synced": 2}
    assert [m["email"] for m in summary["hours"]["mentors"]] == ["m1@med.example.edu"]


def test_sharded_parent_starts_one_idempotent_run_per_shard_and_sums_their_outcomes(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_people(tmp_path, owners=8)
    started: list[dict[str, Any]] = []

    def fake_run_deployment(
        name: str, *, parameters: dict[str, Any], idempotency_key: str, timeout: Any
    ) -> Any:
        # Stands in for the server starting the shard deployment: the same flow, run as a subflow.
        started.append({"name": name, "key": idempotency_key, "timeout": timeout, **parameters})
        params = {k: v for k, v in parameters.items() if k != "use_task_workers"}
        state = sync_calendars(**params, return_state=True)
        return SimpleNamespace(id=state.state_details.flow_run_id, state=state)

    monkeypatch.setattr(sync_sharded, "run_deployment", fake_run_deployment)
    summary = sync_sharded.sync_institution(
        config_path=str(config), shards=3, database_url=database_url, window="2026-11-23T14"
    )

    assert [s["shard"] for s in started] == [0, 1, 2]
    assert {s["timeout"] for s in started} == {0}  # started side by side, not one after another
    assert {s["name"] for s in started} == {"sync-calendars/calendar-shard"}
    assert [s["key"] for s in started] == [f"sync:2026-11-23T14:shard-{i}-of-3" for i in range(3)]
    assert summary["calendars"] == 8
    assert summary["outcomes"] == {"synced": 8}
    assert summary["shards"] == ["Completed"] * 3


def test_resync_command_without_a_server_syncs_one_person_in_process(
    tmp_path: Path, database_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MENTORLEDGER_DATABASE_URL", database_url)
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    config = write_people(tmp_path, owners=2)

    result = run_cli(capsys, "resync", "--config", str(config), "--calendar", "m0@med.example.edu")
    assert result.code == 0, result.stderr
    assert "Synced 1 calendars: 1 synced" in result.stdout

    hours = json.loads(run_cli(capsys, "hours", "--config", str(config), "--format", "json").stdout)
    assert [m["email"] for m in hours["mentors"]] == ["m0@med.example.edu"]


def test_resync_of_someone_without_a_calendar_is_one_readable_line(
    tmp_path: Path, database_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MENTORLEDGER_DATABASE_URL", database_url)
    config = write_people(tmp_path, owners=1)
    result = run_cli(capsys, "resync", "--config", str(config), "--calendar", "nobody@med.example.edu")
    assert result.code == 2
    assert "no calendar configured for nobody@med.example.edu" in result.stderr
    assert "Traceback" not in result.stderr
