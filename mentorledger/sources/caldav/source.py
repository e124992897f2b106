"""Reading one CalDAV calendar collection.

Two modes, remembered in the cursor:

- ``sync``: the server offers ``sync-collection``. A full read takes a sync token, then the data of
  the resources that overlap the window (one time-range ``calendar-query``). A later read sends the
  token: changed resources are fetched with ``calendar-multiget``, deleted ones (404) removed. An
  unchanged calendar costs that one REPORT.
- ``etag``: the server does not offer it (or refused it). A time-range ``calendar-query`` lists each
  resource's ETag; only new or changed ones are fetched, missing ones removed.

Each resource is a VCALENDAR read by the same ICS reader as a feed. Its occurrences are keyed by UID
and occurrence, and the cursor keeps which keys each resource produced, so a changed or deleted
resource removes exactly its own entries. An unknown sync token reads the calendar in full again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from caldav.lib import error

from mentorledger.config import CaldavCalendar, Config
from mentorledger.errors import SourceError
from mentorledger.instances import occurrence_key, stable_hash
from mentorledger.redaction import event_hint, short_reason
from mentorledger.retry import call_with_retries
from mentorledger.sources.caldav.credentials import Logins, load_logins
from mentorledger.sources.caldav.dav import Collection, Listing, SyncTokenInvalidError, new_client
from mentorledger.sources.ics.parse import parse_ics
from mentorledger.sources.protocol import (
    BatchScope,
    Changes,
    Cursor,
    Item,
    Read,
    ReadRequest,
    RequestBudget,
    Snapshot,
)

CURSOR_VERSION = 1
# hash of the href -> {"etag": str | None, "keys": [source keys]}; hrefs are names clients chose
Resources = dict[str, dict[str, Any]]


def resource_id(href: str) -> str:
    """How the cursor names a resource: a hash of its href (all a lookup needs)."""
    return stable_hash("caldav-resource", href)


class CaldavSource:
    kind = "caldav"
    cursor_version = CURSOR_VERSION

    def budgets(self, config: Config) -> Sequence[RequestBudget]:
        return ()

    def reader(self, scope: BatchScope) -> CaldavReader:
        return CaldavReader(scope)


class CaldavReader:
    """One client per server login per batch, so a batch's calendars on one server share a session."""

    def __init__(self, scope: BatchScope) -> None:
        self._scope = scope
        self._logins: Logins | None = None
        self._clients: dict[tuple[str, str | None], Any] = {}

    def read(self, request: ReadRequest) -> Read:
        calendar = request.calendar
        assert isinstance(calendar, CaldavCalendar)
        collection = Collection(self._client_for(calendar.caldav), calendar.caldav)
        try:
            return call_with_retries(
                lambda: self._read(collection, request),
                policy=self._scope.backoff,
                retry_after=lambda exc: 0.0 if isinstance(exc, SourceError) and exc.retryable else None,
                sleep=self._scope.sleep,
            )
        except error.AuthorizationError:
            raise SourceError(
                f"{request.label} refused the login (HTTP 401/403); check the user name and app-specific "
                "password for this URL in the CalDAV credentials file"
            ) from None

    def _read(self, collection: Collection, request: ReadRequest) -> Read:
        cursor = request.cursor
        mode = cursor.data.get("mode") if cursor is not None else None
        if cursor is not None and mode == "sync" and cursor.token:
            try:
                changes = collection.sync_collection(cursor.token)
            except SyncTokenInvalidError:
                return self._full(collection, request)
            return self._changes(collection, request, cursor, changes)
        if cursor is not None and mode == "etag":
            return self._etag_changes(collection, request, cursor)
        return self._full(collection, request)

    def _full(self, collection: Collection, request: ReadRequest) -> Read:
        try:
            token: str | None = collection.sync_collection(None).sync_token
            mode = "sync"
        except SyncTokenInvalidError:
            token, mode = None, "etag"
        listing = collection.in_window(*request.window, with_data=True)
        missing = set(listing.etags) - set(listing.data)  # servers that list ETags but no data
        if missing:
            fetched = collection.multiget(missing)
            listing.data.update(fetched.data)
        items, problems, resources = read_resources(listing, request)
        return Snapshot(items, _cursor(mode, token, resources), problems)

    def _changes(
        self, collection: Collection, request: ReadRequest, cursor: Cursor, changed: Listing
    ) -> Read:
        resources = _resources(cursor)
        fetched = collection.multiget(set(changed.etags)) if changed.etags else Listing()
        gone = {resource_id(href) for href in changed.gone | (set(changed.etags) - set(fetched.data))}
        return _apply_listing(request, resources, fetched, gone, mode="sync", token=changed.sync_token)

    def _etag_changes(self, collection: Collection, request: ReadRequest, cursor: Cursor) -> Read:
        resources = _resources(cursor)
        listing = collection.in_window(*request.window, with_data=False)
        changed = {
            href
            for href, etag in listing.etags.items()
            if resources.get(resource_id(href), {}).get("etag") != etag
        }
        fetched = collection.multiget(changed) if changed else Listing()
        listed = {resource_id(href) for href in listing.etags}
        gone = (set(resources) - listed) | {resource_id(href) for href in changed - set(fetched.data)}
        return _apply_listing(request, resources, fetched, gone, mode="etag", token=None)

    def _client_for(self, url: str) -> Any:
        if self._logins is None:
            self._logins = load_logins(self._scope.runtime)
        login = self._logins.for_url(url)
        key = (login.url if login else url, login.username if login else None)
        if key not in self._clients:
            self._clients[key] = new_client(
                url, login.username if login else None, login.password if login else None
            )
        return self._clients[key]

    def close(self) -> None:
        for client in self._clients.values():
            client.close()


def _resources(cursor: Cursor) -> Resources:
    value = cursor.data.get("resources")
    return (
        {str(k): dict(v) for k, v in value.items() if isinstance(v, Mapping)}
        if isinstance(value, Mapping)
        else {}
    )


def _cursor(mode: str, token: str | None, resources: Resources) -> Cursor:
    if mode == "sync":  # the token says what changed: only resources with entries need remembering
        resources = {href: {"keys": r["keys"]} for href, r in resources.items() if r["keys"]}
    return Cursor(CURSOR_VERSION, token=token, data={"mode": mode, "resources": resources})


def read_resources(listing: Listing, request: ReadRequest) -> tuple[list[Item], list[str], Resources]:
    """Each resource's instances in the window, with the keys it produced."""
    items: list[Item] = []
    problems: list[str] = []
    resources: Resources = {}
    for href, data in sorted(listing.data.items()):
        try:
            parsed = parse_ics(
                data.encode("utf-8"), start=request.window[0], end=request.window[1], fallback_tz=request.tz
            )
        except SourceError as exc:
            problems.append(f"event {event_hint(href)}: {exc.reason}")
            continue
        except Exception as exc:  # one unreadable resource must not cost the others
            problems.append(f"event {event_hint(href)}: {short_reason(exc)}")
            continue
        problems += parsed.problems
        keys = []
        for instance in parsed.instances:
            key = occurrence_key(request.calendar_key, instance)
            items.append(Item(key, instance))
            keys.append(key)
        resources[resource_id(href)] = {"etag": listing.etags.get(href), "keys": keys}
    return items, problems, resources


def _apply_listing(
    request: ReadRequest,
    resources: Resources,
    fetched: Listing,
    gone: set[str],
    *,
    mode: str,
    token: str | None,
) -> Changes:
    """Changes from re-read and deleted resources: their new instances, and removals of the keys they
    produced before and no longer do."""
    items, problems, updated = read_resources(fetched, request)
    new_keys = {key for r in updated.values() for key in r["keys"]}
    for resource in set(updated) | gone:
        old = resources.pop(resource, None)
        for key in (old or {}).get("keys", []):
            if key not in new_keys:
                items.append(Item(key, None))
    resources.update(updated)
    return Changes(items, _cursor(mode, token, resources), problems)
