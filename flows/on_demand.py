"""On-demand jobs on the service's task queue: "re-sync my calendar now".

The CLI's ``resync`` puts one batch (the owner's calendars) on the same queue the hourly sync uses,
so any ``prefect task serve`` worker picks it up within a second; it needs no flow run and no
deployment. (Re-sending a group's invites is the ``resend-group-invites`` deployment, run on demand.)
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence

from flows.task_queue import POLL_SECONDS, task_run_states
from mentorledger.sync import CalendarOutcome
from tasks.sync import sync_calendar_batch


def queue_resync(
    config_path: str, calendar_keys: Sequence[str], database_url: str | None, *, timeout: float
) -> list[CalendarOutcome]:
    """Queue one batch and wait up to ``timeout`` seconds for its outcomes (TimeoutError after).

    Waits by polling the task run's state: outside a flow run, Prefect 3.8's event-based waiter
    (``future.result()`` on its own) was seen to miss the completion and wait for ever.
    """
    future = sync_calendar_batch.delay(
        config_path, list(calendar_keys), f"resync-{uuid.uuid4()}", database_url
    )
    deadline = time.monotonic() + timeout
    while True:
        state = task_run_states([future.task_run_id]).get(future.task_run_id)
        if state is not None and state.is_final():
            outcomes: list[CalendarOutcome] = future.result()
            return outcomes
        if time.monotonic() > deadline:
            raise TimeoutError(f"task run {future.task_run_id} did not finish in {timeout:.0f} s")
        time.sleep(POLL_SECONDS)
