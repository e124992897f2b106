"""The hourly sync of a large institution: one flow run of the shard deployment per shard.

Beyond a few thousand calendars one flow run is a bottleneck (and one failure domain). This parent
starts ``shards`` runs of the shard deployment with ``run_deployment``, each with an idempotency key
made of the schedule window and the shard, so a parent that is retried or started twice in the same
hour never starts a shard twice. Each shard run is an ordinary ``sync-calendars`` run restricted to
its shard (usually with ``use_task_workers``). The parent waits for them and sums their outcomes.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger
from prefect.client.orchestration import get_client
from prefect.client.schemas.objects import FlowRun
from prefect.deployments import run_deployment
from prefect.runtime import flow_run

from mentorledger.sharding import check_shard, shard_run_key
from mentorledger.status import run_outcomes
from mentorledger.store.ledger import Ledger

DEFAULT_SHARD_DEPLOYMENT = "sync-calendars/calendar-shard"


def schedule_window(scheduled: dt.datetime | None) -> str:
    """The hour this run was scheduled for (UTC), e.g. ``2026-11-23T14``: one window per hourly run."""
    moment = (scheduled or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    return moment.strftime("%Y-%m-%dT%H")


def wait_for_runs(runs: list[FlowRun], *, timeout: float, poll: float = 5.0) -> list[FlowRun]:
    """The runs, re-read until every one is final or ``timeout`` seconds have passed."""
    deadline = time.monotonic() + timeout
    with get_client(sync_client=True) as client:
        while True:
            runs = [run if _final(run) else client.read_flow_run(run.id) for run in runs]
            if all(_final(run) for run in runs) or time.monotonic() > deadline:
                return runs
            time.sleep(poll)


def _final(run: FlowRun) -> bool:
    return run.state is not None and run.state.is_final()


@flow(name="sync-institution")
def sync_institution(
    config_path: str,
    shards: int = 4,
    shard_deployment: str = DEFAULT_SHARD_DEPLOYMENT,
    batch_size: int = 50,
    database_url: str | None = None,
    use_task_workers: bool = True,
    window: str | None = None,
    timeout: float = 3 * 3600,
) -> dict[str, Any]:
    """Start every shard run at once, then wait for all of them (at most ``timeout`` seconds);
    ``window`` defaults to the hour this run was scheduled for."""
    logger = get_run_logger()
    check_shard(None, shards)
    window = window or schedule_window(flow_run.get_scheduled_start_time())
    runs = []
    for shard in range(shards):
        key = shard_run_key(window, shard, shards)
        run: FlowRun = run_deployment(  # type: ignore[assignment]  # sync call in a sync flow
            shard_deployment,
            parameters={
                "config_path": config_path,
                "batch_size": batch_size,
                "database_url": database_url,
                "use_task_workers": use_task_workers,
                "shard": shard,
                "shards": shards,
            },
            idempotency_key=key,
            timeout=0,  # start it and go on: the shards run side by side
        )
        logger.info("Shard %d/%d: flow run %s (%s)", shard, shards, run.id, key)
        runs.append(run)
    runs = wait_for_runs(runs, timeout=timeout)
    states = [run.state.name if run.state is not None else "unknown" for run in runs]
    # Shard runs write their outcomes to the ledger under their flow run id: read them from there, so
    # the parent needs no result storage shared with the shard runs.
    totals = run_outcomes(
        Ledger.open(database_url, config_path=Path(config_path)), [str(run.id) for run in runs]
    )
    logger.info("Shards finished: %s; %d calendars: %s", states, totals.calendars, totals.outcomes)
    return {
        "window": window,
        "shards": states,
        "calendars": totals.calendars,
        "outcomes": totals.outcomes,
        "failed": totals.failed,
    }
