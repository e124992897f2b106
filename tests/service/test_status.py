"""`mentorledger status`: per-calendar health from the ledger, without any Prefect server."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from mentorledger.config import load_config
from mentorledger.counting import Category, Entry
from mentorledger.sources.protocol import Cursor
from mentorledger.status import age, calendar_health, run_outcomes
from mentorledger.store.ledger import CalendarState, Ledger, RunRecord
from mentorledger.store.schema import CalendarRow, EntryRow
from mentorledger.sync import calendar_ref
from tests.clirunner import run_cli

WINDOW = (dt.datetime(2025, 7, 1, tzinfo=dt.UTC), dt.datetime(2026, 7, 1, tzinfo=dt.UTC))
NOW = dt.datetime(2026, 1, 10, 12, tzinfo=dt.UTC)


def write_config(root: Path) -> Path:
    for name in ("ana.ics", "cy.ics"):
        (root / name).write_text("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", encoding="utf-8")
    path = root / "dept.yaml"
    path.write_text(
        "institution: Test\ntimezone: UTC\npeople:\n"
        "  - {email: ana@med.example.edu, name: Ana, department: Peds, rank: professor}\n"
        "  - {email: ben@med.example.edu, name: Ben, department: Peds, rank: resident}\n"
        "  - {email: cy@med.example.edu, name: Cy, department: Peds, rank: resident}\n"
        "calendars:\n"
        "  - {owner: ana@med.example.edu, ics: ana.ics}\n"
        "  - {owner: ben@med.example.edu, ics: 'https://cal.example.edu/ben/secret-token/basic.ics'}\n"
        "  - {owner: cy@med.example.edu, ics: cy.ics}\n",
        encoding="utf-8",
    )
    return path


def entry(i: int, owner: str) -> Entry:
    start = dt.datetime(2025, 10, 1 + i, 15, tzinfo=dt.UTC)
    return Entry(
        f"s{i}", f"e{i}", owner, start, start + dt.timedelta(hours=1), Category.TAG, "tag:#m", None, ()
    )


def populate(config_path: Path, database_url: str) -> Ledger:
    """Ana synced (3 entries, one confirmed); Ben failed twice; Cy never synced."""
    config = load_config(config_path)
    ana, ben, _cy = (calendar_ref(s) for s in config.calendars)
    ledger = Ledger.open(database_url)
    ledger.apply(
        ana,
        [entry(i, ana.owner) for i in range(3)],
        window=WINDOW,
        state=CalendarState(cursor=Cursor(1, token="tok")),
        run=RunRecord("r1", NOW, "synced"),
    )
    with Session(ledger.engine) as session, session.begin():
        session.execute(update(EntryRow).where(EntryRow.source_key == "s0").values(review="confirmed"))
        session.execute(
            update(CalendarRow)
            .where(CalendarRow.calendar_key == ana.calendar_key)
            .values(sync_token_at=NOW - dt.timedelta(hours=5))
        )
    for run in ("r1", "r2"):
        ledger.record_failure(
            ben, run=RunRecord(run, NOW, "failed", "HTTP 404 from https://cal.example.edu/…")
        )
    return ledger


def test_health_reports_success_failures_token_age_and_pending_review(
    tmp_path: Path, database_url: str
) -> None:
    config_path = write_config(tmp_path)
    ledger = populate(config_path, database_url)

    ana, ben, cy = calendar_health(load_config(config_path), ledger, now=NOW)

    assert (ana.last_outcome, ana.consecutive_failures, ana.pending_review) == ("synced", 0, 2)
    assert ana.sync_token_age_seconds == 5 * 3600
    assert ana.healthy
    assert (ben.last_outcome, ben.consecutive_failures, ben.last_success_at) == ("failed", 2, None)
    assert ben.last_error is not None
    assert "404" in ben.last_error
    assert "secret-token" not in ben.calendar
    assert not ben.healthy
    assert (cy.last_outcome, cy.last_attempt_at, cy.pending_review) == (None, None, 0)


def test_run_outcomes_sum_what_each_run_recorded(tmp_path: Path, database_url: str) -> None:
    ledger = populate(write_config(tmp_path), database_url)
    totals = run_outcomes(ledger, ["r1", "r2"])
    assert totals.calendars == 3
    assert totals.outcomes == {"synced": 1, "failed": 2}
    assert [f["owner"] for f in totals.failed] == ["ben@med.example.edu"] * 2
    assert run_outcomes(ledger, ["r2"]).outcomes == {"failed": 1}


@pytest.mark.parametrize(
    ("seconds", "shown"), [(None, "-"), (59, "59s"), (60, "1m"), (7200, "2h"), (90000, "1d")]
)
def test_ages_are_short_and_human(seconds: int | None, shown: str) -> None:
    assert age(seconds) == shown


def test_status_command_prints_json_and_says_when_no_prefect_server_is_configured(
    tmp_path: Path, database_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MENTORLEDGER_DATABASE_URL", database_url)
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    config_path = write_config(tmp_path)
    populate(config_path, database_url)

    result = run_cli(capsys, "status", "--config", str(config_path), "--format", "json")

    assert result.code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["prefect"] == "no Prefect server configured"
    by_owner = {c["owner"]: c for c in document["calendars"]}
    assert by_owner["ben@med.example.edu"]["consecutive_failures"] == 2
    assert by_owner["ana@med.example.edu"]["pending_review"] == 2
    assert by_owner["cy@med.example.edu"]["last_outcome"] is None


def test_status_table_names_failing_calendars_with_their_reason(
    tmp_path: Path, database_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MENTORLEDGER_DATABASE_URL", database_url)
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    config_path = write_config(tmp_path)
    populate(config_path, database_url)

    result = run_cli(capsys, "status", "--config", str(config_path))

    assert result.code == 0
    assert "1 of 3 calendars healthy" in result.stdout
    assert "HTTP 404" in result.stdout
    assert "no Prefect server configured" in result.stdout
