"""How the web app runs "sync now": through the Prefect sync deployment when a server is configured
(``PREFECT_API_URL``), else on a background thread of this process (``sync_jobs.start_in_process``).
Prefect's client is imported only in the first case, so the web app never needs it otherwise."""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence

from mentorledger import sync_jobs
from mentorledger.store.ledger import Ledger
from mentorledger.web.context import WebContext

_log = logging.getLogger(__name__)


def through_prefect() -> bool:
    return bool(os.environ.get("PREFECT_API_URL"))


def start(context: WebContext, calendar_keys: Sequence[str], *, every: bool, requested_by: str) -> int:
    """Start a sync of these calendars (``every``: the whole configuration) unless one of exactly
    these is already running; returns the job to show."""
    running = sync_jobs.running_job(context.ledger, calendar_keys)
    if running is not None:
        return running
    if not through_prefect():
        return sync_jobs.start_in_process(
            context.config, context.ledger, calendar_keys=calendar_keys, requested_by=requested_by
        )
    from flows.on_demand import start_sync_run  # Prefect loads only when a server is configured

    run_id = start_sync_run(None if every else calendar_keys)
    return sync_jobs.create_job(
        context.ledger,
        run_id=run_id,
        mode=sync_jobs.PREFECT,
        requested_by=requested_by,
        calendar_keys=calendar_keys,
    )


def refreshed(ledger: Ledger, job: sync_jobs.Job) -> sync_jobs.Job:
    """The job, after asking Prefect how its flow run is doing (a run that ended ends the job)."""
    if job.mode != sync_jobs.PREFECT or job.finished:
        return job
    from flows.on_demand import flow_run_outcome

    try:
        final, completed, message = flow_run_outcome(job.run_id)
    except Exception as exc:  # the server is away: the page says so and the job stays running
        _log.warning("could not read flow run %s: %s", job.run_id, exc.__class__.__name__)
        return job
    if final:
        state = sync_jobs.COMPLETED if completed else sync_jobs.FAILED
        sync_jobs.finish(ledger, job.id, state, None if completed else message or "the flow run failed")
        return sync_jobs.job(ledger, job.id) or job
    return job
