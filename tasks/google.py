"""The Prefect side of Google Calendar syncs: the run-wide request budget and Secret-block credentials.

The core never imports Prefect; it calls a throttle before every request to Google. Here that throttle
draws on the global rate limit ``google-calendar-requests``, so all batches and workers of a run
together stay within ``google.requests_per_minute``: a batch prepays one slot per Google calendar in a
single acquisition (each acquisition is an API round trip, so it happens per batch, not per request)
and takes one more slot only for a request beyond those, such as a second page. Credentials may come from a Prefect Secret block named in
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
from mentorledger.google.access import GOOGLE_BACKOFF, GoogleAccess, PrepaidThrottle, rate_limit_shape
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


def throttle(slots: int = 1) -> None:
    """Wait for ``slots`` of the run-wide Google request budget. A limit that does not exist (a flow
    run without ``prepare_google_rate_limit``) is skipped with a warning, never waited for."""
    rate_limit(RATE_LIMIT_NAME, occupy=slots, strict=False)


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


def google_access(google_calendars: int, requests_per_minute: int) -> GoogleAccess:
    """A fresh access object for one batch (one thread): its own credentials cache, HTTP objects and
    prepaid share of the request budget."""
    burst, _decay = rate_limit_shape(requests_per_minute)
    prepaid = PrepaidThrottle(throttle, expected=google_calendars, burst=burst)
    return GoogleAccess(load_credentials=load_credentials, throttle=prepaid, backoff=GOOGLE_BACKOFF)
