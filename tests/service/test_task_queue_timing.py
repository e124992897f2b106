"""When the sync flow gives up on a queued batch: timed by the flow's own clock, never by state
timestamps (which reach the server late through its event pipeline). No Prefect server needed."""

from __future__ import annotations

from typing import Any

from prefect.states import Pending, Running, Scheduled

from flows.task_queue import _Batch


def batch(queued_at: float) -> _Batch:
    future: Any = None  # never touched by ``lost``
    return _Batch(keys=["k"], future=future, queued_at=queued_at)


def test_a_running_batch_is_lost_only_after_running_longer_than_the_batch_timeout() -> None:
    b = batch(queued_at=0)
    assert not b.lost(Running(), 100, batch_timeout=60, queue_timeout=30)  # first seen running at 100
    assert not b.lost(Running(), 160, batch_timeout=60, queue_timeout=30)
    assert b.lost(Running(), 161, batch_timeout=60, queue_timeout=30)


def test_a_batch_never_seen_running_is_lost_after_the_queue_timeout() -> None:
    b = batch(queued_at=10)
    assert not b.lost(Scheduled(), 40, batch_timeout=5, queue_timeout=30)
    assert b.lost(Pending(), 41, batch_timeout=5, queue_timeout=30)


def test_a_batch_seen_running_is_not_judged_by_the_queue_timeout_when_its_state_lags() -> None:
    b = batch(queued_at=0)
    b.lost(Running(), 5, batch_timeout=60, queue_timeout=10)
    assert not b.lost(Pending(), 50, batch_timeout=60, queue_timeout=10)
