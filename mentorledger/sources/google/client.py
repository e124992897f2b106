"""Paging through events.list, with retries, a request throttle and sync tokens.

Every request, full or incremental, carries the same parameters (``singleEvents``, ``showDeleted``,
``eventTypes=default``, ``maxResults=2500``), as Google requires for sync tokens to stay valid. The
client library's own retries are off (``num_retries=0``): ``mentorledger.retry`` decides, so every
source backs off the same way.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from googleapiclient.discovery import build

from mentorledger.retry import Backoff, call_with_retries
from mentorledger.sources.google.failures import SyncTokenExpiredError, http_status, retry_hint

LIST_PARAMETERS: dict[str, Any] = {
    "singleEvents": True,
    "showDeleted": True,
    "eventTypes": ["default"],
    "maxResults": 2500,
}


@dataclass(frozen=True, slots=True)
class Page:
    items: list[dict[str, Any]] = field(default_factory=list)
    next_page_token: str | None = None
    next_sync_token: str | None = None


def normalized_endpoint(endpoint: str | None) -> str | None:
    """The base URL the client joins request paths to; it must end with '/' or its last path segment
    is lost (``.../calendar/v3`` would become ``.../calendar/calendars/...``)."""
    if not endpoint:
        return None
    return endpoint if endpoint.endswith("/") else endpoint + "/"


class EventsReader:
    """Reads one calendar's events with one HTTP object (never shared between threads)."""

    def __init__(
        self,
        http: Any,
        *,
        endpoint: str | None,
        throttle: Callable[[], None],
        backoff: Backoff,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        options = {"api_endpoint": normalized_endpoint(endpoint)} if endpoint else None
        self._service = build(
            "calendar", "v3", http=http, static_discovery=True, cache_discovery=False, client_options=options
        )
        self._throttle = throttle
        self._backoff = backoff
        self._sleep = sleep
        self.requests = 0

    def pages(self, calendar_id: str, *, sync_token: str | None) -> Iterator[Page]:
        """Pages until the one with ``nextSyncToken``; raises SyncTokenExpiredError on 410 Gone."""
        page_token: str | None = None
        while True:
            params = dict(LIST_PARAMETERS, calendarId=calendar_id)
            if sync_token:
                params["syncToken"] = sync_token
            if page_token:
                params["pageToken"] = page_token
            body = self._call(params)
            page = Page(
                items=[item for item in body.get("items") or () if isinstance(item, dict)],
                next_page_token=body.get("nextPageToken") or None,
                next_sync_token=body.get("nextSyncToken") or None,
            )
            yield page
            if not page.next_page_token:
                return
            page_token = page.next_page_token

    def _call(self, params: dict[str, Any]) -> dict[str, Any]:
        def attempt() -> dict[str, Any]:
            self._throttle()
            self.requests += 1
            result: dict[str, Any] = self._service.events().list(**params).execute(num_retries=0)
            return result

        try:
            return call_with_retries(attempt, policy=self._backoff, retry_after=retry_hint, sleep=self._sleep)
        except Exception as exc:
            if http_status(exc) == 410:
                raise SyncTokenExpiredError() from exc
            raise
