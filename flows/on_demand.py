"""On-demand jobs of the service: "re-sync my calendar now", and "sync now" from the web app.

The CLI's ``resync`` puts one batch (the owner's calendars) on the same queue the hourly sync uses,
so any ``prefect task serve`` worker picks it up within a second; it needs no flow run and no
deployment. (Re-sending a group's invites is the ``resend-group-invites`` deployment, run on demand.)

The web app's "sync now" starts a run of the sync deployment (``MENTORLEDGER_SYNC_DEPLOYMENT``,
default ``sync-calendars/calendar-shard``) without waiting for it, and reads the run's state when
its progress page is looked at; the web app imports this module only when a server is configured.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Sequence
from uuid import UUID

from prefect.client.orchestration import get_client
from prefect.deployments import run_deployment

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


SYNC_DEPLOYMENT_ENV = "MENTORLEDGER_SYNC_DEPLOYMENT"
DEFAULT_SYNC_DEPLOYMENT = "sync-calendars/calendar-shard"


def start_sync_run(calendar_keys: Sequence[str] | None) -> str:
    """Start a run of the sync deployment for these calendars (None: every calendar) and return the
    flow run's id at once; the flow records its calendars under that id."""
    name = os.environ.get(SYNC_DEPLOYMENT_ENV) or DEFAULT_SYNC_DEPLOYMENT
    parameters = {"calendars": list(calendar_keys)} if calendar_keys is not None else {}
    run = run_deployment(name, parameters=parameters, timeout=0)
    return str(run.id)  # type: ignore[union-attr]  # the sync call returns the FlowRun


def flow_run_outcome(flow_run_id: str) -> tuple[bool, bool, str | None]:
    """Whether the flow run has finished, whether it completed, and otherwise what its state says."""
    with get_client(sync_client=True) as client:
        run = client.read_flow_run(UUID(flow_run_id))
    state = run.state
    if state is None:
        return False, False, None
    if state.is_completed():
        return True, True, None
    return state.is_final(), False, f"{state.name}: {state.message}" if state.message else state.name
