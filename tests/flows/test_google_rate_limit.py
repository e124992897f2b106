"""The run-wide Google request budget: a Prefect rate limit the flow sizes and every request takes."""

from __future__ import annotations

import uuid

import pytest
from prefect import flow, get_client

import tasks.google as google_tasks

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
