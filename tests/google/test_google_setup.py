"""Credentials, configuration keys, the request budget and the ledger's incremental write."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from mentorledger.config import check_config
from mentorledger.counting import Category, Entry
from mentorledger.errors import SourceError
from mentorledger.sources.budget import rate_limit_shape
from mentorledger.sources.google.access import GoogleAccess
from mentorledger.sources.google.client import normalized_endpoint
from mentorledger.sources.google.credentials import SCOPE, credentials_from_environment, credentials_from_info
from mentorledger.sources.protocol import Cursor
from mentorledger.store.ledger import ApplyStats, CalendarRef, CalendarState, Ledger, RunRecord
from mentorledger.store.schema import AuditRow, EntryRow
from tests.google.fakes import ANA, DEPARTMENT, rsa_key_pair, service_account_info

# -- credentials ---------------------------------------------------------------------------------------


def test_service_account_impersonates_the_owner_with_the_read_only_events_scope(tmp_path: Path) -> None:
    private, _ = rsa_key_pair()
    key = tmp_path / "key.json"
    key.write_text(json.dumps(service_account_info("http://127.0.0.1:1/token", private)), encoding="utf-8")
    credentials = credentials_from_environment({"MENTORLEDGER_GOOGLE_CREDENTIALS": str(key)})
    assert credentials.kind == "service_account"
    assert private not in repr(credentials)
    google = credentials.for_owner(ANA)
    assert google._subject == ANA
    assert google._scopes == [SCOPE]
    assert google._token_uri == "http://127.0.0.1:1/token"


def test_authorized_user_token_is_accepted() -> None:
    info = {"type": "authorized_user", "client_id": "c", "client_secret": "s", "refresh_token": "r"}
    credentials = credentials_from_info(json.dumps(info), "test")
    assert credentials.for_owner(ANA).refresh_token == "r"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("not json", "not JSON"),
        ('{"installed": {"client_id": "x"}}', "OAuth client file"),
        ('{"type": "external_account"}', "expected 'service_account'"),
        ('{"type": "service_account", "client_email": "x"}', "lack private_key, token_uri"),
    ],
)
def test_unusable_credentials_say_what_is_wrong(tmp_path: Path, content: str, expected: str) -> None:
    key = tmp_path / "key.json"
    key.write_text(content, encoding="utf-8")
    with pytest.raises(SourceError, match=expected):
        credentials_from_environment({"MENTORLEDGER_GOOGLE_CREDENTIALS": str(key)})


def test_missing_credentials_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="not found"):
        credentials_from_environment({"MENTORLEDGER_GOOGLE_CREDENTIALS": str(tmp_path / "nope.json")})


def test_damaged_private_key_is_a_source_error_not_a_crash() -> None:
    info = service_account_info(
        "http://127.0.0.1:1/token", "-----BEGIN PRIVATE KEY-----\nbroken\n-----END PRIVATE KEY-----\n"
    )
    with pytest.raises(SourceError, match="not usable"):
        credentials_from_info(info, "test").for_owner(ANA)


def test_every_calendar_gets_its_own_http_object() -> None:
    private, _ = rsa_key_pair()
    info = service_account_info("http://127.0.0.1:1/token", private)
    access = GoogleAccess(load_credentials=lambda: credentials_from_info(info, "test"))
    first, second = access.http(ANA), access.http(ANA)
    assert first is not second
    assert first.http is not second.http


# -- configuration -------------------------------------------------------------------------------------


def write(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "dept.yaml"
    path.write_text(DEPARTMENT + extra, encoding="utf-8")
    return path


def test_google_settings_are_read(tmp_path: Path) -> None:
    problems, config = check_config(
        write(
            tmp_path,
            "google_api_endpoint: http://127.0.0.1:8080/calendar/v3\ngoogle: {requests_per_minute: 120}\n"
            f"calendars:\n  - {{owner: {ANA}, google: primary}}\n",
        )
    )
    assert problems == []
    assert config is not None
    assert config.google_api_endpoint == "http://127.0.0.1:8080/calendar/v3"
    assert config.google.requests_per_minute == 120


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            "google_api_endpoint: ftp://example.edu/\n",
            "google_api_endpoint: 'ftp://example.edu/' is not an http(s) URL",
        ),
        ("google: {requests_per_minute: 0}\n", "google.requests_per_minute"),
        ("google: {credentials: /tmp/key.json}\n", "google.credentials: unknown key"),
        (f"calendars:\n  - {{owner: {ANA}, google: ''}}\n", "'google' is empty"),
    ],
)
def test_bad_google_settings_are_reported_with_their_line(tmp_path: Path, extra: str, expected: str) -> None:
    problems, _ = check_config(write(tmp_path, extra))
    assert len(problems) == 1
    assert expected in problems[0]
    assert "dept.yaml:1" in problems[0]


def test_endpoint_gets_a_trailing_slash_so_its_path_is_kept() -> None:
    assert normalized_endpoint("http://h:1/calendar/v3") == "http://h:1/calendar/v3/"
    assert normalized_endpoint("http://h:1/calendar/v3/") == "http://h:1/calendar/v3/"
    assert normalized_endpoint(None) is None


@pytest.mark.parametrize("per_minute", [2, 10, 59, 600, 6000, 100_000])
def test_rate_limit_never_admits_more_than_the_budget_in_a_minute(per_minute: int) -> None:
    slots, decay = rate_limit_shape(per_minute)
    assert slots >= 1
    assert decay > 0
    assert slots + decay * 60 <= per_minute + 1e-9  # a full burst plus a minute of refill


# -- the ledger's incremental write --------------------------------------------------------------------


def entry(key: str, start_hour: int, minutes: int = 60) -> Entry:
    start = dt.datetime(2025, 10, 1, start_hour, tzinfo=dt.UTC)
    return Entry(
        key,
        f"event-{key}",
        ANA,
        start,
        start + dt.timedelta(minutes=minutes),
        Category.TAG,
        "tag:#m",
        None,
        (),
    )


def test_apply_changes_touches_only_the_entries_it_is_given(database_url: str) -> None:
    ledger = Ledger.open(database_url)
    ref = CalendarRef("cal", ANA, "google", "primary")
    window = (dt.datetime(2025, 7, 1, tzinfo=dt.UTC), dt.datetime(2026, 7, 1, tzinfo=dt.UTC))
    run = RunRecord("r1", dt.datetime.now(dt.UTC), "synced")
    ledger.apply(
        ref, [entry("a", 10), entry("b", 12), entry("c", 14)], window=window, state=CalendarState(), run=run
    )

    stats = ledger.apply_changes(
        ref,
        [entry("a", 10, 90), entry("d", 16)],
        {"b", "never-stored"},
        window=window,
        state=CalendarState(cursor=Cursor(1, token="tok-2")),
        run=RunRecord("r2", dt.datetime.now(dt.UTC), "synced"),
    )
    assert (stats.created, stats.updated, stats.removed, stats.unchanged) == (1, 1, 1, 0)
    active = {e.source_key: e.end - e.start for e in ledger.entries(["cal"], *window)}
    assert active == {
        "a": dt.timedelta(minutes=90),
        "c": dt.timedelta(minutes=60),
        "d": dt.timedelta(minutes=60),
    }
    state = ledger.state("cal")
    assert state is not None
    assert state.cursor is not None
    assert state.cursor.token == "tok-2"
    with Session(ledger.engine) as session:
        actions = sorted(
            (row.source_key, row.action)
            for row in session.scalars(select(AuditRow).where(AuditRow.run_id == "r2"))
        )
        removed = session.scalar(select(EntryRow.status).where(EntryRow.source_key == "b"))
    assert actions == [("a", "updated"), ("b", "removed"), ("d", "created")]
    assert removed == "removed"


def test_apply_changes_restores_a_removed_entry_that_comes_back(database_url: str) -> None:
    ledger = Ledger.open(database_url)
    ref = CalendarRef("cal", ANA, "google", "primary")
    state = CalendarState()
    window = (dt.datetime(2025, 7, 1, tzinfo=dt.UTC), dt.datetime(2026, 7, 1, tzinfo=dt.UTC))

    def changes(upserts: list[Entry], removals: list[str], run_id: str) -> ApplyStats:
        run = RunRecord(run_id, dt.datetime.now(dt.UTC), "synced")
        return ledger.apply_changes(ref, upserts, removals, window=window, state=state, run=run)

    changes([entry("a", 10)], [], "r1")
    changes([], ["a"], "r2")
    stats = changes([entry("a", 10)], [], "r3")
    assert stats.updated == 1
    with Session(ledger.engine) as session:
        assert session.scalar(select(AuditRow.action).where(AuditRow.run_id == "r3")) == "restored"
