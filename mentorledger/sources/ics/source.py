"""Reading one ICS file or feed: fetch it (conditionally, with the ETag and Last-Modified the cursor
kept), and if its content is new, read it: in full (a snapshot of the window), or, when the cursor
records the feed's UID groups, only the series whose text changed (``incremental``).

The cursor holds the feed's validators and the hash of the content last read. A feed that answers
304, or whose content hash is unchanged, is reported as ``Changes`` with nothing in them: it is not
parsed again. A cursor without a content hash (a calendar whose last read had problems) is not used.
"""

from __future__ import annotations

from collections.abc import Sequence

import httpx

from mentorledger.config import Config, IcsCalendar, resolve_ics_reference
from mentorledger.errors import SourceError
from mentorledger.retry import call_with_retries
from mentorledger.sources.ics.fetch import (
    Fetched,
    FetchLimits,
    Validators,
    fetch_file,
    fetch_url,
    new_http_client,
)
from mentorledger.sources.ics.incremental import read_feed
from mentorledger.sources.protocol import (
    BatchScope,
    Changes,
    Cursor,
    Read,
    ReadRequest,
    RequestBudget,
)

# The UID groups of the last read (work proportional to change) are an optional part of version 1: a
# cursor without them (written before they existed) still skips an unchanged feed, and the next
# changed feed is read in full once and records them. So a ledger synced before sees "unchanged".
CURSOR_VERSION = 1


class IcsSource:
    kind = "ics"
    cursor_version = CURSOR_VERSION
    in_workers = True  # needs nothing the run lends: read and counted in the sync's worker processes

    def budgets(self, config: Config) -> Sequence[RequestBudget]:
        return ()

    def reader(self, scope: BatchScope) -> IcsReader:
        return IcsReader(scope)


class IcsReader:
    """One HTTP client per batch: connection reuse without sharing across threads."""

    def __init__(self, scope: BatchScope) -> None:
        self._scope = scope
        self._client: httpx.Client | None = None

    def read(self, request: ReadRequest) -> Read:
        calendar = request.calendar
        assert isinstance(calendar, IcsCalendar)
        previous = request.cursor if request.cursor and request.cursor.data.get("content_hash") else None
        fetched = self._fetch(calendar, previous)
        if previous is not None and (
            fetched.not_modified or fetched.content_hash == previous.data.get("content_hash")
        ):
            return Changes((), previous)
        if fetched.content is None:  # 304 although we sent no validators: treat as a server error
            raise SourceError(f"{request.label} answered 304 Not Modified to an unconditional request")
        cursor = Cursor(
            CURSOR_VERSION,
            data={
                "etag": fetched.validators.etag,
                "last_modified": fetched.validators.last_modified,
                "content_hash": fetched.content_hash,
            },
        )
        return read_feed(fetched.content, request, previous, cursor)

    def _fetch(self, calendar: IcsCalendar, previous: Cursor | None) -> Fetched:
        location = resolve_ics_reference(calendar.ics, self._scope.config.base_dir)
        data = previous.data if previous is not None else {}

        limits = fetch_limits(self._scope.config)  # one deadline for every attempt

        def fetch() -> Fetched:
            if not calendar.is_url:
                return fetch_file(location)
            validators = Validators(data.get("etag"), data.get("last_modified"))
            return fetch_url(location, validators, self._http(), limits)

        last: list[BaseException] = []

        def retry_after(exc: BaseException) -> float | None:
            last[:] = [exc]
            return _retry_hint(exc, limits)

        def sleep(seconds: float) -> None:
            if seconds >= limits.remaining():  # no time for another try: report what happened
                raise last[0]
            self._scope.sleep(seconds)

        return call_with_retries(fetch, policy=self._scope.backoff, retry_after=retry_after, sleep=sleep)

    def _http(self) -> httpx.Client:
        if self._client is None:
            self._client = new_http_client()
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()


def fetch_limits(config: Config) -> FetchLimits:
    """The bounds of one calendar's download, from the configuration's ``sync:`` settings."""
    settings = config.sync
    return FetchLimits(
        seconds=settings.fetch_seconds,
        max_redirects=settings.max_redirects,
        allow_private_addresses=(
            settings.allow_private_addresses
            if isinstance(settings.allow_private_addresses, bool)
            else tuple(settings.allow_private_addresses)
        ),
    )


def _retry_hint(exc: BaseException, limits: FetchLimits) -> float | None:
    """Retry a retryable failure (after the server's Retry-After, if any) only if the wait fits in
    what is left of the download's budget; otherwise the failure is reported as it is."""
    if not (isinstance(exc, SourceError) and exc.retryable):
        return None
    wait = exc.retry_after or 0.0
    return wait if wait < limits.remaining() else None
