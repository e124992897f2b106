"""Tables of the ledger. What is stored is what counting and reports need, nothing more (SPEC privacy):
times, category, matched rule, roster participants, and hashed source keys. Never titles,
descriptions, locations, conference links or attachments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
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

    def result_processor(
        self, dialect: Dialect, coltype: object
    ) -> Callable[[Any], dt.datetime | None] | None:
        """On SQLite, the stored text (naive UTC, see ``process_bind_param``) is read as an aware UTC
        datetime in one C call: parsing it and then replacing its zone cost reports reading a year of
        entries several times as much. Text of any other shape takes the general path."""
        standard = super().result_processor(dialect, coltype)
        if dialect.name != "sqlite" or standard is None:
            return standard
        general = standard

        def process(value: Any) -> dt.datetime | None:
            try:
                parsed = dt.datetime.fromisoformat(value + "+00:00")
            except (TypeError, ValueError):
                return general(value)
            return parsed if parsed.tzinfo is dt.UTC else general(value)  # a bare date parses naive

        return process


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
    label: Mapped[str] = mapped_column(String(512))  # path as written, redacted URL, or calendar id
    rules_fingerprint: Mapped[str | None] = mapped_column(String(64))
    # The source's state after the last successful read (sources.protocol.Cursor as JSON): validators
    # and content hash of a feed, a sync token or delta link, per-resource ETags. Opaque to the ledger.
    cursor: Mapped[dict[str, Any] | None]
    sync_token_at: Mapped[dt.datetime | None]  # when the cursor's incremental-sync token last changed
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


class ManualEntryRow(Base):
    """Mentoring a mentor added by hand (rule 9): a phone call, an e-mail thread, a hallway consult.

    ``note`` is private to the mentor: it is shown on their own pages only, never in a report, an
    audit snapshot or a log. ``status`` is 'active' or 'removed' (a removed entry stays for the audit)."""

    __tablename__ = "manual_entries"
    __table_args__ = (Index("ix_manual_entries_owner_start", "owner", "start_utc"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner: Mapped[str] = mapped_column(String(320))
    start_utc: Mapped[dt.datetime]
    end_utc: Mapped[dt.datetime]
    how: Mapped[str] = mapped_column(String(16))  # phone | video | email | in_person
    category: Mapped[str] = mapped_column(String(16))
    mentee: Mapped[str | None] = mapped_column(String(320))
    group_id: Mapped[str | None] = mapped_column(String(128))
    note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="active")
    created_at: Mapped[dt.datetime]
    created_by: Mapped[str] = mapped_column(String(320))
    updated_at: Mapped[dt.datetime]


class ReviewAuditRow(Base):
    """Every review action (rule 8) and manual change (rule 9): who, when, what, before and after.

    ``batch`` groups the rows of one action (confirming a whole week is one batch), so that one undo
    reverts exactly that action. ``actor`` is the person who acted, or ``sync`` when a moved meeting
    sent a confirmed entry back to pending. Snapshots carry times, review state and category; never
    titles and never the private note."""

    __tablename__ = "review_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch: Mapped[str] = mapped_column(String(64), index=True)
    owner: Mapped[str] = mapped_column(String(320), index=True)
    actor: Mapped[str] = mapped_column(String(320))
    at: Mapped[dt.datetime]
    action: Mapped[str] = mapped_column(String(16))
    target: Mapped[str] = mapped_column(String(16))  # entry | manual | attestation
    event_key: Mapped[str | None] = mapped_column(String(64), index=True)
    manual_id: Mapped[int | None] = mapped_column(Integer)
    before: Mapped[dict[str, Any] | None]
    after: Mapped[dict[str, Any] | None]
    reason: Mapped[str | None] = mapped_column(Text)


class LoginLinkRow(Base):
    """A one-time sign-in link sent by e-mail: only the SHA-256 of its token is stored."""

    __tablename__ = "web_login_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(320))
    next_path: Mapped[str] = mapped_column(String(1024), default="/")
    created_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]


class LoginRequestRow(Base):
    """One request for a sign-in link, for rate limits per address and per client (both hashed)."""

    __tablename__ = "web_login_requests"
    __table_args__ = (
        Index("ix_web_login_requests_email_at", "email_hash", "at"),
        Index("ix_web_login_requests_client_at", "client_hash", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime]
    email_hash: Mapped[str] = mapped_column(String(64))
    client_hash: Mapped[str] = mapped_column(String(64))


class WebSessionRow(Base):
    """A signed-in browser. The cookie carries the session id, signed; only its SHA-256 is stored, so
    signing out (deleting the row) ends the session even for a copied cookie."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(320), index=True)
    method: Mapped[str] = mapped_column(String(16))  # link | oidc | demo
    created_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime]


class AttestationRow(Base):
    """A mentee's answer about one session with their mentor (issue 11): did it take place?

    One row per mentor, mentee and occurrence (``event_key``; ``manual:<id>`` for an entry made by
    hand); the newest answer wins and every answer is in the review audit. ``start_utc``/``end_utc`` are
    the times the mentee answered about: if the meeting moves, the answer no longer applies. A denied
    session is flagged to the mentor, never removed; ``kept_at`` is when the mentor decided to keep
    counting it (excluding it is the ordinary review action). Nothing else is stored: no comment."""

    __tablename__ = "attestations"
    __table_args__ = (UniqueConstraint("mentor", "mentee", "event_key", name="uq_attestations_session"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mentor: Mapped[str] = mapped_column(String(320), index=True)
    mentee: Mapped[str] = mapped_column(String(320), index=True)
    event_key: Mapped[str] = mapped_column(String(64))
    answer: Mapped[str] = mapped_column(String(16))  # confirmed | denied
    start_utc: Mapped[dt.datetime]
    end_utc: Mapped[dt.datetime]
    answered_at: Mapped[dt.datetime]
    via: Mapped[str] = mapped_column(String(16))  # link | web
    kept_at: Mapped[dt.datetime | None]


class MailLinkRow(Base):
    """A single-use link sent by e-mail (a mentee's "yes, we met" / "no", an opt-out): only the SHA-256
    of its token is stored, with what it does (``purpose``, ``payload``), until when, and when used."""

    __tablename__ = "mail_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(320), index=True)
    purpose: Mapped[str] = mapped_column(String(16))  # attest | opt-out
    payload: Mapped[dict[str, Any]]
    created_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]


class MailPreferenceRow(Base):
    """Whether a person wants one kind of e-mail (digest, attestation, chair-report); no row: yes."""

    __tablename__ = "mail_preferences"
    __table_args__ = (UniqueConstraint("email", "kind", name="uq_mail_preferences_email_kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    kind: Mapped[str] = mapped_column(String(32))
    enabled: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[dt.datetime]


class MailDeliveryRow(Base):
    """One message of a mailing (a month's digest or attestation request) to one person: the memory
    that makes a mailing send-once. The row is claimed (``sending``) before the message goes out and
    marked ``sent`` once the server accepted it; a failed send deletes the claim, so the next run
    tries again, and a retried run finds the row and sends nothing."""

    __tablename__ = "mail_deliveries"
    __table_args__ = (UniqueConstraint("kind", "period", "recipient", name="uq_mail_deliveries_once"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    period: Mapped[str] = mapped_column(String(16))  # e.g. 2026-03: the month the mail is about
    recipient: Mapped[str] = mapped_column(String(320))
    state: Mapped[str] = mapped_column(String(16))  # sending | sent
    claimed_at: Mapped[dt.datetime]
    sent_at: Mapped[dt.datetime | None]


class SyncJobRow(Base):
    """A "sync now" an administrator started from the web app: which calendars, how (a Prefect
    deployment run, or in the web process), and how it ended. Progress is read from ``calendar_runs``
    rows carrying ``run_id``, so every web worker sees the same progress."""

    __tablename__ = "sync_jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[str] = mapped_column(String(64), index=True)
    requested_by: Mapped[str] = mapped_column(String(320))
    requested_at: Mapped[dt.datetime]
    calendar_keys: Mapped[list[str]]
    mode: Mapped[str] = mapped_column(String(16))  # prefect | in-process
    state: Mapped[str] = mapped_column(String(16))  # running | completed | failed
    finished_at: Mapped[dt.datetime | None]
    error: Mapped[str | None] = mapped_column(Text)
