"""Reading one Google calendar: every event (a snapshot), or only the changes since the last read.

- No cursor (first read, or the counting rules or window changed): every page of events.list is read
  and returned as a snapshot, so entries that disappeared from the window are removed.
- A cursor with a sync token: only the changed events come back, returned as changes; a cancelled or
  deleted event comes back as an item without an instance, identified by its Google id alone.
- 410 Gone: the token expired. A full read runs at once and is returned as a snapshot; the engine
  applies it by upsert, so entries keep their review status and audit history.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from mentorledger.config import Config, GoogleCalendar
from mentorledger.errors import SourceError
from mentorledger.instances import stable_hash
from mentorledger.redaction import event_problem
from mentorledger.retry import Backoff
from mentorledger.sources.budget import batch_throttle
from mentorledger.sources.google.access import GoogleAccess
from mentorledger.sources.google.client import EventsReader, Page
from mentorledger.sources.google.credentials import load_credentials
from mentorledger.sources.google.events import read_item
from mentorledger.sources.google.failures import SyncTokenExpiredError, describe, http_status, retry_hint
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
BUDGET_NAME = "google-calendar-requests"
# Google asks clients to back off exponentially on rate limits; a few more tries than for an ICS feed.
GOOGLE_BACKOFF = Backoff(attempts=6, base_seconds=1.0, cap_seconds=32.0)
MAX_FULL_SYNC_RESTARTS = 1  # a page token can expire during a full sync, too


def source_key(calendar_key: str, event_id: str) -> str:
    """The ledger key of one Google item. Google ids are stable per occurrence (an instance of a series
    is ``<series>_<original start>``) and are the one field a deleted event is guaranteed to carry, so
    a deletion can be applied without knowing its UID or times."""
    return stable_hash(calendar_key, "google-event", event_id)


class GoogleSource:
    kind = "google"
    cursor_version = CURSOR_VERSION

    def budgets(self, config: Config) -> Sequence[RequestBudget]:
        return [RequestBudget(BUDGET_NAME, config.google.requests_per_minute)]

    def reader(self, scope: BatchScope) -> GoogleReader:
        if isinstance(scope.provided, GoogleAccess):
            access = scope.provided
            backoff = access.backoff or scope.backoff
        else:
            (budget,) = self.budgets(scope.config)
            access = GoogleAccess(
                load_credentials=lambda: load_credentials(scope.runtime),
                throttle=batch_throttle(scope.runtime, budget, calendars=len(scope.calendars)),
                backoff=GOOGLE_BACKOFF,
            )
            backoff = GOOGLE_BACKOFF
        return GoogleReader(scope, access, backoff)


@dataclass(slots=True)
class _Pages:
    pages: list[Page] = field(default_factory=list)
    sync_token: str | None = None


class GoogleReader:
    def __init__(self, scope: BatchScope, access: GoogleAccess, backoff: Backoff) -> None:
        self._scope = scope
        self._access = access
        self._backoff = backoff

    def read(self, request: ReadRequest) -> Read:
        calendar = request.calendar
        assert isinstance(calendar, GoogleCalendar)
        token = request.cursor.token if request.cursor is not None else None
        incremental, pages = self._fetch(calendar, token)
        items: list[Item] = []
        problems: list[str] = []
        for page in pages.pages:
            for raw in page.items:
                try:
                    item = read_item(raw, owner=calendar.owner, default_tz=request.tz)
                except (ValueError, TypeError, KeyError) as exc:
                    problems.append(event_problem(str(raw.get("id", "")), exc))
                    continue
                items.append(Item(source_key(request.calendar_key, item.event_id), item.instance))
        cursor = Cursor(CURSOR_VERSION, token=pages.sync_token)
        return Changes(items, cursor, problems) if incremental else Snapshot(items, cursor, problems)

    def _fetch(self, calendar: GoogleCalendar, token: str | None) -> tuple[bool, _Pages]:
        """All pages of one read (network only; nothing is written until they are all in)."""
        try:
            reader = EventsReader(
                self._access.http(calendar.owner),
                endpoint=self._scope.config.google_api_endpoint,
                throttle=self._access.throttle,
                backoff=self._backoff,
                sleep=self._scope.sleep,
            )
            if token:
                try:
                    return True, _read_all(reader, calendar.google, token)
                except SyncTokenExpiredError:
                    pass  # drop the token: full read below, applied by upsert
            for attempt in range(MAX_FULL_SYNC_RESTARTS + 1):
                try:
                    return False, _read_all(reader, calendar.google, None)
                except SyncTokenExpiredError:
                    if attempt == MAX_FULL_SYNC_RESTARTS:
                        raise SourceError(
                            "Google kept answering 410 Gone to a full sync; sync again later"
                        ) from None
            raise AssertionError("unreachable")  # pragma: no cover
        except SourceError:
            raise
        except Exception as exc:
            if http_status(exc) is None and retry_hint(exc) is None and not _is_auth_error(exc):
                raise  # a bug, not a Google failure: keep its traceback
            raise describe(exc, calendar=calendar.google, owner=calendar.owner) from None

    def close(self) -> None:
        """Nothing to close: each calendar's HTTP object is dropped after its read."""


def _read_all(reader: EventsReader, calendar_id: str, token: str | None) -> _Pages:
    fetched = _Pages()
    for page in reader.pages(calendar_id, sync_token=token):
        fetched.pages.append(page)
        if page.next_sync_token:
            fetched.sync_token = page.next_sync_token
    return fetched


def _is_auth_error(exc: BaseException) -> bool:
    from google.auth.exceptions import GoogleAuthError

    return isinstance(exc, GoogleAuthError)
