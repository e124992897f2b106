"""The Google Calendar request budget, shared by every task worker of the institution.

A Prefect global concurrency limit named ``google-calendar`` (``prefect gcl create google-calendar
--limit 8``) caps how many batches talk to Google at once across all machines. It is acquired once per
batch, never per request (each acquisition is an API round trip). Batches of ICS feeds skip it, and
without the limit (embedded runs, a laptop) it is a no-op.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from prefect.concurrency.sync import concurrency

from mentorledger.config import CalendarSource

GOOGLE_LIMIT = "google-calendar"


@contextmanager
def google_budget(sources: Sequence[CalendarSource]) -> Iterator[None]:
    """Hold one slot of the Google limit while a batch with Google calendars runs."""
    if not any(source.kind == "google" for source in sources):
        yield
        return
    with concurrency(GOOGLE_LIMIT, occupy=1, strict=False):
        yield
