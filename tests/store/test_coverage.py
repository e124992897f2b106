"""The ledger records, per calendar, which span its successful syncs covered and since when it has been
failing, in the one place a sync ends (``Ledger._finish``); revision 0005_coverage brings older
ledgers along."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import text

from mentorledger.config import Config
from mentorledger.coverage import Covered
from mentorledger.sources.protocol import Cursor
from mentorledger.store.db import MIGRATIONS, engine_for
from mentorledger.store.ledger import CalendarState, Ledger, RunRecord
from mentorledger.sync import SyncContext, calendar_ref, sync_batch
from tests.unit.icsbuild import calendar
from tests.unit.support import ANA, BEN, WINDOW_END, WINDOW_START, write_config

FEED = calendar(
    f"""UID:cov-1
DTSTART;TZID=America/New_York:20251006T090000
DTEND;TZID=America/New_York:20251006T100000
ORGANIZER:mailto:{ANA}
ATTENDEE;PARTSTAT=ACCEPTED:mailto:{BEN}
SUMMARY:Check-in"""
)


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def at(moment: dt.datetime) -> Callable[[], dt.datetime]:
    return lambda: moment


def setup(tmp_path: Path) -> Config:
    (tmp_path / "ana.ics").write_bytes(FEED)
    return write_config(tmp_path, [(ANA, "ana.ics")])


def sync(config: Config, database_url: str, moment: dt.datetime) -> str:
    ledger = Ledger.open(database_url, clock=at(moment))
    context = SyncContext(config=config, ledger=ledger, run_id=moment.isoformat(), sleep=lambda _s: None)
    (outcome,) = sync_batch(context, config.calendars)
    return outcome.outcome


def coverage(config: Config, database_url: str) -> tuple[tuple[Covered, ...], dt.datetime | None]:
    key = calendar_ref(config.calendars[0]).calendar_key
    found = Ledger.open(database_url).coverage([key])[key]
    return found.spans, found.failing_since


def test_a_sync_covers_its_window_up_to_the_moment_it_ran_and_later_syncs_extend_it(
    tmp_path: Path, database_url: str
) -> None:
    config = setup(tmp_path)
    assert sync(config, database_url, utc(2025, 11, 1)) == "synced"
    assert coverage(config, database_url) == (
        (Covered(WINDOW_START, utc(2025, 11, 1), utc(2025, 11, 1)),),
        None,
    )
    # an unchanged feed re-covers the window of the last full sync, up to the new moment
    assert sync(config, database_url, utc(2026, 2, 1)) == "unchanged"
    assert coverage(config, database_url)[0] == (Covered(WINDOW_START, utc(2026, 2, 1), utc(2026, 2, 1)),)
    # after the window's end, the whole window is covered; the span remembers when it was seen
    assert sync(config, database_url, utc(2026, 9, 1)) == "unchanged"
    assert coverage(config, database_url)[0] == (Covered(WINDOW_START, WINDOW_END, utc(2026, 9, 1)),)


def test_failing_since_is_the_first_failure_after_the_last_success(tmp_path: Path, database_url: str) -> None:
    config = setup(tmp_path)
    assert sync(config, database_url, utc(2025, 11, 1)) == "synced"
    (tmp_path / "ana.ics").unlink()  # the calendar can no longer be read
    assert sync(config, database_url, utc(2025, 12, 1)) == "failed"
    assert sync(config, database_url, utc(2025, 12, 8)) == "failed"
    spans, failing_since = coverage(config, database_url)
    assert failing_since == utc(2025, 12, 1)
    assert spans == (Covered(WINDOW_START, utc(2025, 11, 1), utc(2025, 11, 1)),)  # failures cover nothing
    (tmp_path / "ana.ics").write_bytes(FEED)
    assert sync(config, database_url, utc(2026, 1, 5)) == "unchanged"  # the same feed again
    assert coverage(config, database_url) == (
        (Covered(WINDOW_START, utc(2026, 1, 5), utc(2026, 1, 5)),),
        None,
    )


def test_an_incremental_sync_covers_the_window_its_cursor_stands_for(
    tmp_path: Path, database_url: str
) -> None:
    config = setup(tmp_path)
    ref = calendar_ref(config.calendars[0])
    state = CalendarState(rules_fingerprint="f", cursor=Cursor(1, token="t1"))
    Ledger.open(database_url, clock=at(utc(2025, 10, 1))).apply(
        ref,
        [],
        window=(WINDOW_START, WINDOW_END),
        state=state,
        run=RunRecord("r1", utc(2025, 10, 1), "synced"),
    )
    Ledger.open(database_url, clock=at(utc(2025, 12, 1))).apply_changes(
        ref,
        [],
        [],
        window=(WINDOW_START, WINDOW_END),
        state=state,
        run=RunRecord("r2", utc(2025, 12, 1), "unchanged"),
    )
    assert coverage(config, database_url)[0] == (Covered(WINDOW_START, utc(2025, 12, 1), utc(2025, 12, 1)),)


def _alembic(connection: object) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def test_a_ledger_from_before_coverage_is_backfilled_and_its_next_sync_stays_unchanged(
    tmp_path: Path, database_url: str
) -> None:
    config = setup(tmp_path)
    assert sync(config, database_url, utc(2025, 11, 1)) == "synced"
    engine = engine_for(database_url)
    with engine.begin() as connection:
        command.downgrade(_alembic(connection), "0002_invites")
    with engine.connect() as connection:  # the downgrade kept every entry (no cascade from a table copy)
        assert connection.execute(text("SELECT COUNT(*) FROM entries")).scalar() == 1
    with engine.begin() as connection:  # a failure after the last success, as an old ledger kept it
        connection.execute(
            text(
                "INSERT INTO calendar_runs (run_id, calendar_id, started_at, finished_at, outcome, error, "
                "created, updated, removed, unchanged, dropped, problems) SELECT 'old', id, :t, :t, 'failed', "
                "'down', 0, 0, 0, 0, '{}', '[]' FROM calendars"
            ),
            {
                "t": utc(2025, 11, 3, 9)
                if engine.dialect.name == "postgresql"
                else dt.datetime(2025, 11, 3, 9)
            },
        )
        connection.execute(text("UPDATE calendars SET consecutive_failures = 1"))
        command.upgrade(_alembic(connection), "head")
    spans, failing_since = coverage(config, database_url)
    # from the earliest stored entry (Oct 6, 09:00 EDT) to the last success
    assert spans == (Covered(utc(2025, 10, 6, 13), utc(2025, 11, 1), utc(2025, 11, 1)),)
    assert failing_since == utc(2025, 11, 3, 9)
    state = Ledger.open(database_url).state(calendar_ref(config.calendars[0]).calendar_key)
    assert state is not None
    assert state.cursor is not None  # the upgrade kept the feed's cursor: nothing is read again
    # the feed and rules are unchanged, so the cursor stands for the configured window: the next sync
    # is "unchanged" and covers that window up to its moment (merged with the backfilled span)
    assert sync(config, database_url, utc(2025, 11, 10)) == "unchanged"
    assert coverage(config, database_url) == (
        (Covered(WINDOW_START, utc(2025, 11, 10), utc(2025, 11, 10)),),
        None,
    )
