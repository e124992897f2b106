"""The calendar-sync task: one task run per batch of calendars, never per calendar or event.

A task run costs ~5 ms on the client and 7-24 ms on the server, and thousands of them in one flow run
overflow the server's event queue, so a task syncs 25-100 calendars. Retries of flaky feeds happen
inside the batch (core ``Backoff``), so one failing calendar never fails or re-runs its batch.
Calendars are read and counted in the process's one pool of worker processes (one per core, shared
by every batch thread), each within the ``sync:`` budgets; writes stay here, one transaction each.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from mentorledger import progress
from mentorledger.config import Config, load_config
from mentorledger.store.ledger import Ledger
from mentorledger.sync import CalendarOutcome, SyncContext, calendar_ref, sync_batch
from mentorledger.workers import shared_pool
from tasks.runtime import prefect_runtime


@lru_cache(maxsize=8)
def _config(path: str, mtime_ns: int) -> Config:
    return load_config(path)


def cached_config(path: str) -> Config:
    """Parse a configuration once per process and version of the file, not once per batch."""
    return _config(path, Path(path).stat().st_mtime_ns)


@task(name="sync-calendar-batch", cache_policy=NO_CACHE, task_run_name="sync {calendar_keys[0]:.8}+")
def sync_calendar_batch(
    config_path: str, calendar_keys: Sequence[str], run_id: str, database_url: str | None = None
) -> list[CalendarOutcome]:
    """Sync the configured calendars whose keys are given; returns one outcome per calendar."""
    config = cached_config(config_path)
    wanted = set(calendar_keys)
    sources = [s for s in config.calendars if calendar_ref(s).calendar_key in wanted]
    context = SyncContext(
        config=config,
        ledger=Ledger.open(database_url, config_path=config.source_path),
        run_id=run_id,
        runtime=prefect_runtime(),
        pool=shared_pool(config.sync.workers),  # ICS calendars are read and counted on every core
    )
    return sync_batch(context, sources, on_done=progress.publish)
