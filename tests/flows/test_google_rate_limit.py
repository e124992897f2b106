"""The run-wide request budgets (Google's among them): Prefect rate limits the flow sizes from what the
sources declare, and every request takes; credentials from Prefect Secret blocks."""

from __future__ import annotations

import uuid

import pytest
from prefect import flow, get_client

import tasks.runtime as runtime_tasks
from mentorledger.errors import SourceError
from mentorledger.sources.google.credentials import load_credentials
from mentorledger.sources.protocol import RequestBudget

pytestmark = pytest.mark.prefect


def test_prepared_limit_is_sized_from_the_budget_and_each_request_takes_a_slot() -> None:
    name = f"google-test-{uuid.uuid4().hex[:8]}"

    @flow
    def budget() -> None:
        runtime_tasks.prepare_request_budgets([RequestBudget(name, 2)])  # one slot, refilled once a minute
        runtime_tasks.take(name)

    budget()
    with get_client(sync_client=True) as client:
        limit = client.read_global_concurrency_limit_by_name(name)
    assert (limit.limit, limit.slot_decay_per_second) == (1, 1 / 60)
    assert limit.active_slots == 1  # the request took the one slot; it frees up in a minute


def test_throttle_without_a_prepared_limit_does_not_wait() -> None:
    @flow
    def unprepared() -> str:
        runtime_tasks.take(f"missing-{uuid.uuid4().hex[:8]}")
        return "done"

    assert unprepared() == "done"


def test_credentials_can_come_from_a_prefect_secret_block(monkeypatch: pytest.MonkeyPatch) -> None:
    from prefect.blocks.system import Secret

    name = f"google-key-{uuid.uuid4().hex[:8]}"
    token = {"type": "authorized_user", "client_id": "c", "client_secret": "s", "refresh_token": "r"}
    Secret(value=token).save(name)
    monkeypatch.setenv("MENTORLEDGER_GOOGLE_CREDENTIALS_BLOCK", name)
    monkeypatch.delenv("MENTORLEDGER_GOOGLE_CREDENTIALS", raising=False)
    credentials = load_credentials(runtime_tasks.prefect_runtime())
    assert credentials.kind == "authorized_user"
    assert credentials.origin == f"Prefect Secret block {name!r}"


def test_a_missing_secret_block_is_a_calendar_failure_saying_what_to_do(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MENTORLEDGER_GOOGLE_CREDENTIALS_BLOCK", f"missing-{uuid.uuid4().hex[:8]}")
    with pytest.raises(
        SourceError, match="not found; create it or unset MENTORLEDGER_GOOGLE_CREDENTIALS_BLOCK"
    ):
        load_credentials(runtime_tasks.prefect_runtime())
