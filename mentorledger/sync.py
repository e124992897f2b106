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
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from mentorledger.config import CalendarSource, Config
from mentorledger.counting import DropReason, Entry, RuleBook, count_instance, window_bounds
from mentorledger.errors import SourceError
from mentorledger.instances import stable_hash
from mentorledger.retry import Backoff
from mentorledger.sources.protocol import (
    BatchScope,
    Changes,
    Read,
    Reader,
    ReadRequest,
    RequestBudget,
    Runtime,
    Source,
)
from mentorledger.sources.registry import source_for, sources_for
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
    key = stable_hash(source.owner, source.kind, source.reference)
    return CalendarRef(calendar_key=key, owner=source.owner, kind=source.kind, label=source.label)


@dataclass(slots=True)
class SyncContext:
    """What a batch shares: configuration, compiled rules, the ledger, how to retry, and what the
    orchestration layer lends the sources (``runtime``). ``provided`` hands a source kind something
    ready-made instead of what it would build itself (tests pass canned HTTP this way)."""

    config: Config
    ledger: Ledger
    run_id: str
    book: RuleBook = field(init=False)
    backoff: Backoff = field(default_factory=Backoff)
    sleep: Callable[[float], None] = time.sleep
    runtime: Runtime = field(default_factory=Runtime)
    provided: dict[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.book = RuleBook(self.config)


def run_budgets(config: Config, calendars: Sequence[CalendarSource]) -> list[RequestBudget]:
    """The request budgets a run over these calendars draws on: what each of their sources declares."""
    return [budget for source in sources_for(c.kind for c in calendars) for budget in source.budgets(config)]


class _Readers:
    """Each source's reader for one batch, opened on first use and closed with the batch."""

    def __init__(self, context: SyncContext, calendars: Sequence[CalendarSource]) -> None:
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
    """Sync each calendar in turn; a failure is recorded and reported, and the batch goes on."""
    outcomes: list[CalendarOutcome] = []
    readers = _Readers(context, sources)
    try:
        for source in sources:
            outcome = sync_calendar(context, source, readers)
            outcomes.append(outcome)
            if on_done is not None:
                on_done(outcome)
    finally:
        readers.close()
    return outcomes


def sync_calendar(context: SyncContext, calendar: CalendarSource, readers: _Readers) -> CalendarOutcome:
    ref = calendar_ref(calendar)
    started = dt.datetime.now(dt.UTC)
    try:
        source = source_for(calendar.kind)
        fingerprint = context.book.fingerprint(calendar.owner)
        request = _request(context, calendar, ref, source, fingerprint)
        read = readers.reader(source).read(request)
        return _apply(context, ref, request, read, fingerprint, started)
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


def _apply(
    context: SyncContext,
    ref: CalendarRef,
    request: ReadRequest,
    read: Read,
    fingerprint: str,
    started: dt.datetime,
) -> CalendarOutcome:
    """Write what was read, with the new cursor, in one transaction; the one end of every sync."""
    counted = count_read(read, request, context.book)
    problems = tuple(read.problems)
    error = f"{len(problems)} event(s) could not be read; the rest were saved" if problems else None
    # With unreadable events the cursor is not kept: the next sync reads everything again and reports them.
    state = CalendarState(rules_fingerprint=fingerprint, cursor=None if problems else read.cursor)
    incremental = isinstance(read, Changes)
    quiet = incremental and not read.items
    outcome = "partial" if problems else ("unchanged" if quiet else "synced")
    dropped = dict(sorted(counted.dropped.items()))
    run = RunRecord(context.run_id, started, outcome, error, dropped, problems)
    entries = list(counted.entries.values())
    if incremental:
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
