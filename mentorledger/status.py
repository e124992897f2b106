"""Sync health at a glance: per calendar, when it last synced, how it went, and what awaits review.

The core of ``mentorledger status`` (the Prefect part, next scheduled runs, is looked up separately by
the CLI). Read-only queries over the ledger; labels are the safe ones the ledger keeps (paths as
written, redacted URLs), and errors are the one-line reasons sync recorded, never event content.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mentorledger.config import Config
from mentorledger.sources.protocol import Cursor
from mentorledger.store.ledger import Ledger, calendar_ref
from mentorledger.store.schema import CalendarRow, CalendarRunRow, EntryRow


@dataclass(frozen=True, slots=True)
class CalendarHealth:
    owner: str
    calendar: str
    last_success_at: dt.datetime | None
    last_attempt_at: dt.datetime | None
    last_outcome: str | None  # synced | unchanged | partial | failed; None: never synced
    consecutive_failures: int
    last_error: str | None
    sync_token_age_seconds: int | None  # the source's incremental-sync token; None without one
    pending_review: int
    calendar_key: str = ""  # the ledger's (hashed) identity of the calendar: "sync now" names it

    @property
    def healthy(self) -> bool:
        return self.last_outcome in ("synced", "unchanged") and self.consecutive_failures == 0

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("last_success_at", "last_attempt_at"):
            value = data[key]
            data[key] = value.isoformat() if value is not None else None
        data["healthy"] = self.healthy
        return data


DEFAULT_STALE_AFTER_HOURS = 24.0  # `status` exits 1 for a calendar without a successful sync this long


def needs_attention(health: CalendarHealth, *, now: dt.datetime, stale_after: dt.timedelta) -> str | None:
    """Why a calendar needs someone to look at it (what ``status`` exits 1 for), or None.

    Never synced, the last sync failed or could not read every event, or no successful sync within
    ``stale_after`` (a feed that silently stopped being synced is as bad as a failing one)."""
    if health.last_attempt_at is None:
        return "never synced"
    if health.last_outcome == "failed" or health.consecutive_failures:
        return f"failing ({health.consecutive_failures} time(s) in a row)"
    if health.last_outcome == "partial":
        return "some events could not be read"
    if health.last_success_at is None:
        return "never synced successfully"
    since = now - _utc(health.last_success_at)
    if since > stale_after:
        return f"no successful sync for {age(int(since.total_seconds()))}"
    return None


def _utc(moment: dt.datetime) -> dt.datetime:
    """SQLite gives back naive datetimes; the ledger writes them in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


@dataclass(frozen=True, slots=True)
class RunTotals:
    calendars: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    failed: list[dict[str, Any]] = field(default_factory=list)


def calendar_health(
    config: Config, ledger: Ledger, *, now: dt.datetime | None = None
) -> list[CalendarHealth]:
    """One row per configured calendar, in configuration order; never-synced calendars included."""
    now = now or dt.datetime.now(dt.UTC)
    refs = [calendar_ref(s) for s in config.calendars]
    keys = [r.calendar_key for r in refs]
    with Session(ledger.engine) as session:
        rows = {
            row.calendar_key: row
            for row in session.scalars(select(CalendarRow).where(CalendarRow.calendar_key.in_(keys)))
        }
        ids = [row.id for row in rows.values()]
        latest = (
            select(CalendarRunRow.calendar_id, func.max(CalendarRunRow.id).label("last_id"))
            .where(CalendarRunRow.calendar_id.in_(ids))
            .group_by(CalendarRunRow.calendar_id)
            .subquery()
        )
        last_outcome: dict[int, str] = dict(
            session.execute(
                select(CalendarRunRow.calendar_id, CalendarRunRow.outcome).join(
                    latest, CalendarRunRow.id == latest.c.last_id
                )
            )
            .tuples()
            .all()
        )
        pending: dict[int, int] = dict(
            session.execute(
                select(EntryRow.calendar_id, func.count())
                .where(
                    EntryRow.calendar_id.in_(ids), EntryRow.status == "active", EntryRow.review == "pending"
                )
                .group_by(EntryRow.calendar_id)
            )
            .tuples()
            .all()
        )
    health = []
    for ref in refs:
        row = rows.get(ref.calendar_key)
        if row is None:
            health.append(
                CalendarHealth(ref.owner, ref.label, None, None, None, 0, None, None, 0, ref.calendar_key)
            )
            continue
        cursor = Cursor.from_json(row.cursor)
        has_token = cursor is not None and cursor.token is not None
        token_age = (
            int((now - row.sync_token_at).total_seconds()) if has_token and row.sync_token_at else None
        )
        health.append(
            CalendarHealth(
                owner=ref.owner,
                calendar=ref.label,
                last_success_at=row.last_success_at,
                last_attempt_at=row.last_attempt_at,
                last_outcome=last_outcome.get(row.id),
                consecutive_failures=row.consecutive_failures or 0,
                last_error=row.last_error,
                sync_token_age_seconds=token_age,
                pending_review=pending.get(row.id, 0),
                calendar_key=ref.calendar_key,
            )
        )
    return health


def by_urgency(health: Sequence[CalendarHealth]) -> list[CalendarHealth]:
    """Failing calendars first (most consecutive failures first), then those with unreadable events,
    then never synced, then healthy ones; configuration order within each."""

    def rank(h: CalendarHealth) -> tuple[int, int]:
        if h.consecutive_failures:
            return 0, -h.consecutive_failures
        if h.last_outcome == "partial":
            return 1, 0
        return (2, 0) if h.last_outcome is None else (3, 0)

    return sorted(health, key=rank)


def run_outcomes(ledger: Ledger, run_ids: Sequence[str]) -> RunTotals:
    """What these flow runs recorded, per calendar: outcome counts and the failures with reasons."""
    if not run_ids:
        return RunTotals()
    with Session(ledger.engine) as session:
        rows = session.execute(
            select(CalendarRunRow.outcome, CalendarRunRow.error, CalendarRow.label, CalendarRow.owner)
            .join(CalendarRow, CalendarRunRow.calendar_id == CalendarRow.id)
            .where(CalendarRunRow.run_id.in_(list(run_ids)))
            .order_by(CalendarRunRow.id)
        ).all()
    counts = Counter(outcome for outcome, *_ in rows)
    failed = [
        {"calendar": label, "owner": owner, "reason": error}
        for outcome, error, label, owner in rows
        if outcome == "failed"
    ]
    return RunTotals(calendars=len(rows), outcomes=dict(counts), failed=failed)


def age(seconds: int | None) -> str:
    """A short human age: 45s, 12m, 3h, 5d."""
    if seconds is None:
        return "-"
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{max(seconds, 0)}s"
