"""What Prefect lends the calendar sources: run-wide request budgets and Secret blocks.

The core never imports Prefect. A source declares the budgets its calendars draw on
(``mentorledger.sync.run_budgets``); before any batch runs, the flow turns each into a global rate
limit of the same name, sized so that every batch and worker of a run together stay within it. Each
acquisition is an API round trip, so batches prepay their share (``mentorledger.sources.budget``).
Secrets a source names are read from Prefect Secret blocks; they are never logged.
"""

from __future__ import annotations

from typing import Any

from prefect import get_client, task
from prefect.blocks.system import Secret
from prefect.cache_policies import NO_CACHE
from prefect.concurrency.sync import rate_limit

from mentorledger.sources.budget import rate_limit_shape
from mentorledger.sources.protocol import RequestBudget, Runtime


@task(name="prepare-request-budgets", cache_policy=NO_CACHE)
def prepare_request_budgets(budgets: list[RequestBudget]) -> None:
    """Create or resize each run-wide rate limit before any batch draws on it."""
    with get_client(sync_client=True) as client:
        for budget in budgets:
            slots, decay = rate_limit_shape(budget.requests_per_minute)
            client.upsert_global_concurrency_limit_by_name(budget.name, slots, slot_decay_per_second=decay)


def take(budget: str, slots: int = 1) -> None:
    """Wait for ``slots`` of a run-wide request budget. A limit that does not exist (a flow run that
    did not prepare it) is skipped with a warning, never waited for."""
    rate_limit(budget, occupy=slots, strict=False)


def load_secret(name: str) -> Any:
    """The value of the Prefect Secret block ``name``; LookupError if there is no such block."""
    try:
        secret: Any = Secret.load(name, _sync=True)  # type: ignore[call-arg]
    except ValueError:
        raise LookupError(name) from None
    return secret.get()


def prefect_runtime() -> Runtime:
    return Runtime(load_secret=load_secret, take=take)
