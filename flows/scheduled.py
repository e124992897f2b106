"""The Prefect side of ``mentorledger status``: the next scheduled runs of mentorledger's deployments.

Imported lazily by the CLI, so ``status`` without a Prefect server never loads Prefect's client.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    FlowRunFilter,
    FlowRunFilterExpectedStartTime,
    FlowRunFilterState,
    FlowRunFilterStateType,
)
from prefect.client.schemas.objects import StateType
from prefect.client.schemas.sorting import FlowRunSort


def next_scheduled_runs(limit: int = 10) -> list[dict[str, Any]]:
    """Upcoming scheduled flow runs, soonest first: deployment, flow run name and expected start."""
    return asyncio.run(_next_scheduled_runs(limit))


async def _next_scheduled_runs(limit: int) -> list[dict[str, Any]]:
    async with get_client() as client:
        runs = await client.read_flow_runs(
            flow_run_filter=FlowRunFilter(
                state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.SCHEDULED])),
                expected_start_time=FlowRunFilterExpectedStartTime(after_=dt.datetime.now(dt.UTC)),
            ),
            sort=FlowRunSort.EXPECTED_START_TIME_ASC,
            limit=limit,
        )
        names: dict[Any, str] = {}
        for run in runs:
            if run.deployment_id is not None and run.deployment_id not in names:
                deployment = await client.read_deployment(run.deployment_id)
                flow = await client.read_flow(deployment.flow_id)
                names[run.deployment_id] = f"{flow.name}/{deployment.name}"
        return [
            {
                "deployment": names.get(run.deployment_id, "-"),
                "flow_run": run.name,
                "expected_start": run.expected_start_time.isoformat() if run.expected_start_time else None,
            }
            for run in runs
        ]
