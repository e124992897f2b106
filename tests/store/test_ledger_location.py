"""Where the ledger is: one rule, the same from any folder, and old ./var ledgers never silently lost."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from mentorledger.config import load_config
from mentorledger.store.db import HEAD_REVISION, MIGRATIONS, database_url, dispose_all
from mentorledger.store.ledger import Ledger
from mentorledger.store.location import (
    ORIGIN_CONFIG,
    ORIGIN_ENV,
    ORIGIN_HOME,
    legacy_ledger,
    locate_ledger,
    move_ledger,
)
from mentorledger.sync import SyncContext, calendar_ref, sync_batch
from tests.unit.icsbuild import calendar

MEETING = """UID:loc-1
DTSTART;TZID=America/New_York:20251006T090000
DTEND;TZID=America/New_York:20251006T100000
SUMMARY:Career chat #mentoring"""


@pytest.fixture
def no_ledger_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MENTORLEDGER_DATABASE_URL", raising=False)
    monkeypatch.delenv("MENTORLEDGER_HOME", raising=False)


def department(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "ana.ics").write_bytes(calendar(MEETING))
    path = root / "department.yaml"
    path.write_text(
        "institution: X\ntimezone: America/New_York\nwindow: {start: 2025-07-01, end: 2026-06-30}\n"
        "people:\n  - {email: ana@x.edu, name: Ana, department: Peds, rank: professor}\n"
        "calendars:\n  - {owner: ana@x.edu, ics: ana.ics}\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.usefixtures("no_ledger_settings")
def test_the_default_ledger_lives_beside_the_configuration_from_any_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = department(tmp_path / "peds")
    seen = set()
    for folder in (tmp_path, tmp_path / "peds", tmp_path / "elsewhere" / "deeper"):
        folder.mkdir(parents=True, exist_ok=True)
        monkeypatch.chdir(folder)
        location = locate_ledger(config_path=Path(os.path.relpath(config, folder)))  # as a person types it
        seen.add(location.url)
        assert location.origin == ORIGIN_CONFIG
    assert seen == {f"sqlite:///{tmp_path / 'peds' / 'var' / 'mentorledger.db'}"}


@pytest.mark.usefixtures("no_ledger_settings")
def test_mentorledger_home_and_the_database_url_come_before_the_configuration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = department(tmp_path / "peds")
    monkeypatch.setenv("MENTORLEDGER_HOME", str(tmp_path / "service"))
    home = locate_ledger(config_path=config)
    monkeypatch.setenv("MENTORLEDGER_DATABASE_URL", "postgresql+psycopg://db.example.edu/mentorledger")
    url = locate_ledger(config_path=config)
    explicit = locate_ledger("sqlite:////elsewhere/x.db", config_path=config)

    assert (home.url, home.origin) == (
        f"sqlite:///{tmp_path / 'service' / 'var' / 'mentorledger.db'}",
        ORIGIN_HOME,
    )
    assert (url.url, url.origin) == ("postgresql+psycopg://db.example.edu/mentorledger", ORIGIN_ENV)
    assert explicit.url == "sqlite:////elsewhere/x.db"


@pytest.mark.usefixtures("no_ledger_settings")
def test_a_sync_from_another_folder_writes_the_ledger_the_configuration_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = load_config(department(tmp_path / "peds"))
    monkeypatch.chdir(tmp_path)
    sync_batch(
        SyncContext(config=config, ledger=Ledger.open(config_path=config.source_path), run_id="t"),
        config.calendars,
    )
    dispose_all()
    (tmp_path / "other").mkdir()
    monkeypatch.chdir(tmp_path / "other")

    ledger = Ledger.open(config_path=config.source_path)

    assert (
        database_url(config_path=config.source_path)
        == f"sqlite:///{tmp_path / 'peds' / 'var' / 'mentorledger.db'}"
    )
    assert ledger.state(calendar_ref(config.calendars[0]).calendar_key) is not None
    assert not (tmp_path / "var").exists()
    assert not (tmp_path / "other" / "var").exists()
    dispose_all()


@dataclass(frozen=True)
class OldLedger:
    config_path: Path  # the department, in ./peds
    path: Path  # its ledger where commands used to put it: ./var/ of the folder they ran in
    key: str  # the key of the department's calendar, which the old ledger holds


@pytest.fixture
def old_ledger_here(no_ledger_settings: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> OldLedger:
    """A department whose calendar was synced into ./var of the working folder, as commands used to."""
    config_path = department(tmp_path / "peds")
    config = load_config(config_path)
    old = tmp_path / "var" / "mentorledger.db"
    ledger = Ledger.open(f"sqlite:///{old}")
    sync_batch(SyncContext(config=config, ledger=ledger, run_id="old"), config.calendars)
    dispose_all()
    monkeypatch.chdir(tmp_path)
    return OldLedger(config_path, old, calendar_ref(config.calendars[0]).calendar_key)


def test_an_old_ledger_in_this_folder_that_holds_the_calendars_is_found(
    old_ledger_here: OldLedger, tmp_path: Path
) -> None:
    config_path, old, key = old_ledger_here.config_path, old_ledger_here.path, old_ledger_here.key

    found = legacy_ledger(locate_ledger(config_path=config_path), [key])
    unrelated = legacy_ledger(locate_ledger(config_path=config_path), ["some-other-calendar"])
    named = legacy_ledger(locate_ledger(f"sqlite:///{tmp_path / 'x.db'}", config_path=config_path), [key])

    assert found is not None
    assert (found.path, found.calendars, found.describe()) == (old, 1, "1 calendar")
    assert unrelated is None  # someone else's ledger: left alone, no note
    assert named is None  # a ledger the user named is never second-guessed


def test_moving_an_old_ledger_keeps_every_row_and_the_old_file(
    old_ledger_here: OldLedger, tmp_path: Path
) -> None:
    config_path, old = old_ledger_here.config_path, old_ledger_here.path
    target = tmp_path / "peds" / "var" / "mentorledger.db"
    with sqlite3.connect(old) as connection:
        before = connection.execute("SELECT count(*) FROM entries").fetchone()

    kept = move_ledger(old, target)

    with sqlite3.connect(target) as connection:
        assert connection.execute("SELECT count(*) FROM entries").fetchone() == before
    assert before == (1,)
    assert kept == old.with_name("mentorledger.db.moved")
    assert kept.is_file()
    assert not old.exists()
    assert legacy_ledger(locate_ledger(config_path=config_path), [old_ledger_here.key]) is None


def test_the_known_head_revision_is_the_newest_migration() -> None:
    """store.db opens a ledger at HEAD_REVISION without running Alembic: it must name the newest script."""
    assert ScriptDirectory(str(MIGRATIONS)).get_heads() == [HEAD_REVISION]
