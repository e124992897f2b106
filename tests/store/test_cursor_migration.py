"""Revision 0003_source_cursor: a ledger written by the code before it upgrades in place and loses
nothing. The rows in tests/data/ledgers/main-0002 were written by main's own sync (see its README)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import Engine, create_engine, func, select
from sqlalchemy.orm import Session

from mentorledger.config import load_config
from mentorledger.sources.protocol import Cursor
from mentorledger.store.db import MIGRATIONS
from mentorledger.store.ledger import Ledger
from mentorledger.store.schema import AuditRow, EntryRow
from mentorledger.sync import SyncContext, sync_batch
from tests.google.fakes import CARA, FakeGoogle, page

FIXTURE = Path(__file__).resolve().parent.parent / "data" / "ledgers" / "main-0002"
TABLES = ("calendars", "entries", "entry_audit", "calendar_runs")


def _alembic(engine: Engine, revision: str, *, down: bool = False) -> None:
    alembic_cfg = AlembicConfig()
    alembic_cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        alembic_cfg.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(alembic_cfg, revision)


@pytest.fixture
def old_engine(database_url: str) -> Iterator[Engine]:
    """The test database at revision 0002_invites, as main left every ledger."""
    engine = create_engine(database_url)
    _alembic(engine, "0002_invites")
    yield engine
    engine.dispose()


def _value(value: Any, dialect: str) -> Any:
    if isinstance(value, str) and len(value) >= 25 and value[10:11] == "T" and value.endswith("+00:00"):
        moment = dt.datetime.fromisoformat(value)
        return moment.replace(tzinfo=None) if dialect == "sqlite" else moment
    return value


def _load_rows(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    rows: dict[str, list[dict[str, Any]]] = json.loads((FIXTURE / "rows.json").read_text(encoding="utf-8"))
    metadata = sa.MetaData()
    with engine.begin() as connection:
        for name in TABLES:
            table = sa.Table(name, metadata, autoload_with=connection)
            values = [{k: _value(v, engine.dialect.name) for k, v in row.items()} for row in rows[name]]
            connection.execute(sa.insert(table), values)
            if engine.dialect.name == "postgresql":  # rows came with their ids: move the sequence on
                connection.execute(
                    sa.text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM {name}))"
                    )
                )
    return rows


def _entries(ledger: Ledger) -> list[tuple[str, str, str, str]]:
    with Session(ledger.engine) as session:
        query = select(EntryRow.source_key, EntryRow.fingerprint, EntryRow.status, EntryRow.review)
        return sorted(session.execute(query).tuples())


def test_a_ledger_written_by_main_syncs_unchanged_after_the_upgrade_and_keeps_its_entries(
    tmp_path: Path, database_url: str, old_engine: Engine
) -> None:
    rows = _load_rows(old_engine)
    shutil.copytree(FIXTURE, tmp_path / "dept")
    config = load_config(tmp_path / "dept" / "department.yaml")
    ledger = Ledger.open(database_url)  # migrates to head
    before = _entries(ledger)
    assert len(before) == len(rows["entries"]) == 12

    fake = FakeGoogle()
    fake.respond(CARA, page([], sync_token="sync-2"))
    context = SyncContext(config=config, ledger=ledger, run_id="upgraded", provided={"google": fake.access()})
    outcomes = sync_batch(context, config.calendars)

    assert [(o.owner, o.outcome) for o in outcomes] == [(c.owner, "unchanged") for c in config.calendars]
    (google_request,) = fake.requests(CARA)
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(google_request).query)["syncToken"] == ["sync-1"]
    assert _entries(ledger) == before
    with Session(ledger.engine) as session:
        assert session.scalar(select(func.count()).select_from(AuditRow)) == len(rows["entry_audit"])

    # The same source keys: an edit after the upgrade updates the stored entry, it does not add one.
    ics = tmp_path / "dept" / "ics" / "ana.ics"
    ics.write_text(
        ics.read_text(encoding="utf-8").replace(
            "DTEND;TZID=America/New_York:20251112T133000", "DTEND;TZID=America/New_York:20251112T140000"
        ),
        encoding="utf-8",
    )
    fake.respond(CARA, page([], sync_token="sync-3"))
    ana, _cara = sync_batch(
        SyncContext(config=config, ledger=ledger, run_id="edited", provided={"google": fake.access()}),
        config.calendars,
    )
    assert (ana.outcome, ana.created, ana.updated, ana.removed) == ("synced", 0, 1, 0)


def test_every_old_state_column_moves_into_the_cursor_and_back(old_engine: Engine) -> None:
    calendars = sa.Table("calendars", sa.MetaData(), autoload_with=old_engine)
    empty = dict.fromkeys(("etag", "last_modified", "content_hash", "rules_fingerprint", "sync_token"))
    with old_engine.begin() as connection:
        connection.execute(
            sa.insert(calendars),
            [
                {**empty, **row}
                for row in [
                    {
                        "calendar_key": "k-full",
                        "owner": "a@x.edu",
                        "kind": "ics",
                        "label": "https://x/…",
                        "etag": '"v7"',
                        "last_modified": "Mon, 01 Dec 2025 10:00:00 GMT",
                        "content_hash": "c" * 64,
                        "rules_fingerprint": "r1",
                        "sync_token": None,
                        "consecutive_failures": 0,
                    },
                    {
                        "calendar_key": "k-token",
                        "owner": "b@x.edu",
                        "kind": "google",
                        "label": "primary",
                        "rules_fingerprint": "r2",
                        "sync_token": "CPDAlvWDx70CEPDAlvWDx70CGAU=",
                        "consecutive_failures": 0,
                    },
                    {
                        "calendar_key": "k-none",
                        "owner": "c@x.edu",
                        "kind": "ics",
                        "label": "c.ics",
                        "consecutive_failures": 0,
                    },
                ]
            ],
        )
    _alembic(old_engine, "0003_source_cursor")
    with old_engine.connect() as connection:
        result = connection.execute(sa.text("SELECT calendar_key, cursor FROM calendars"))
        cursors = {row[0]: row[1] for row in result}
        columns = {c["name"] for c in sa.inspect(connection).get_columns("calendars")}
    decoded = {key: json.loads(value) if isinstance(value, str) else value for key, value in cursors.items()}
    assert decoded == {
        "k-full": {
            "version": 1,
            "token": None,
            "data": {
                "etag": '"v7"',
                "last_modified": "Mon, 01 Dec 2025 10:00:00 GMT",
                "content_hash": "c" * 64,
            },
        },
        "k-token": {"version": 1, "token": "CPDAlvWDx70CEPDAlvWDx70CGAU=", "data": {}},
        "k-none": None,
    }
    assert Cursor.from_json(decoded["k-token"]) == Cursor(1, token="CPDAlvWDx70CEPDAlvWDx70CGAU=")
    assert not {"etag", "last_modified", "content_hash", "sync_token"} & columns

    _alembic(old_engine, "0002_invites", down=True)
    with old_engine.connect() as connection:
        restored = {
            row[0]: tuple(row[1:])
            for row in connection.execute(
                sa.text("SELECT calendar_key, etag, last_modified, content_hash, sync_token FROM calendars")
            )
        }
    assert restored == {
        "k-full": ('"v7"', "Mon, 01 Dec 2025 10:00:00 GMT", "c" * 64, None),
        "k-token": (None, None, None, "CPDAlvWDx70CEPDAlvWDx70CGAU="),
        "k-none": (None, None, None, None),
    }
