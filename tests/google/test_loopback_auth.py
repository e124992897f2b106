"""Authentication against a loopback OAuth endpoint: a refused token fails only that owner's calendar."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mentorledger.store.ledger import Ledger
from mentorledger.sync import SyncContext, sync_batch
from tests.google.fakes import ANA, BEN, event, rsa_key_pair, service_account_info, write_config
from tests.google.server import FakeCalendarService, serve


def test_owner_the_service_account_may_not_impersonate_fails_alone_without_retries(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    private, public = rsa_key_pair()
    service = FakeCalendarService(public_key_pem=public)
    service.put(ANA, event("e1", "2025-10-01T10:00:00-04:00", "2025-10-01T11:00:00-04:00"))
    # BEN has no calendar on this server: the token endpoint answers unauthorized_client for him
    with serve(service) as base:
        key = tmp_path / "key.json"
        key.write_text(json.dumps(service_account_info(f"{base}/token", private)), encoding="utf-8")
        monkeypatch.setenv("MENTORLEDGER_GOOGLE_CREDENTIALS", str(key))
        config = write_config(
            tmp_path,
            [f"{{owner: {BEN}, google: primary}}", f"{{owner: {ANA}, google: primary}}"],
            extra=f"google_api_endpoint: {base}/calendar/v3/\n",
        )
        sleeps: list[float] = []
        ben, ana = sync_batch(
            SyncContext(config=config, ledger=Ledger.open(database_url), run_id="r", sleep=sleeps.append),
            config.calendars,
        )
    assert ben.outcome == "failed"
    assert "refused an access token" in (ben.error or "")
    assert "unauthorized_client" in (ben.error or "")
    assert private.splitlines()[1] not in (ben.error or "")
    assert sleeps == []
    assert [g["sub"] for g in service.grants].count(BEN) == 1
    assert (ana.outcome, ana.entries) == ("synced", 1)
