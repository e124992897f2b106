"""The sync engine: every calendar, whatever its source, goes state -> read -> count -> apply -> outcome.

1. state: what the ledger kept about the calendar (the rules it was counted under, its source's cursor).
   The cursor is handed back only if the rules and window are unchanged and its format is current;
   otherwise the source reads everything again.
2. read: the calendar's source returns a snapshot (everything in the window) or changes.
3. count: the one implementation of the counting rules turns each item into an entry or a removal.
4. apply: one transaction per calendar writes the entries and the new cursor together.
5. outcome: synced, unchanged, partial (some events unreadable, the rest saved) or failed.

``sync_batch`` is the unit of work Prefect tasks wrap: it opens each source's reader once per batch and
never lets one calendar's failure touch another's. Outcomes carry counts and reasons, never titles.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import time
import traceback
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from typing import Any

from mentorledger.config import CalendarSource, Config
from mentorledger.counting import DropReason, Entry, RuleBook, count_instance, window_bounds
from mentorledger.errors import SourceError
from mentorledger.retry import Backoff
from mentorledger.sources.protocol import (
    BatchScope,
    Changes,
    Cursor,
    Read,
    Reader,
    ReadRequest,
    RequestBudget,
    Runtime,
    Source,
)
from mentorledger.sources.registry import source_for, sources_for
from mentorledger.store.ledger import ApplyStats, CalendarRef, CalendarState, Ledger, RunRecord
from mentorledger.store.ledger import calendar_ref as calendar_ref  # re-exported: callers import it from here
from mentorledger.workers import JobFailedError, OverdueError, WorkerLostError, WorkerPool, enter_phase

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


@dataclass(slots=True)
class SyncContext:
    """What a batch shares: configuration, compiled rules, the ledger, how to retry, and what the
    orchestration layer lends the sources (``runtime``). ``provided`` hands a source kind something
    ready-made instead of what it would build itself (tests pass canned HTTP this way).

    ``pool``: worker processes that read and count the calendars of sources that run there (ICS),
    each within the ``sync:`` budgets; without one (tests, a single calendar from the web app) every
    calendar is read in this process, one after another."""

    config: Config
    ledger: Ledger
    run_id: str
    book: RuleBook = field(init=False)
    backoff: Backoff = field(default_factory=Backoff)
    sleep: Callable[[float], None] = time.sleep
    runtime: Runtime = field(default_factory=Runtime)
    provided: dict[str, object] = field(default_factory=dict)
    pool: WorkerPool | None = None
    key: str = field(init=False)  # names this configuration in the workers, which keep it

    def __post_init__(self) -> None:
        self.book = RuleBook(self.config)
        self.key = uuid.uuid4().hex


def run_budgets(config: Config, calendars: Sequence[CalendarSource]) -> list[RequestBudget]:
    """The request budgets a run over these calendars draws on: what each of their sources declares."""
    return [budget for source in sources_for(c.kind for c in calendars) for budget in source.budgets(config)]


class _Readers:
    """Each source's reader for one batch (or one worker process), opened on first use and closed
    with it."""

    def __init__(self, context: SyncContext | _Shared, calendars: Sequence[CalendarSource]) -> None:
        self._context = context
        self._calendars = calendars
        self._open: dict[str, Reader] = {}

    def reader(self, source: Source) -> Reader:
        if source.kind not in self._open:
            context = self._context
            scope = BatchScope(
                config=context.config,
                calendars=[c for c in self._calendars if c.kind == source.kind],
                runtime=context.runtime,
                backoff=context.backoff,
                sleep=context.sleep,
                provided=context.provided.get(source.kind),
            )
            self._open[source.kind] = source.reader(scope)
        return self._open[source.kind]

    def close(self) -> None:
        for reader in self._open.values():
            with contextlib.suppress(Exception):
                reader.close()


def sync_batch(
    context: SyncContext,
    sources: Sequence[CalendarSource],
    *,
    on_done: Callable[[CalendarOutcome], None] | None = None,
) -> list[CalendarOutcome]:
    """Sync each calendar; a failure is recorded and reported, and the batch goes on. With a worker
    pool, calendars of sources that run in workers are read and counted there, as many at a time as
    there are workers, each within its budget; every write happens here, one transaction each."""
    readers = _Readers(context, sources)
    try:
        if context.pool is None:
            return [_done(sync_calendar(context, source, readers), on_done) for source in sources]
        return _sync_with_workers(context, context.pool, sources, readers, on_done)
    finally:
        readers.close()


def _done(outcome: CalendarOutcome, on_done: Callable[[CalendarOutcome], None] | None) -> CalendarOutcome:
    if on_done is not None:
        on_done(outcome)
    return outcome


def _in_workers(calendar: CalendarSource) -> bool:
    """Whether a calendar's source reads in worker processes (it needs nothing the run lends it)."""
    return bool(getattr(source_for(calendar.kind), "in_workers", False))


def _sync_with_workers(
    context: SyncContext,
    pool: WorkerPool,
    sources: Sequence[CalendarSource],
    readers: _Readers,
    on_done: Callable[[CalendarOutcome], None] | None,
) -> list[CalendarOutcome]:
    outcomes: dict[int, CalendarOutcome] = {}
    shared = _Shared(context.config, context.backoff)
    with ThreadPoolExecutor(max_workers=pool.size, thread_name_prefix="sync-dispatch") as dispatch:
        running: dict[Future[_Counted], tuple[int, _Prepared]] = {}
        for i, calendar in enumerate(sources):
            if not _in_workers(calendar):
                outcomes[i] = _done(sync_calendar(context, calendar, readers), on_done)
                continue
            try:
                prepared = _prepare(context, calendar)
            except Exception as exc:
                outcomes[i] = _done(_failed(context, calendar_ref(calendar), _now(), exc), on_done)
                continue
            future = dispatch.submit(
                pool.run,
                _read_and_count,
                prepared.request,
                context=(context.key, shared),
                budgets=_budgets(context.config),
                first_phase="prepare",
                passthrough=(SourceError,),
            )
            running[future] = (i, prepared)
        for future in as_completed(running):
            i, prepared = running[future]
            outcomes[i] = _done(_finish(context, prepared, future), on_done)
    return [outcomes[i] for i in range(len(sources))]


def _budgets(config: Config) -> dict[str, float]:
    """Each phase's wall-clock budget in a worker. The download's own deadline (in the source) fires
    first and says what happened; the pool's, a little later, stops a worker stuck where it cannot."""
    settings = config.sync
    return {
        "prepare": settings.parse_seconds,  # a fresh worker takes in the configuration and rules
        "download": settings.fetch_seconds + min(5.0, 1.0 + settings.fetch_seconds / 10),
        "parse": settings.parse_seconds,
    }


def _finish(context: SyncContext, prepared: _Prepared, future: Future[_Counted]) -> CalendarOutcome:
    """Write what a worker counted, or record why it could not."""
    ref, settings = prepared.ref, context.config.sync
    try:
        counted = future.result()
    except OverdueError as exc:
        if exc.phase == "download":
            reason = (
                f"{ref.label} took longer than {settings.fetch_seconds:g} s to download; the other "
                "calendars were synced (a very slow or stalled feed; raise sync.fetch_seconds)"
            )
        else:
            reason = (
                f"{ref.label} took longer than {settings.parse_seconds:g} s to read and count; the "
                "other calendars were synced (a very large calendar? raise sync.parse_seconds)"
            )
        return _failed(context, ref, prepared.started, SourceError(reason))
    except WorkerLostError:
        reason = f"the process reading {ref.label} stopped unexpectedly (out of memory?); see the log"
        _log.error("%s (%s): %s", ref.label, ref.owner, reason)
        return _failed(context, ref, prepared.started, SourceError(reason))
    except JobFailedError as exc:
        _log.error("%s (%s): %s in a worker\n%s", ref.label, ref.owner, exc.kind, exc.frames)
        reason = f"unexpected {exc.kind} while syncing; see the log"
        return _failed(context, ref, prepared.started, SourceError(reason))
    except Exception as exc:
        return _failed(context, ref, prepared.started, exc)
    try:
        return _apply(context, ref, prepared.request, counted, prepared.fingerprint, prepared.started)
    except Exception as exc:
        return _failed(context, ref, prepared.started, exc)


@dataclass(frozen=True, slots=True)
class _Prepared:
    """A calendar ready to be read: its identity, its request (with the cursor) and its rules."""

    ref: CalendarRef
    request: ReadRequest
    fingerprint: str
    started: dt.datetime


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _prepare(context: SyncContext, calendar: CalendarSource) -> _Prepared:
    ref = calendar_ref(calendar)
    started = _now()
    source = source_for(calendar.kind)
    fingerprint = context.book.fingerprint(calendar.owner)
    return _Prepared(ref, _request(context, calendar, ref, source, fingerprint), fingerprint, started)


@dataclass
class _Shared:
    """What every job in a worker shares: the configuration and retry policy (sent once per worker);
    the rules and readers are built there on first use and kept."""

    config: Config
    backoff: Backoff
    runtime: Runtime = field(default_factory=Runtime)
    sleep: Callable[[float], None] = time.sleep
    provided: dict[str, object] = field(default_factory=dict)

    def __getstate__(self) -> dict[str, object]:
        return {"config": self.config, "backoff": self.backoff}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.config, self.backoff = state["config"], state["backoff"]
        self.runtime, self.sleep, self.provided = Runtime(), time.sleep, {}


_worker_state: tuple[_Shared, RuleBook, _Readers] | None = None


def _read_and_count(shared: _Shared, request: ReadRequest) -> _Counted:
    """In a worker process: read one calendar and apply the counting rules to it (no writes)."""
    global _worker_state
    if _worker_state is None or _worker_state[0] is not shared:
        if _worker_state is not None:
            _worker_state[2].close()
        _worker_state = (shared, RuleBook(shared.config), _Readers(shared, ()))
    _, book, readers = _worker_state
    enter_phase("download")  # the configuration is in: the calendar's own budgets start now
    read = readers.reader(source_for(request.calendar.kind)).read(request)
    return _Counted.of(read, request, book)


def sync_calendar(context: SyncContext, calendar: CalendarSource, readers: _Readers) -> CalendarOutcome:
    """Read, count and write one calendar in this process."""
    ref = calendar_ref(calendar)
    started = _now()
    try:
        prepared = _prepare(context, calendar)
        read = readers.reader(source_for(calendar.kind)).read(prepared.request)
        counted = _Counted.of(read, prepared.request, context.book)
        return _apply(context, ref, prepared.request, counted, prepared.fingerprint, started)
    except Exception as exc:
        return _failed(context, ref, started, exc)


def _failed(context: SyncContext, ref: CalendarRef, started: dt.datetime, exc: Exception) -> CalendarOutcome:
    """Record a calendar that could not be synced: its reason, or for a bug a pointer to the log."""
    if isinstance(exc, SourceError):
        reason = exc.reason
    else:  # a bug or an outage in one calendar must not cost the rest of the batch
        reason = f"unexpected {exc.__class__.__name__} while syncing; see the log"
        # Frames only: exception messages from parsers can quote calendar text (titles, descriptions).
        _log.error(
            "%s (%s): %s\n%s", ref.label, ref.owner, reason, "".join(traceback.format_tb(exc.__traceback__))
        )
    with contextlib.suppress(Exception):
        context.ledger.record_failure(ref, run=RunRecord(context.run_id, started, "failed", reason))
    return CalendarOutcome(ref.calendar_key, ref.owner, ref.label, "failed", reason)


def _request(
    context: SyncContext, calendar: CalendarSource, ref: CalendarRef, source: Source, fingerprint: str
) -> ReadRequest:
    """What the source is asked to read: the stored cursor only if it is still valid for these rules."""
    state = context.ledger.state(ref.calendar_key) or CalendarState()
    cursor = state.cursor
    if state.rules_fingerprint != fingerprint or cursor is None or cursor.version != source.cursor_version:
        cursor = None
    book = context.book
    return ReadRequest(
        calendar=calendar,
        calendar_key=ref.calendar_key,
        label=ref.label,
        cursor=cursor,
        window=window_bounds(book.window, book.tz),
        tz=book.tz,
    )


@dataclass(slots=True)
class Counted:
    """What the counting rules made of one read: entries to write, source keys to remove, drops."""

    entries: dict[str, Entry] = field(default_factory=dict)
    removals: set[str] = field(default_factory=set)
    dropped: Counter[str] = field(default_factory=Counter)

    def remove(self, key: str) -> None:
        self.entries.pop(key, None)
        self.removals.add(key)


def count_read(read: Read, request: ReadRequest, book: RuleBook) -> Counted:
    """The shared counting rules over every item read; each item becomes an entry or a removal (an
    item outside the window, gone at the source, dropped or not mentoring)."""
    start, end = request.window
    owner = request.calendar.owner
    result = Counted()
    for item in read.items:
        instance = item.instance
        if instance is None:  # gone at the source: only its key is known
            result.dropped[str(DropReason.CANCELLED)] += 1
            result.remove(item.key)
            continue
        if instance.end <= start or instance.start >= end:
            result.remove(item.key)
            continue
        counted = count_instance(instance, owner=owner, calendar_key=request.calendar_key, book=book)
        if isinstance(counted, Entry):
            result.removals.discard(item.key)
            result.entries[item.key] = replace(counted, source_key=item.key)
        else:
            result.dropped[str(counted)] += 1
            result.remove(item.key)
    return result


@dataclass(frozen=True, slots=True)
class _Counted:
    """What one read came to, small enough to send back from a worker: the counted entries and
    removals, the new cursor, the problems, and whether it was a snapshot or changes."""

    counted: Counted
    cursor: Cursor | None
    problems: tuple[str, ...]
    incremental: bool
    quiet: bool

    @classmethod
    def of(cls, read: Read, request: ReadRequest, book: RuleBook) -> _Counted:
        incremental = isinstance(read, Changes)
        return cls(
            count_read(read, request, book),
            read.cursor,
            tuple(read.problems),
            incremental,
            incremental and not read.items,
        )


def _apply(
    context: SyncContext,
    ref: CalendarRef,
    request: ReadRequest,
    read: _Counted,
    fingerprint: str,
    started: dt.datetime,
) -> CalendarOutcome:
    """Write what was read, with the new cursor, in one transaction; the one end of every sync."""
    counted = read.counted
    problems = read.problems
    error = f"{len(problems)} event(s) could not be read; the rest were saved" if problems else None
    # With unreadable events the cursor is not kept: the next sync reads everything again and reports them.
    state = CalendarState(rules_fingerprint=fingerprint, cursor=None if problems else read.cursor)
    outcome = "partial" if problems else ("unchanged" if read.quiet else "synced")
    dropped = dict(sorted(counted.dropped.items()))
    run = RunRecord(context.run_id, started, outcome, error, dropped, problems)
    entries = list(counted.entries.values())
    if read.incremental:
        stats = context.ledger.apply_changes(
            ref, entries, counted.removals, window=request.window, state=state, run=run
        )
    else:
        stats = context.ledger.apply(ref, entries, window=request.window, state=state, run=run)
    return CalendarOutcome.written(ref, run, stats, entries=len(entries))


def batches(sources: Sequence[CalendarSource], size: int) -> list[list[CalendarSource]]:
    """Calendars in batches of ``size``, one owner's calendars kept together where possible."""
    ordered = sorted(sources, key=lambda s: (s.owner, s.kind, s.reference))
    return [ordered[i : i + size] for i in range(0, len(ordered), max(1, size))]
