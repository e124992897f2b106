"""On-demand jobs on the service's task queue: "re-sync my calendar now".

The CLI's ``resync`` puts one batch (the owner's calendars) on the same queue the hourly sync uses,
so any ``prefect task serve`` worker picks it up within a second; it needs no flow run and no
deployment. (Re-sending a group's invites is the ``send-group-invites`` deployment, run on demand.)
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from mentorledger.sync import CalendarOutcome
from tasks.sync import sync_calendar_batch


def queue_resync(
    config_path: str, calendar_keys: Sequence[str], database_url: str | None, *, timeout: float | None
) -> list[CalendarOutcome]:
    """Queue one batch and wait for its outcomes (``timeout`` seconds; None waits for ever)."""
    future = sync_calendar_batch.delay(
        config_path, list(calendar_keys), f"resync-{uuid.uuid4()}", database_url
    )
    outcomes: list[CalendarOutcome] = future.result(timeout=timeout)
    return outcomes
