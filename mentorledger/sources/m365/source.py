"""Reading one Microsoft 365 calendar through Graph's ``calendarView/delta`` over the window.

- No cursor (first read, rules or window changed, or a link off the configured endpoint): the delta
  round starts at ``/users/{owner}/calendarView/delta?startDateTime=..&endDateTime=..`` (or
  ``/calendars/{id}/calendarView/delta``), every ``@odata.nextLink`` is followed to the
  ``@odata.deltaLink``, and the result is a snapshot.
- A cursor: its delta link returns only what changed, as changes. ``@removed`` items carry only their
  id, which is why entries are keyed by Graph's event id (stable per occurrence).
- 410 Gone / ``syncStateNotFound``: the link expired. The calendar is read in full again at once and
  applied as a snapshot, by upsert: reviews and audit history are kept.
The delta link is the cursor's token, stored in the same transaction as the changes it covers. The
cursor also keeps each series master's ``iCalUId``, so a master is read once per series, ever.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from mentorledger.config import Config, M365Calendar
from mentorledger.errors import SourceError
from mentorledger.instances import stable_hash
from mentorledger.redaction import event_problem
from mentorledger.retry import Backoff
from mentorledger.sources.budget import batch_throttle
from mentorledger.sources.m365.client import GraphClient
from mentorledger.sources.m365.credentials import TokenSource, load_credential
from mentorledger.sources.m365.events import read_event, series_master
from mentorledger.sources.m365.failures import DeltaExpiredError, GraphError, describe
from mentorledger.sources.m365.settings import endpoints
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
BUDGET_NAME = "microsoft-graph-requests"
# Graph's Retry-After can ask for a minute or more; honour it, within a calendar's time budget.
GRAPH_BACKOFF = Backoff(attempts=5, base_seconds=1.0, cap_seconds=60.0)


def source_key(calendar_key: str, event_id: str) -> str:
    """The ledger key of one Graph event: its id is stable per occurrence and is all a removal carries."""
    return stable_hash(calendar_key, "m365-event", event_id)


class M365Source:
    kind = "m365"
    cursor_version = CURSOR_VERSION

    def budgets(self, config: Config) -> Sequence[RequestBudget]:
        if config.microsoft is None:
            return ()
        return [RequestBudget(BUDGET_NAME, config.microsoft.requests_per_minute)]

    def reader(self, scope: BatchScope) -> M365Reader:
        return M365Reader(scope, self.budgets(scope.config))


@dataclass(slots=True)
class _Round:
    values: list[dict[str, Any]] = field(default_factory=list)
    delta_link: str | None = None


class M365Reader:
    def __init__(self, scope: BatchScope, budgets: Sequence[RequestBudget]) -> None:
        self._scope = scope
        self._budgets = budgets
        self._client: GraphClient | None = None

    def read(self, request: ReadRequest) -> Read:
        calendar = request.calendar
        assert isinstance(calendar, M365Calendar)
        client = self._graph()
        cursor = request.cursor
        link = cursor.token if cursor is not None else None
        masters: dict[str, str] = {}
        if cursor is not None and isinstance(cursor.data.get("masters"), dict):
            masters = {str(k): str(v) for k, v in cursor.data["masters"].items()}
        try:
            incremental, found = self._round(client, calendar, request, link)
            if not incremental:
                masters = {}  # a full round rebuilds the map from the series it sees
            items, problems = self._items(client, calendar, request, found.values, masters)
        except (GraphError, httpx.TransportError) as exc:
            raise describe(exc, owner=calendar.owner, calendar=calendar.m365) from None
        new = Cursor(CURSOR_VERSION, token=found.delta_link, data={"masters": masters})
        return Changes(items, new, problems) if incremental else Snapshot(items, new, problems)

    def _round(
        self, client: GraphClient, calendar: M365Calendar, request: ReadRequest, link: str | None
    ) -> tuple[bool, _Round]:
        follow = client.on_endpoint(link) if link else None
        if follow is not None:
            try:
                return True, _follow(client, follow, calendar.owner)
            except DeltaExpiredError:
                pass  # read everything again below; the engine reconciles by upsert
        try:
            return False, _follow(client, _start_url(client.endpoint, calendar, request), calendar.owner)
        except DeltaExpiredError:
            raise SourceError(
                "Microsoft Graph refused a new delta round (410 Gone); sync again later"
            ) from None

    def _items(
        self,
        client: GraphClient,
        calendar: M365Calendar,
        request: ReadRequest,
        values: list[dict[str, Any]],
        masters: dict[str, str],
    ) -> tuple[list[Item], list[str]]:
        """Each value as an item; a series master is read once for all of its occurrences."""
        wanted = {m for v in values if "@removed" not in v and (m := series_master(v)) and m not in masters}
        missing: set[str] = set()
        for master_id in sorted(wanted):
            uid = _master_uid(client, calendar.owner, master_id)
            if uid is None:
                missing.add(master_id)
            else:
                masters[master_id] = uid
        items: list[Item] = []
        problems: list[str] = []
        for value in values:
            event_id = str(value.get("id") or "")
            if not event_id:
                problems.append(
                    event_problem(str(value.get("iCalUId", "")), ValueError("event without an id"))
                )
                continue
            key = source_key(request.calendar_key, event_id)
            if "@removed" in value:
                items.append(Item(key, None))
                continue
            if str(value.get("type", "")).lower() == "seriesmaster":
                continue  # a view lists a series as its occurrences; the master itself is no meeting
            master = series_master(value)
            try:
                if master in missing:
                    raise ValueError("its series master could not be read")
                uid = masters[master] if master else None
                instance = read_event(value, owner=calendar.owner, series_uid=uid, default_tz=request.tz)
            except (ValueError, KeyError, TypeError) as exc:
                problems.append(event_problem(event_id, exc))
                continue
            items.append(Item(key, instance))
        return items, problems

    def _graph(self) -> GraphClient:
        if self._client is None:
            scope = self._scope
            where = endpoints(scope.config)
            tokens = TokenSource(where, lambda: load_credential(scope.runtime))
            throttle = (
                batch_throttle(scope.runtime, self._budgets[0], calendars=len(scope.calendars))
                if self._budgets
                else (lambda: None)
            )
            self._client = GraphClient(
                where.graph, tokens, throttle=throttle, backoff=GRAPH_BACKOFF, sleep=scope.sleep
            )
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()


def _start_url(endpoint: str, calendar: M365Calendar, request: ReadRequest) -> str:
    user = urllib.parse.quote(calendar.owner, safe="@")
    where = (
        ""
        if calendar.m365.lower() == "primary"
        else f"calendars/{urllib.parse.quote(calendar.m365, safe='')}/"
    )
    start, end = (moment.strftime("%Y-%m-%dT%H:%M:%SZ") for moment in request.window)
    return f"{endpoint}users/{user}/{where}calendarView/delta?startDateTime={start}&endDateTime={end}"


def _follow(client: GraphClient, url: str, mailbox: str) -> _Round:
    found = _Round()
    try:
        for page in client.pages(url, mailbox=mailbox):
            found.values.extend(page.values)
            if page.delta_link:
                found.delta_link = page.delta_link
    except GraphError as exc:
        if exc.resync:
            raise DeltaExpiredError from None
        raise
    if found.delta_link is not None:  # one off the endpoint is never followed: the next sync starts anew
        found.delta_link = client.on_endpoint(found.delta_link)
    return found


def _master_uid(client: GraphClient, mailbox: str, master_id: str) -> str | None:
    """The series' UID (its master's iCalUId); None if the master cannot be read (deleted meanwhile)."""
    user = urllib.parse.quote(mailbox, safe="@")
    url = (
        f"{client.endpoint}users/{user}/events/{urllib.parse.quote(master_id, safe='')}?$select=iCalUId,type"
    )
    try:
        body = client.get(url, mailbox=mailbox)
    except GraphError as exc:
        if exc.status == 404:
            return None
        raise
    uid = body.get("iCalUId")
    return uid if isinstance(uid, str) and uid else None
