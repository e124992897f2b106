"""Syncing calendars into the ledger: fetch, read, count, store; one calendar at a time, isolated.

This module is the unit of work that Prefect tasks wrap: ``sync_batch`` syncs a batch of calendars
with one HTTP client, and never lets one calendar's failure touch another's. Outcomes carry counts
and reasons, never titles.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import httpx

from mentorledger.config import CalendarSource, Config
from mentorledger.counting import RuleBook, count_instances, window_bounds
from mentorledger.errors import SourceError
from mentorledger.google.access import GoogleAccess
from mentorledger.ics_fetch import Fetched, Validators, fetch_file, fetch_url, new_http_client, redact_url
from mentorledger.ics_parse import parse_ics
from mentorledger.instances import stable_hash
from mentorledger.retry import Backoff, call_with_retries
from mentorledger.store.ledger import ApplyStats, CalendarRef, CalendarState, Ledger, RunRecord

Outcome = str  # "synced" | "unchanged" | "partial" | "failed"
_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CalendarOutcome:
    calendar_key: str
    owner: str
    label: str
    outcome: Outcome
    error: str | None = None
    created: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    entries: int = 0
    dropped: dict[str, int] = field(default_factory=dict)
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.outcome in ("synced", "unchanged")

    @classmethod
    def written(cls, ref: CalendarRef, run: RunRecord, stats: ApplyStats, *, entries: int) -> CalendarOutcome:
        """The outcome of a calendar whose entries were written under ``run``."""
        return cls(
            ref.calendar_key,
            ref.owner,
            ref.label,
            run.outcome,
            run.error,
            created=stats.created,
            updated=stats.updated,
            removed=stats.removed,
            unchanged=stats.unchanged,
            entries=entries,
            dropped=dict(run.dropped),
            problems=tuple(run.problems),
        )


def calendar_ref(source: CalendarSource) -> CalendarRef:
    """The ledger's identity for a configured calendar: owner, kind and the reference as written."""
    label = redact_url(source.reference) if source.is_url else source.reference
    key = stable_hash(source.owner, source.kind, source.reference)
    return CalendarRef(calendar_key=key, owner=source.owner, kind=source.kind, label=label)


@dataclass(slots=True)
class SyncContext:
    """What a batch shares: configuration, compiled rules, the ledger, and how to retry."""

    config: Config
    ledger: Ledger
    run_id: str
    book: RuleBook = field(init=False)
    backoff: Backoff = field(default_factory=Backoff)
    sleep: Callable[[float], None] = time.sleep
    google: GoogleAccess | None = None  # credentials, throttle; from the environment when None

    def __post_init__(self) -> None:
        self.book = RuleBook(self.config)


def sync_batch(
    context: SyncContext,
    sources: Sequence[CalendarSource],
    *,
    on_done: Callable[[CalendarOutcome], None] | None = None,
) -> list[CalendarOutcome]:
    """Sync each calendar in turn; a failure is recorded and reported, and the batch goes on."""
    outcomes: list[CalendarOutcome] = []
    with new_http_client() as client:
        for source in sources:
            outcome = sync_calendar(context, source, client=client)
            outcomes.append(outcome)
            if on_done is not None:
                on_done(outcome)
    return outcomes


def sync_calendar(context: SyncContext, source: CalendarSource, *, client: httpx.Client) -> CalendarOutcome:
    ref = calendar_ref(source)
    started = dt.datetime.now(dt.UTC)
    try:
        if source.kind == "ics":
            return _sync_ics(context, source, ref, client, started)
        from mentorledger.google.sync import sync_google  # loads the Google client only when needed

        return sync_google(context, source, ref, started)
    except SourceError as exc:
        context.ledger.record_failure(ref, run=RunRecord(context.run_id, started, "failed", exc.reason))
        return CalendarOutcome(ref.calendar_key, ref.owner, ref.label, "failed", exc.reason)
    except Exception as exc:  # a bug or an outage in one calendar must not cost the rest of the batch
        reason = f"unexpected {exc.__class__.__name__} while syncing; see the log"
        # Frames only: exception messages from parsers can quote calendar text (titles, descriptions).
        _log.error(
            "%s (%s): %s\n%s", ref.label, ref.owner, reason, "".join(traceback.format_tb(exc.__traceback__))
        )
        with contextlib.suppress(Exception):
            context.ledger.record_failure(ref, run=RunRecord(context.run_id, started, "failed", reason))
        return CalendarOutcome(ref.calendar_key, ref.owner, ref.label, "failed", reason)


def _sync_ics(
    context: SyncContext, source: CalendarSource, ref: CalendarRef, client: httpx.Client, started: dt.datetime
) -> CalendarOutcome:
    config, book, ledger = context.config, context.book, context.ledger
    previous = ledger.state(ref.calendar_key) or CalendarState()
    fingerprint = book.fingerprint(source.owner)
    rules_unchanged = previous.rules_fingerprint == fingerprint and previous.content_hash is not None
    location = config.resolve_ics(source)

    def fetch() -> Fetched:
        if not source.is_url:
            return fetch_file(location)
        validators = Validators(previous.etag, previous.last_modified) if rules_unchanged else Validators()
        return fetch_url(location, validators, client)

    fetched = call_with_retries(
        fetch,
        policy=context.backoff,
        retry_after=lambda exc: 0.0 if isinstance(exc, SourceError) and exc.retryable else None,
        sleep=context.sleep,
    )
    if rules_unchanged and (fetched.not_modified or fetched.content_hash == previous.content_hash):
        ledger.record_unchanged(ref, state=previous, run=RunRecord(context.run_id, started, "unchanged"))
        return CalendarOutcome(ref.calendar_key, ref.owner, ref.label, "unchanged")
    if fetched.content is None:  # 304 although we sent no validators: treat as a server error
        raise SourceError(f"{ref.label} answered 304 Not Modified to an unconditional request")

    window = window_bounds(book.window, book.tz)
    parsed = parse_ics(fetched.content, start=window[0], end=window[1], fallback_tz=book.tz)
    counted = count_instances(parsed.instances, owner=source.owner, calendar_key=ref.calendar_key, book=book)
    outcome = "partial" if parsed.problems else "synced"
    error = (
        f"{len(parsed.problems)} event(s) could not be read; the rest were saved" if parsed.problems else None
    )
    # A calendar with unreadable events is re-read next time, so its problems keep being reported.
    state = CalendarState(
        etag=fetched.validators.etag,
        last_modified=fetched.validators.last_modified,
        content_hash=None if parsed.problems else fetched.content_hash,
        rules_fingerprint=fingerprint,
    )
    dropped = {str(reason): n for reason, n in sorted(counted.dropped.items())}
    run = RunRecord(context.run_id, started, outcome, error, dropped, tuple(parsed.problems))
    stats = ledger.apply(
        ref,
        counted.entries,
        window=window,
        state=state,
        run=run,
    )
    return CalendarOutcome.written(ref, run, stats, entries=len(counted.entries))


def batches(sources: Sequence[CalendarSource], size: int) -> list[list[CalendarSource]]:
    """Calendars in batches of ``size``, one owner's calendars kept together where possible."""
    ordered = sorted(sources, key=lambda s: (s.owner, s.kind, s.reference))
    return [ordered[i : i + size] for i in range(0, len(ordered), max(1, size))]
