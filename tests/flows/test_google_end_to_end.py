"""``mentorledger sync`` end to end against a loopback Google Calendar (events.list with pages, sync
tokens, 410 and 429) and OAuth token endpoint, through the real CLI, Prefect flow and rate limit."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from prefect import get_client
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mentorledger.store.ledger import Ledger
from mentorledger.store.schema import AuditRow
from tests.clirunner import run_cli
from tests.google.department import (
    ANA,
    EXPECTED,
    Meeting,
    local,
    meetings,
    to_google,
    write_google_department,
    write_ics_department,
)
from tests.google.fakes import rsa_key_pair, service_account_info
from tests.google.server import FakeCalendarService, serve

pytestmark = pytest.mark.prefect


def hours(capsys: pytest.CaptureFixture[str], config: Path) -> dict[str, Any]:
    # one as-of instant for every read, so two reads of the same ledger compare equal
    result = run_cli(capsys, "hours", "--config", str(config), "--format", "json", "--as-of", "2026-07-01")
    assert result.code == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def edited_department() -> dict[str, list[Meeting]]:
    """Ana's 11-05 1:1 runs 90 minutes, her 10-29 1:1 is cancelled, the tagged meeting is deleted."""
    department = meetings()
    weekly, *rest = department[ANA]
    weekly = dataclasses.replace(
        weekly, moved={**weekly.moved, 5: (local(2025, 11, 5, 10), 90)}, cancelled=[*weekly.cancelled, 4]
    )
    department[ANA] = [weekly, *(m for m in rest if m.uid != "tagged-overlap")]
    return department


def test_sync_through_a_google_like_server_matches_ics_and_applies_only_edits(
    tmp_path: Path, database_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MENTORLEDGER_DATABASE_URL", database_url)
    private, public = rsa_key_pair()
    service = FakeCalendarService(public_key_pem=public, page_size=3)
    before = {owner: to_google(items, owner) for owner, items in meetings().items()}
    for owner, items in before.items():
        service.put(owner, *items)
    ics_root, google_root = tmp_path / "ics", tmp_path / "google"
    ics_root.mkdir()
    google_root.mkdir()

    with serve(service) as base:
        key_file = tmp_path / "service-account.json"
        key_file.write_text(json.dumps(service_account_info(f"{base}/token", private)), encoding="utf-8")
        monkeypatch.setenv("MENTORLEDGER_GOOGLE_CREDENTIALS", str(key_file))
        google_config = write_google_department(google_root, f"{base}/calendar/v3")
        service.failures = [429]  # the very first request is rate-limited, then retried

        first = run_cli(capsys, "sync", "--config", str(google_config))
        assert first.code == 0, first.stderr
        assert "3 synced" in first.stdout
        assert (first.stdout + first.stderr).count("private_key") == 0
        assert service.requests[0][1].get("syncToken") is None
        assert len(service.requests) >= 1 + 4  # the retry, and more than one page for Ana (page size 3)

        ics_config = write_ics_department(ics_root)
        assert run_cli(capsys, "sync", "--config", str(ics_config)).code == 0
        from_google = hours(capsys, google_config)
        assert from_google == hours(capsys, ics_config)
        assert {
            m["email"]: {k: m[k] for k in EXPECTED[m["email"]]} for m in from_google["mentors"]
        } == EXPECTED

        # Edits on the server: changed instances come back with the sync token, the deletion as a stub.
        after = {owner: to_google(items, owner) for owner, items in edited_department().items()}
        old_ana = {e["id"]: e for e in before[ANA]}
        new_ana = {e["id"]: e for e in after[ANA]}
        service.put(ANA, *(e for i, e in new_ana.items() if old_ana.get(i) != e))
        for gone in old_ana.keys() - new_ana.keys():
            service.delete(ANA, gone)
        with Session(Ledger.open(database_url).engine) as session:
            audit_before = session.scalar(select(func.count()).select_from(AuditRow))
        seen = len(service.requests)

        second = run_cli(capsys, "sync", "--config", str(google_config))
        assert second.code == 0, second.stderr
        assert "1 synced, 2 unchanged" in second.stdout
        assert all(query.get("syncToken") for _, query in service.requests[seen:])
        with Session(Ledger.open(database_url).engine) as session:
            audit_after = session.scalar(select(func.count()).select_from(AuditRow))
        assert audit_after - audit_before == 3  # one update, two removals: only the edits

        edited_ics = ics_root / "edited"
        edited_ics.mkdir()
        ics_after = _write_ics(edited_ics, edited_department())
        assert run_cli(capsys, "sync", "--config", str(ics_after)).code == 0
        edited = hours(capsys, google_config)
        assert edited == hours(capsys, ics_after)
        ana = next(m for m in edited["mentors"] if m["email"] == ANA)
        assert (ana["minutes"], ana["entries"]) == (435 + 30 - 60 - 30, 8 - 2)

        # Stale tokens: 410 Gone, then a full resync that changes nothing.
        service.expire_sync_tokens()
        seen = len(service.requests)
        third = run_cli(capsys, "sync", "--config", str(google_config))
        assert third.code == 0, third.stderr
        resync = service.requests[seen:]
        assert sum(1 for _, q in resync if q.get("syncToken")) == 3
        assert sum(1 for _, q in resync if not q.get("syncToken") and not q.get("pageToken")) == 3
        assert hours(capsys, google_config) == edited

    assert {g["scope"] for g in service.grants} == {
        "https://www.googleapis.com/auth/calendar.events.readonly"
    }
    assert {g["sub"] for g in service.grants} == set(meetings())
    # the run's request budget (google.requests_per_minute: 6000) became the Prefect rate limit
    with get_client(sync_client=True) as client:
        limit = client.read_global_concurrency_limit_by_name("google-calendar-requests")
    assert (limit.limit, limit.slot_decay_per_second) == (600, (6000 - 600) / 60)


def _write_ics(root: Path, department: dict[str, list[Meeting]]) -> Path:
    from tests.google import department as dept

    lines = []
    for owner, items in department.items():
        name = owner.split("@")[0]
        (root / f"{name}.ics").write_text(dept.to_ics(items), encoding="utf-8")
        lines.append(f"  - {{owner: {owner}, ics: {name}.ics}}\n")
    path = root / "edited.yaml"
    path.write_text(dept.PEOPLE + "calendars:\n" + "".join(lines), encoding="utf-8")
    return path
