"""The one interface every calendar source implements, and what it hands the sync engine.

A source reads one configured calendar, given the cursor its previous read left behind, and returns
either a ``Snapshot`` (every event in the window: anything not in it is gone) or ``Changes`` (only
what changed since the cursor; nothing, if nothing changed), with a new cursor and one problem line per
event it could not read. It never counts and never writes: the engine (``mentorledger.sync``) applies
the shared counting rules and stores the result, the same way for every source.

Sources also declare what they need from the run around them: request budgets shared by every batch
(``budgets``), and secrets from the orchestration layer's store (``Runtime.load_secret``). The core
knows nothing of Prefect; the Prefect layer provides a ``Runtime`` that draws on its rate limits and
Secret blocks.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol
from zoneinfo import ZoneInfo

from mentorledger.instances import Instance
from mentorledger.retry import Backoff

if TYPE_CHECKING:
    from mentorledger.config import CalendarSource, Config


@dataclass(frozen=True, slots=True)
class Cursor:
    """What a source keeps between reads of one calendar, stored as one JSON value.

    ``version`` is the source's cursor format: a stored cursor of another version is not handed back
    (the calendar is read in full once and reconciled). ``token`` is the source's incremental-sync token,
    if it has one (its age is shown by ``status``); ``data`` is anything else, JSON-serialisable."""

    version: int
    token: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"version": self.version, "token": self.token, "data": dict(self.data)}

    @classmethod
    def from_json(cls, value: Any) -> Cursor | None:
        """The stored value as a cursor; None for anything that is not one (nothing, or damage)."""
        if not isinstance(value, Mapping) or not isinstance(value.get("version"), int):
            return None
        token = value.get("token")
        data = value.get("data")
        return cls(
            value["version"],
            token if isinstance(token, str) else None,
            data if isinstance(data, Mapping) else {},
        )


@dataclass(frozen=True, slots=True)
class Item:
    """One event the source read. ``key`` is the entry's source key (stable for this calendar and this
    occurrence); ``instance`` is None when the source only says the event is gone."""

    key: str
    instance: Instance | None


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Every event of the calendar in the window: a stored entry that is not among them is removed."""

    items: Sequence[Item]
    cursor: Cursor | None
    problems: Sequence[str] = ()


@dataclass(frozen=True, slots=True)
class Changes:
    """Only what changed since the cursor; every other stored entry is left alone. Empty: unchanged."""

    items: Sequence[Item]
    cursor: Cursor | None
    problems: Sequence[str] = ()


Read = Snapshot | Changes


@dataclass(frozen=True, slots=True)
class ReadRequest:
    """One calendar to read: its configuration, its ledger identity, and the previous cursor (None when
    there is none, or when the counting rules or window changed since it was stored: read everything)."""

    calendar: CalendarSource
    calendar_key: str
    label: str
    cursor: Cursor | None
    window: tuple[dt.datetime, dt.datetime]  # aware UTC: [start, end)
    tz: ZoneInfo  # the configured zone: floating times and all-day dates


@dataclass(frozen=True, slots=True)
class RequestBudget:
    """A run-wide request budget: at most ``requests_per_minute`` requests by every batch together."""

    name: str
    requests_per_minute: int


def _no_budget(_budget: str, _slots: int) -> None:
    """Outside an orchestrated run there is no run-wide budget to respect."""


@dataclass(frozen=True, slots=True)
class Runtime:
    """What the orchestration layer lends the sources. ``load_secret(name)`` returns a named secret or
    raises LookupError (None: there is no secret store, secrets come from files); ``take(budget, n)``
    blocks until n requests of that budget may be made."""

    load_secret: Callable[[str], Any] | None = None
    take: Callable[[str, int], None] = _no_budget


@dataclass(frozen=True, slots=True)
class BatchScope:
    """What a source's reader for one batch is built from. ``provided`` is whatever the caller handed in
    for this kind of source (tests, embedding applications); sources that accept nothing ignore it."""

    config: Config
    calendars: Sequence[CalendarSource]  # this source's calendars in the batch
    runtime: Runtime
    backoff: Backoff
    sleep: Callable[[float], None] = time.sleep
    provided: object | None = None


class Reader(Protocol):
    """A source's connection for one batch (one thread): credentials, HTTP clients, throttles."""

    def read(self, request: ReadRequest) -> Read:
        """Read one calendar; raise SourceError for a calendar that cannot be read at all."""
        ...

    def close(self) -> None: ...


class Source(Protocol):
    kind: str
    cursor_version: int

    def budgets(self, config: Config) -> Sequence[RequestBudget]:
        """The run-wide request budgets this source's calendars draw on (created before any batch runs)."""
        ...

    def reader(self, scope: BatchScope) -> Reader:
        """A reader for this batch. Must not fail: credentials and connections are opened on first read."""
        ...
