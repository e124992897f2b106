"""Sync every configured calendar into the ledger, in batches, and summarise the run.

Orchestration only: split the calendars into batches, run one task per batch on a thread pool with
an explicit worker count, gather the outcomes, log a summary and publish a table artifact.
"""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run
from prefect.task_runners import ThreadPoolTaskRunner

from flows.task_queue import run_on_task_workers
from mentorledger.hours import compute_hours
from mentorledger.sharding import select_sources
from mentorledger.store.ledger import Ledger
from mentorledger.sync import CalendarOutcome, batches, calendar_ref, run_budgets
from tasks.runtime import prepare_request_budgets
from tasks.sync import cached_config, sync_calendar_batch

DEFAULT_BATCH_SIZE = 50
WORKERS = 4
DEFAULT_BATCH_TIMEOUT = 900.0  # seconds a queued batch may run before its task worker is presumed lost
DEFAULT_QUEUE_TIMEOUT = 3600.0  # seconds a batch may wait on the queue for a task worker


@task(name="summarize-sync", cache_policy=NO_CACHE)
def summarize(config_path: str, outcomes: list[CalendarOutcome], database_url: str | None) -> dict[str, Any]:
    """Minutes per mentor after the run, and the run's per-calendar table artifact."""
    config = cached_config(config_path)
    report = compute_hours(config, Ledger.open(database_url, config_path=config.source_path))
    by_outcome = Counter(o.outcome for o in outcomes)
    failed = [o for o in outcomes if o.outcome == "failed"]
    partial = [o for o in outcomes if o.outcome == "partial"]
    create_table_artifact(
        key="calendar-sync",
        table=[
            {
                "calendar": o.label,
                "owner": o.owner,
                "outcome": o.outcome,
                "entries": o.entries,
                "created": o.created,
                "updated": o.updated,
                "removed": o.removed,
                "problem": o.error or "",
            }
            for o in outcomes
        ],
        description=f"{len(outcomes)} calendars: "
        + ", ".join(f"{n} {k}" for k, n in sorted(by_outcome.items())),
    )
    create_table_artifact(
        key="mentoring-minutes",
        table=[
            {"mentor": m.email, "minutes": m.minutes, **{str(c): n for c, n in m.by_category.items()}}
            for m in report.mentors
        ],
        description=f"Minutes per mentor, {report.window.start} to {report.window.end}",
    )
    return {
        "calendars": len(outcomes),
        "outcomes": dict(by_outcome),
        "failed": [{"calendar": o.label, "owner": o.owner, "reason": o.error} for o in failed],
        "partial": [{"calendar": o.label, "owner": o.owner, "problems": list(o.problems)} for o in partial],
        "hours": report.as_json(),
    }


@flow(name="sync-calendars", task_runner=ThreadPoolTaskRunner(max_workers=WORKERS))  # type: ignore[arg-type]  # Prefect 3.8 variance
def sync_calendars(
    config_path: str,
    batch_size: int = DEFAULT_BATCH_SIZE,
    database_url: str | None = None,
    use_task_workers: bool = False,
    shard: int | None = None,
    shards: int = 1,
    only: list[str] | None = None,
    calendars: list[str] | None = None,
    batch_timeout: float = DEFAULT_BATCH_TIMEOUT,
    queue_timeout: float = DEFAULT_QUEUE_TIMEOUT,
) -> dict[str, Any]:
    """Sync every calendar in the configuration; one failing calendar never stops the others.

    Embedded (the default), batches run on this process's thread pool. With ``use_task_workers`` each
    batch goes on Prefect's task queue for ``prefect task serve`` workers. ``shard``/``shards`` restrict
    the run to one shard of the institution; ``only`` to the calendars of these owners, ``calendars``
    to these calendar keys (on demand: "sync now" from the web app).
    """
    logger = get_run_logger()
    config = cached_config(config_path)
    run_id = str(flow_run.get_id() or uuid.uuid4())
    sources = select_sources(config, shard=shard, shards=shards, owners=only, calendar_keys=calendars)
    groups = batches(sources, batch_size)
    logger.info("Syncing %d calendars in %d batches", len(sources), len(groups))
    key_groups = [[calendar_ref(s).calendar_key for s in group] for group in groups]
    budgets = run_budgets(config, sources)  # what the configured kinds of source declare
    if budgets:
        prepare_request_budgets(budgets)
    if use_task_workers:
        outcomes = run_on_task_workers(
            config_path,
            key_groups,
            run_id,
            database_url,
            batch_timeout=batch_timeout,
            queue_timeout=queue_timeout,
        )
    else:
        futures = [sync_calendar_batch.submit(config_path, keys, run_id, database_url) for keys in key_groups]
        outcomes = [outcome for future in futures for outcome in future.result()]
    summary = summarize(config_path, outcomes, database_url)
    counts = summary["outcomes"]
    logger.info(
        "Synced %d calendars: %s; %d mentors with counted minutes",
        len(outcomes),
        ", ".join(f"{n} {k}" for k, n in sorted(counts.items())) or "none",
        len(summary["hours"]["mentors"]),
    )
    for failure in summary["failed"]:
        logger.warning(
            "Calendar %s of %s failed: %s", failure["calendar"], failure["owner"], failure["reason"]
        )
    return summary
