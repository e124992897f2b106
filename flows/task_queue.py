"""Running sync batches on Prefect's task queue and waiting for them, surviving lost task workers.

Service mode puts each batch on the queue with ``sync_calendar_batch.delay(...)`` (one call per batch,
~70 ms each, never one per calendar); ``prefect task serve tasks/sync.py:sync_calendar_batch`` workers on
any machine consume them. A task worker killed mid-batch leaves its task run RUNNING forever (Prefect
3.8 has no lease on background task runs), so the flow watches each batch: one that stays RUNNING
longer than ``batch_timeout`` is marked CRASHED and put on the queue again. Re-running a batch is safe
because every calendar is written idempotently in one transaction under its row lock.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from prefect import get_run_logger
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import TaskRunFilter, TaskRunFilterId
from prefect.client.schemas.objects import State
from prefect.futures import PrefectDistributedFuture
from prefect.states import Crashed

from mentorledger.sync import CalendarOutcome, calendar_ref
from tasks.sync import cached_config, sync_calendar_batch

POLL_SECONDS = 1.0  # one read of every pending batch's state per poll


@dataclass(slots=True)
class _Batch:
    """One batch on the queue, timed by this flow's own clock: state timestamps recorded through the
    server's event pipeline arrive late and are not comparable with it."""

    keys: list[str]
    future: PrefectDistributedFuture[list[CalendarOutcome]]
    queued_at: float
    running_since: float | None = None
    attempt: int = 1

    def lost(self, state: State, now: float, *, batch_timeout: float, queue_timeout: float) -> bool:
        """RUNNING for longer than ``batch_timeout``, or never seen running within ``queue_timeout``."""
        if state.is_running():
            if self.running_since is None:
                self.running_since = now
            return now - self.running_since > batch_timeout
        return self.running_since is None and now - self.queued_at > queue_timeout


def run_on_task_workers(
    config_path: str,
    key_groups: Sequence[list[str]],
    run_id: str,
    database_url: str | None,
    *,
    batch_timeout: float,
    queue_timeout: float,
    max_attempts: int = 3,
    clock: Callable[[], float] = time.monotonic,
) -> list[CalendarOutcome]:
    """Put every batch on the task queue, wait for all of them, re-queue batches whose worker was lost."""
    logger = get_run_logger()

    def enqueue(keys: list[str]) -> PrefectDistributedFuture[list[CalendarOutcome]]:
        return sync_calendar_batch.delay(config_path, keys, run_id, database_url)

    pending = {i: _Batch(keys, enqueue(keys), clock()) for i, keys in enumerate(key_groups)}
    logger.info("Queued %d batches for task workers", len(pending))
    results: dict[int, list[CalendarOutcome]] = {}
    while pending:
        states = task_run_states([batch.future.task_run_id for batch in pending.values()])
        for i, batch in list(pending.items()):
            state = states.get(batch.future.task_run_id)
            if state is None:
                continue
            if state.is_completed():
                results[i] = batch.future.result()
                del pending[i]
                continue
            if state.is_final():
                reason = f"task run ended {state.name}: {state.message or 'no message'}"
            elif batch.lost(state, clock(), batch_timeout=batch_timeout, queue_timeout=queue_timeout):
                reason = f"{state.name} for too long; task worker lost?"
                _mark_crashed(batch.future.task_run_id, reason)
            else:
                continue
            if not _retry(batch, reason, max_attempts, enqueue, logger, clock()):
                results[i] = _all_failed(config_path, batch.keys, reason)
                del pending[i]
        if pending:
            time.sleep(POLL_SECONDS)
    return [outcome for i in sorted(results) for outcome in results[i]]


def task_run_states(task_run_ids: list[UUID]) -> dict[UUID, State]:
    """The current state of each task run: one API call per poll, whatever the number of batches."""
    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(task_run_filter=TaskRunFilter(id=TaskRunFilterId(any_=task_run_ids)))
    return {run.id: run.state for run in runs if run.state is not None}


def _retry(
    batch: _Batch,
    reason: str,
    max_attempts: int,
    enqueue: Callable[[list[str]], PrefectDistributedFuture[list[CalendarOutcome]]],
    logger: Any,
    now: float,
) -> bool:
    if batch.attempt >= max_attempts:
        logger.error(
            "Batch of %d calendars gave up after %d attempts: %s", len(batch.keys), batch.attempt, reason
        )
        return False
    logger.warning(
        "Batch of %d calendars re-queued (attempt %d): %s", len(batch.keys), batch.attempt + 1, reason
    )
    batch.future = enqueue(batch.keys)
    batch.attempt += 1
    batch.queued_at, batch.running_since = now, None
    return True


def _mark_crashed(task_run_id: Any, reason: str) -> None:
    """Tell the server the abandoned run crashed, so the UI does not show it running forever."""
    with get_client(sync_client=True) as client:
        client.set_task_run_state(task_run_id, Crashed(message=reason), force=True)


def _all_failed(config_path: str, keys: Sequence[str], reason: str) -> list[CalendarOutcome]:
    wanted = set(keys)
    return [
        CalendarOutcome(ref.calendar_key, ref.owner, ref.label, "failed", reason)
        for ref in (calendar_ref(s) for s in cached_config(config_path).calendars)
        if ref.calendar_key in wanted
    ]
