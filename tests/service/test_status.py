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
from mentorledger.status import age, calendar_health, needs_attention, run_outcomes
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


@pytest.fixture
def status_config(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The populated department as `mentorledger status` meets it: the test ledger named by
    MENTORLEDGER_DATABASE_URL and no Prefect server configured; returns the configuration's path."""
    monkeypatch.setenv("MENTORLEDGER_DATABASE_URL", database_url)
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    config_path = write_config(tmp_path)
    populate(config_path, database_url)
    return config_path


@pytest.mark.parametrize(
    ("seconds", "shown"), [(None, "-"), (59, "59s"), (60, "1m"), (7200, "2h"), (90000, "1d")]
)
def test_ages_are_short_and_human(seconds: int | None, shown: str) -> None:
    assert age(seconds) == shown


def test_status_command_prints_json_and_says_when_no_prefect_server_is_configured(
    status_config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_cli(capsys, "status", "--config", str(status_config), "--format", "json")

    assert result.code == 1, result.stderr  # Ben's calendar fails and Cy's was never synced
    document = json.loads(result.stdout)
    assert document["prefect"] == "no Prefect server configured"
    by_owner = {c["owner"]: c for c in document["calendars"]}
    assert by_owner["ben@med.example.edu"]["consecutive_failures"] == 2
    assert by_owner["ana@med.example.edu"]["pending_review"] == 2
    assert by_owner["cy@med.example.edu"]["last_outcome"] is None
    assert {owner: c["attention"] for owner, c in by_owner.items()} == {
        "ana@med.example.edu": None,
        "ben@med.example.edu": "failing (2 time(s) in a row)",
        "cy@med.example.edu": "never synced",
    }
    assert (document["needs_attention"], document["stale_after_hours"]) == (2, 24.0)


def test_status_table_names_failing_calendars_with_their_reason(
    status_config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_cli(capsys, "status", "--config", str(status_config))

    assert result.code == 1
    assert "1 of 3 calendars healthy" in result.stdout
    assert "HTTP 404" in result.stdout
    assert "2 need attention (stale after 1d): ben@med.example.edu" in result.stdout
    assert "no Prefect server configured" in result.stdout


def test_status_exits_0_when_every_calendar_synced_within_the_threshold(
    status_config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config_path = status_config
    text = config_path.read_text(encoding="utf-8")
    only_ana = "\n".join(
        line
        for line in text.splitlines()
        if "ben.ics" not in line and "cy.ics" not in line and "secret-token" not in line
    )
    config_path.write_text(only_ana + "\n", encoding="utf-8")

    result = run_cli(capsys, "status", "--config", str(config_path), "--stale-after", "2")

    assert result.code == 0, result.stdout
    assert "1 of 1 calendars healthy" in result.stdout
    assert "need attention" not in result.stdout


def test_a_calendar_without_a_successful_sync_past_the_threshold_needs_attention(
    tmp_path: Path, database_url: str
) -> None:
    config_path = write_config(tmp_path)
    ledger = populate(config_path, database_url)
    ana = calendar_health(load_config(config_path), ledger)[0]
    assert ana.last_success_at is not None
    later = ana.last_success_at.replace(tzinfo=dt.UTC) + dt.timedelta(hours=30)

    assert needs_attention(ana, now=later, stale_after=dt.timedelta(hours=24)) == "no successful sync for 1d"
    assert needs_attention(ana, now=later, stale_after=dt.timedelta(hours=48)) is None
