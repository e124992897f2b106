"""The run-wide Google request budget: a Prefect rate limit the flow sizes and every request takes."""

from __future__ import annotations

import uuid

import pytest
from prefect import flow, get_client

import tasks.google as google_tasks
from mentorledger.errors import SourceError

pytestmark = pytest.mark.prefect


def test_prepared_limit_is_sized_from_the_budget_and_each_request_takes_a_slot(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    name = f"google-test-{uuid.uuid4().hex[:8]}"
    monkeypatch.setattr(google_tasks, "RATE_LIMIT_NAME", name)

    @flow
    def budget() -> None:
        google_tasks.prepare_google_rate_limit(2)  # one slot, refilled once a minute
        google_tasks.throttle()

    budget()
    with get_client(sync_client=True) as client:
        limit = client.read_global_concurrency_limit_by_name(name)
    assert (limit.limit, limit.slot_decay_per_second) == (1, 1 / 60)
    assert limit.active_slots == 1  # the request took the one slot; it frees up in a minute


def test_throttle_without_a_prepared_limit_does_not_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(google_tasks, "RATE_LIMIT_NAME", f"missing-{uuid.uuid4().hex[:8]}")

    @flow
    def unprepared() -> str:
        google_tasks.throttle()
        return "done"

    assert unprepared() == "done"


def test_credentials_can_come_from_a_prefect_secret_block(monkeypatch: pytest.MonkeyPatch) -> None:
    from prefect.blocks.system import Secret

    name = f"google-key-{uuid.uuid4().hex[:8]}"
    token = {"type": "authorized_user", "client_id": "c", "client_secret": "s", "refresh_token": "r"}
    Secret(value=token).save(name)
    monkeypatch.setenv("MENTORLEDGER_GOOGLE_CREDENTIALS_BLOCK", name)
    monkeypatch.delenv("MENTORLEDGER_GOOGLE_CREDENTIALS", raising=False)
    credentials = google_tasks.load_credentials()
    assert credentials.kind == "authorized_user"
    assert credentials.origin == f"Prefect Secret block {name!r}"


def test_a_missing_secret_block_is_a_calendar_failure_saying_what_to_do(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MENTORLEDGER_GOOGLE_CREDENTIALS_BLOCK", f"missing-{uuid.uuid4().hex[:8]}")
    with pytest.raises(
        SourceError, match="not found; create it or unset MENTORLEDGER_GOOGLE_CREDENTIALS_BLOCK"
    ):
        google_tasks.load_credentials()
