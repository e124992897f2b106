"""The same department read from ICS files and from Google Calendar (a loopback server speaking
Calendar v3 and OAuth) gives exactly the same hours, and the hand-computed ones."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from mentorledger.config import load_config
from mentorledger.hours import compute_hours
from mentorledger.store.ledger import Ledger
from mentorledger.sync import SyncContext, sync_batch
from tests.google.department import (
    EXPECTED,
    meetings,
    to_google,
    write_google_department,
    write_ics_department,
)
from tests.google.fakes import rsa_key_pair, service_account_info
from tests.google.server import FakeCalendarService, serve


def test_ics_files_and_google_give_identical_hours(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    private, public = rsa_key_pair()
    service = FakeCalendarService(public_key_pem=public, page_size=4)
    for owner, items in meetings().items():
        service.put(owner, *to_google(items, owner))
    ledger = Ledger.open(database_url)
    with serve(service) as base:
        key_file = tmp_path / "service-account.json"
        key_file.write_text(json.dumps(service_account_info(f"{base}/token", private)), encoding="utf-8")
        monkeypatch.setenv("MENTORLEDGER_GOOGLE_CREDENTIALS", str(key_file))
        google = load_config(write_google_department(tmp_path, f"{base}/calendar/v3"))
        ics = load_config(write_ics_department(tmp_path))
        for config in (google, ics):
            outcomes = sync_batch(
                SyncContext(config=config, ledger=ledger, run_id=config.institution), config.calendars
            )
            assert [o.outcome for o in outcomes] == ["synced"] * 3, [o.error for o in outcomes]

    as_of = dt.datetime.now(dt.UTC)
    from_google = compute_hours(google, ledger, as_of=as_of).as_json()
    assert from_google == compute_hours(ics, ledger, as_of=as_of).as_json()
    assert {
        m["email"]: {k: m[k] for k in ("minutes", "by_category", "entries")} for m in from_google["mentors"]
    } == EXPECTED
    # every calendar was read as its owner, with the read-only events scope
    assert sorted(g["sub"] for g in service.grants) == sorted(meetings())
    assert {g["scope"] for g in service.grants} == {
        "https://www.googleapis.com/auth/calendar.events.readonly"
    }
