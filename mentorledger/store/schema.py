"""Tables of the ledger. What is stored is what counting and reports need, nothing more (SPEC privacy):
times, category, matched rule, roster participants, and hashed source keys. Never titles,
descriptions, locations, conference links or attachments."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text, TypeDecorator
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Aware UTC datetimes on every backend (SQLite has no time zones; PostgreSQL gets timestamptz)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the ledger; times must be aware")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dt.datetime: UTCDateTime,
        dict[str, Any]: JSON,
        list[str]: JSON,
    }


class CalendarRow(Base):
    """One configured calendar and its sync state."""

    __tablename__ = "calendars"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    calendar_key: Mapped[str] = mapped_column(String(64), unique=True)
    owner: Mapped[str] = mapped_column(String(320), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    label: Mapped[str] = mapped_column(String(512))  # path as written, redacted URL, or Google calendar id
    etag: Mapped[str | None] = mapped_column(String(512))
    last_modified: Mapped[str | None] = mapped_column(String(128))
    content_hash: Mapped[str | None] = mapped_column(String(64))
    rules_fingerprint: Mapped[str | None] = mapped_column(String(64))
    sync_token: Mapped[str | None] = mapped_column(Text)
    sync_token_at: Mapped[dt.datetime | None]
    last_attempt_at: Mapped[dt.datetime | None]
    last_success_at: Mapped[dt.datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    # The UTC bounds of the counting window of the last full sync: an incremental or unchanged sync
    # covers the same window again (the rules fingerprint, window included, is unchanged).
    synced_window_start: Mapped[dt.datetime | None]
    synced_window_end: Mapped[dt.datetime | None]
    failing_since: Mapped[dt.datetime | None]  # the first failure since the last success


class CoverageRow(Base):
    """A span of time a calendar's successful syncs have covered: [start, end) in UTC.

    A sync at instant T of the window [W0, W1) covers [W0, min(W1, T)): what happened in that span is
    known as the calendar showed it at T. Spans of one calendar are merged when they meet, so a calendar
    usually has one row per contiguous stretch (reports read "no data" outside every span).
    A meeting counts once it ended inside a span by its ``seen_at`` (see ``mentorledger.coverage``)."""

    __tablename__ = "calendar_coverage"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    calendar_id: Mapped[int] = mapped_column(ForeignKey("calendars.id", ondelete="CASCADE"), index=True)
    start_utc: Mapped[dt.datetime]
    end_utc: Mapped[dt.datetime]
    seen_at: Mapped[dt.datetime]  # the latest sync that covered the span (after ``end_utc`` when
    # that sync came after the window's end)


class EntryRow(Base):
    """A counted instance. ``status`` is 'active' or 'removed' (removed entries stay for the audit)."""

    __tablename__ = "entries"
    __table_args__ = (Index("ix_entries_owner_start", "owner", "start_utc"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_key: Mapped[str] = mapped_column(String(64), unique=True)
    calendar_id: Mapped[int] = mapped_column(ForeignKey("calendars.id", ondelete="CASCADE"), index=True)
    owner: Mapped[str] = mapped_column(String(320))
    event_key: Mapped[str] = mapped_column(String(64), index=True)
    start_utc: Mapped[dt.datetime]
    end_utc: Mapped[dt.datetime]
    category: Mapped[str] = mapped_column(String(16))
    rule: Mapped[str] = mapped_column(String(128))
    group_id: Mapped[str | None] = mapped_column(String(128))
    participants: Mapped[list[str]]
    fingerprint: Mapped[str] = mapped_column(String(64))
    revision: Mapped[str] = mapped_column(String(64), default="")  # SEQUENCE|LAST-MODIFIED, for duplicates
    status: Mapped[str] = mapped_column(String(16), default="active")
    review: Mapped[str] = mapped_column(String(16), default="pending")  # pending | confirmed | excluded
    first_seen_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]
    removed_at: Mapped[dt.datetime | None]


class AuditRow(Base):
    """Every change to an entry: created, updated, removed, restored; with before and after."""

    __tablename__ = "entry_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_key: Mapped[str] = mapped_column(String(64), index=True)
    calendar_id: Mapped[int] = mapped_column(ForeignKey("calendars.id", ondelete="CASCADE"))
    run_id: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[dt.datetime]
    action: Mapped[str] = mapped_column(String(16))
    before: Mapped[dict[str, Any] | None]
    after: Mapped[dict[str, Any] | None]


class CalendarRunRow(Base):
    """The outcome of one calendar in one sync run."""

    __tablename__ = "calendar_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[str] = mapped_column(String(64), index=True)
    calendar_id: Mapped[int] = mapped_column(ForeignKey("calendars.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[dt.datetime]
    finished_at: Mapped[dt.datetime]
    outcome: Mapped[str] = mapped_column(String(16))  # synced | unchanged | partial | failed
    error: Mapped[str | None] = mapped_column(Text)
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    removed: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    dropped: Mapped[dict[str, Any]]
    problems: Mapped[list[str]]
