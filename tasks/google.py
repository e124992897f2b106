"""The Prefect side of Google Calendar syncs: the run-wide request budget and Secret-block credentials.

The core never imports Prefect; it calls a throttle before every request to Google. Here that throttle
takes one slot of the global rate limit ``google-calendar-requests`` (one slot per events.list page of
up to 2500 events, never per event), so all batches and workers of a run together stay within
``google.requests_per_minute``. Credentials may come from a Prefect Secret block named in
``MENTORLEDGER_GOOGLE_CREDENTIALS_BLOCK`` instead of a file; they are never logged.
"""

from __future__ import annotations

import os
from typing import Any

from prefect import get_client, task
from prefect.blocks.system import Secret
from prefect.cache_policies import NO_CACHE
from prefect.concurrency.sync import rate_limit

from mentorledger.errors import SourceError
from mentorledger.google.access import GOOGLE_BACKOFF, GoogleAccess, rate_limit_shape
from mentorledger.google.credentials import (
    CREDENTIALS_BLOCK_ENV,
    GoogleCredentials,
    credentials_from_environment,
    credentials_from_info,
)

RATE_LIMIT_NAME = "google-calendar-requests"


@task(name="prepare-google-rate-limit", cache_policy=NO_CACHE)
def prepare_google_rate_limit(requests_per_minute: int) -> None:
    """Create or resize the run-wide rate limit before any batch calls Google."""
    slots, decay = rate_limit_shape(requests_per_minute)
    with get_client(sync_client=True) as client:
        client.upsert_global_concurrency_limit_by_name(RATE_LIMIT_NAME, slots, slot_decay_per_second=decay)


def throttle() -> None:
    """Wait for one slot of the run-wide Google request budget. A limit that does not exist (a flow
    run without ``prepare_google_rate_limit``) is skipped with a warning, never waited for."""
    rate_limit(RATE_LIMIT_NAME, occupy=1, strict=False)


def load_credentials() -> GoogleCredentials:
    """Credentials from the Secret block named in the environment, else from the credentials file."""
    block = os.environ.get(CREDENTIALS_BLOCK_ENV, "").strip()
    if not block:
        return credentials_from_environment()
    try:
        secret: Any = Secret.load(block, _sync=True)  # type: ignore[call-arg]
        value: Any = secret.get()
    except ValueError:
        raise SourceError(
            f"Prefect Secret block {block!r} not found; create it or unset {CREDENTIALS_BLOCK_ENV}"
        ) from None
    return credentials_from_info(value, f"Prefect Secret block {block!r}")


def google_access() -> GoogleAccess:
    """A fresh access object for one batch (one thread): its own credentials cache and HTTP objects."""
    return GoogleAccess(load_credentials=load_credentials, throttle=throttle, backoff=GOOGLE_BACKOFF)
