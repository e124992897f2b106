"""Syncing one Google calendar into the ledger: a full sync, or only the changes since the last one.

- No stored sync token, or the counting rules changed since it was stored: full sync. Every page of
  events.list is read, counted with the shared rules and applied like an ICS feed (entries that
  disappeared from the window are marked removed).
- A stored token under unchanged rules: incremental sync. Only the changed events come back; each one
  is upserted or, if cancelled, deleted, declined, moved out of the window or no longer mentoring,
  removed by its source key. Nothing else is touched.
- 410 Gone: the token expired. It is dropped and a full sync runs at once, by upsert: entries keep
  their review status and audit history.
The new token is stored in the same transaction as the changes it covers.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from mentorledger.config import CalendarSource
from mentorledger.counting import DropReason, Entry, count_instances, window_bounds
from mentorledger.errors import SourceError
from mentorledger.google.access import GoogleAccess
from mentorledger.google.client import EventsReader, Page
from mentorledger.google.events import read_item
from mentorledger.google.failures import SyncTokenExpiredError, describe, http_status, retry_hint
from mentorledger.instances import stable_hash
from mentorledger.store.ledger import CalendarRef, CalendarState, RunRecord

if TYPE_CHECKING:
    from mentorledger.sync import CalendarOutcome, SyncContext

MAX_FULL_SYNC_RESTARTS = 1  # a page token can expire during a full sync, too


@dataclass(slots=True)
class Fetched:
    """What the API returned for one sync, before counting."""

    pages: list[Page] = field(default_factory=list)
    incremental: bool = False
    sync_token: str | None = None


@dataclass(slots=True)
class Counted:
    entries: dict[str, Entry] = field(default_factory=dict)
    removals: set[str] = field(default_factory=set)
    dropped: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)


def source_key(calendar_key: str, event_id: str) -> str:
    """The ledger key of one Google item. Google ids are stable per occurrence (an instance of a series
    is ``<series>_<original start>``) and are the one field a deleted event is guaranteed to carry, so
    a deletion can be applied without knowing its UID or times."""
    return stable_hash(calendar_key, "google-event", event_id)


def sync_google(
    context: SyncContext, source: CalendarSource, ref: CalendarRef, started: dt.datetime
) -> CalendarOutcome:
    """Sync one Google calendar; raises SourceError (the calendar fails, the batch goes on)."""
    from mentorledger.sync import CalendarOutcome

    book, ledger = context.book, context.ledger
    if context.google is None:
        context.google = GoogleAccess()
    previous = ledger.state(ref.calendar_key) or CalendarState()
    fingerprint = book.fingerprint(source.owner)
    token = previous.sync_token if previous.rules_fingerprint == fingerprint else None

    fetched = _fetch(context, context.google, source, token)
    counted = _count(context, source, ref, fetched)
    dropped = dict(sorted(counted.dropped.items()))
    problems = tuple(counted.problems)
    error = f"{len(problems)} event(s) could not be read; the rest were saved" if problems else None
    # With unreadable events the token is not kept: the next sync reads everything again and reports them.
    state = CalendarState(rules_fingerprint=fingerprint, sync_token=None if problems else fetched.sync_token)
    # An incremental sync in which nothing changed at Google is "unchanged", as for an ICS feed.
    quiet = fetched.incremental and not any(page.items for page in fetched.pages)
    outcome = "partial" if problems else ("unchanged" if quiet else "synced")
    run = RunRecord(context.run_id, started, outcome, error, dropped, problems)
    if fetched.incremental:
        stats = ledger.apply_changes(
            ref, list(counted.entries.values()), counted.removals, state=state, run=run
        )
    else:
        stats = ledger.apply(
            ref,
            list(counted.entries.values()),
            window=window_bounds(book.window, book.tz),
            state=state,
            run=run,
        )
    return CalendarOutcome.written(ref, run, stats, entries=len(counted.entries))


def _fetch(context: SyncContext, access: GoogleAccess, source: CalendarSource, token: str | None) -> Fetched:
    """All pages of one sync (network only; nothing is written until they are all in)."""
    assert source.google is not None
    try:
        reader = EventsReader(
            access.http(source.owner),
            endpoint=context.config.google_api_endpoint,
            throttle=access.throttle,
            backoff=access.backoff or context.backoff,
            sleep=context.sleep,
        )
        if token:
            try:
                return _read_all(reader, source.google, token)
            except SyncTokenExpiredError:
                pass  # drop the token: full resync below, applied by upsert
        for attempt in range(MAX_FULL_SYNC_RESTARTS + 1):
            try:
                return _read_all(reader, source.google, None)
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
        raise describe(exc, calendar=source.google, owner=source.owner) from None


def _read_all(reader: EventsReader, calendar_id: str, token: str | None) -> Fetched:
    fetched = Fetched(incremental=token is not None)
    for page in reader.pages(calendar_id, sync_token=token):
        fetched.pages.append(page)
        if page.next_sync_token:
            fetched.sync_token = page.next_sync_token
    return fetched


def _count(context: SyncContext, source: CalendarSource, ref: CalendarRef, fetched: Fetched) -> Counted:
    """The shared counting rules over every item; each item is either an entry or a removal."""
    book = context.book
    start, end = window_bounds(book.window, book.tz)
    result = Counted()
    for page in fetched.pages:
        for raw in page.items:
            try:
                item = read_item(raw, owner=source.owner, default_tz=book.tz)
            except (ValueError, TypeError, KeyError) as exc:
                result.problems.append(f"event {stable_hash(str(raw.get('id', '')))[:10]}: {_short(exc)}")
                continue
            key = source_key(ref.calendar_key, item.event_id)
            instance = item.instance
            if instance is None:  # deleted: only the id is known
                result.dropped[str(DropReason.CANCELLED)] += 1
                _remove(result, key)
                continue
            if instance.end <= start or instance.start >= end:
                _remove(result, key)
                continue
            counted = count_instances(
                [instance], owner=source.owner, calendar_key=ref.calendar_key, book=book
            )
            result.dropped.update({str(reason): n for reason, n in counted.dropped.items()})
            if counted.entries:
                result.removals.discard(key)
                result.entries[key] = replace(counted.entries[0], source_key=key)
            else:
                _remove(result, key)
    return result


def _remove(result: Counted, key: str) -> None:
    result.entries.pop(key, None)
    result.removals.add(key)


def _is_auth_error(exc: BaseException) -> bool:
    from google.auth.exceptions import GoogleAuthError

    return isinstance(exc, GoogleAuthError)


_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


def _short(exc: BaseException) -> str:
    """The exception, minus anything quoted (it could be event text)."""
    text = _QUOTED.sub("'…'", " ".join(str(exc).split()))[:120]
    return f"{exc.__class__.__name__}: {text}" if text else exc.__class__.__name__
