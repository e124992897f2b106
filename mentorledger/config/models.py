"""The configuration's models: the roster, relationships, peer groups, reporting settings, and the
``Config`` that holds them (calendar sources are in ``calendars``)."""

from __future__ import annotations

import datetime as dt
import re
import urllib.parse
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal, Self
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, Field, IPvAnyNetwork, ValidationInfo, field_validator, model_validator

from mentorledger.config.base import _SLUG, Email, TimeZoneName, _Model, normalize_email
from mentorledger.config.calendars import CalendarSource, SourceSettings
from mentorledger.invites.schedule import Series, parse_cadence
from mentorledger.uids import LEGACY_UID_DOMAIN, institution_uid_domain, valid_uid_domain

_SHORT_HOUR = re.compile(r"^\d:\d\d$")


class Rank(StrEnum):
    INSTRUCTOR = "instructor"
    ASSISTANT_PROFESSOR = "assistant_professor"
    ASSOCIATE_PROFESSOR = "associate_professor"
    PROFESSOR = "professor"
    FELLOW = "fellow"
    RESIDENT = "resident"
    STUDENT = "student"
    OTHER = "other"


class RelationshipKind(StrEnum):
    DYAD = "dyad"
    NEAR_PEER = "near_peer"
    PEER = "peer"
    SPONSOR = "sponsor"


class Window(_Model):
    """Inclusive local dates; the counted interval is [start 00:00, end+1 00:00) in the configured zone."""

    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _end_not_before_start(self) -> Self:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self

    @classmethod
    def academic_year_of(cls, day: dt.date) -> Window:
        """The academic year (Jul 1 - Jun 30) that contains ``day``."""
        first_year = day.year if day.month >= 7 else day.year - 1
        return cls(start=dt.date(first_year, 7, 1), end=dt.date(first_year + 1, 6, 30))


class Counting(_Model):
    tags: list[str] = Field(default_factory=lambda: ["#mentoring"])
    keywords: list[str] = Field(default_factory=list)
    count_transparent: bool = False

    @field_validator("tags", "keywords")
    @classmethod
    def _no_empty_words(cls, values: list[str]) -> list[str]:
        for value in values:
            if not value.strip().lstrip("#"):
                raise ValueError("an empty tag or keyword would match every event")
        return [value.strip() for value in values]


class CreditPeriod(_Model):
    """Mentoring effort the institution credits for a period: protected hours or FTE, and/or a stipend.

    ``protected_hours`` are hours for the whole period; ``fte`` is a fraction of ``fte_basis_hours`` per
    year. Reports prorate both by the days a report period shares with this one.
    """

    start: dt.date
    end: dt.date
    protected_hours: float | None = Field(default=None, ge=0)
    fte: float | None = Field(default=None, ge=0, le=1)
    stipend: float | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _coherent(self) -> Self:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        if self.protected_hours is not None and self.fte is not None:
            raise ValueError("give protected_hours or fte, not both")
        if self.protected_hours is None and self.fte is None and self.stipend is None:
            raise ValueError("give at least one of protected_hours, fte or stipend")
        return self

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


class Person(_Model):
    email: Email
    name: str = Field(min_length=1)
    department: str = Field(min_length=1)
    rank: Rank
    credit: list[CreditPeriod] = Field(default_factory=list)
    last_promotion: dt.date | None = None
    track: str | None = None


class Relationship(_Model):
    mentor: Email
    mentee: Email
    kind: RelationshipKind
    start: dt.date
    end: dt.date | None = None
    mentee_stage: str | None = None  # e.g. student, PGY-2, fellow, junior faculty; shown in dossiers
    consent_to_name: bool = False  # dossiers name the mentee only with their consent
    outcomes: list[str] = Field(default_factory=list)  # mentee outcomes the mentor may cite in a dossier

    @model_validator(mode="after")
    def _coherent(self) -> Self:
        if self.end is not None and self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        if self.mentor == self.mentee:
            raise ValueError(f"{self.mentor} cannot mentor themselves")
        return self

    def active_on(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


class MemberInventory(_Model):
    """What a member brings and wants to grow: shown to the group, used to pick skill-share leads."""

    strengths: list[str] = Field(default_factory=list)
    weaknesses: list[str] = Field(default_factory=list)
    experiences: list[str] = Field(default_factory=list)


class ObjectiveStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"


class Objective(_Model):
    """A SMART objective: specific (what), measurable (measure, target), time-bound (due), owned."""

    what: str = Field(min_length=1)
    measure: str = Field(min_length=1)
    target: str = Field(min_length=1)
    due: dt.date
    owner: Email
    status: ObjectiveStatus = ObjectiveStatus.PLANNED

    @field_validator("measure", "target", mode="before")
    @classmethod
    def _numbers_are_text(cls, value: Any) -> Any:
        # "target: 3" is as natural as "target: 3 papers".
        return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value

    @property
    def open(self) -> bool:
        return self.status in (ObjectiveStatus.PLANNED, ObjectiveStatus.IN_PROGRESS)


class ActionItem(_Model):
    """An action item agreed at a session; it is carried to every later agenda until ``done``."""

    what: str = Field(min_length=1)
    owner: Email
    opened: dt.date
    done: dt.date | None = None


AgendaKind = Literal[
    "welcome",
    "checkins",
    "action_review",
    "works_in_progress",
    "objectives",
    "skill_share",
    "wrap_up",
    "mission_review",
    "custom",
]


class AgendaSection(_Model):
    """One block of an agenda template; ``minutes`` are relative weights, scaled to the session length."""

    title: str = Field(min_length=1)
    minutes: int = Field(ge=1, le=240)
    kind: AgendaKind = "custom"


class Smtp(_Model):
    """Where invites are sent from. Credentials never go here: MENTORLEDGER_SMTP_USER and
    MENTORLEDGER_SMTP_PASSWORD, or a Prefect Secret block named by ``password_secret``."""

    host: str = Field(min_length=1)
    port: int | None = Field(default=None, ge=1, le=65535)
    security: Literal["starttls", "ssl", "none"] = "starttls"
    from_address: Email | None = None  # the sending account (envelope and Sender:), if not the organizer
    password_secret: str | None = None  # name of a Prefect Secret block holding the password


class Imap(_Model):
    """The mailbox that receives members' answers to invites (iTIP REPLY). Credentials never go here:
    MENTORLEDGER_IMAP_USER and MENTORLEDGER_IMAP_PASSWORD (see mentorledger.invites.imap)."""

    host: str = Field(min_length=1)
    port: int | None = Field(default=None, ge=1, le=65535)
    security: Literal["ssl", "starttls", "none"] = "ssl"
    mailbox: str = Field(default="INBOX", min_length=1)
    processed_folder: str = Field(default="mentorledger-processed", min_length=1)

    @field_validator("mailbox", "processed_folder")
    @classmethod
    def _plain_folder_name(cls, value: str) -> str:
        if any(ch in value for ch in '"\\\r\n\x00') or not value.isprintable() or not value.isascii():
            raise ValueError(
                f"{value!r} is not a usable folder name (ASCII, no quotes, backslashes or line breaks)"
            )
        return value


class HolidayCalendar(_Model):
    """Whose public holidays close the institution: a country and optionally a subdivision (state,
    province), as the ``holidays`` package names them (``US`` + ``MA``, ``DE`` + ``BY``, ``IN``)."""

    country: str = Field(min_length=2, max_length=3)
    subdivision: str | None = None

    @model_validator(mode="after")
    def _known_to_the_holidays_package(self) -> Self:
        import holidays

        try:
            calendar = holidays.country_holidays(self.country.upper())
        except NotImplementedError:
            raise ValueError(
                f"{self.country!r} is not a country the holidays package knows; use an ISO code such as US"
            ) from None
        known = tuple(getattr(calendar, "subdivisions", ()))
        if self.subdivision is not None and self.subdivision.upper() not in known:
            listed = ", ".join(known[:12]) + (", ..." if len(known) > 12 else "")
            raise ValueError(
                f"{self.subdivision!r} is not a subdivision of {self.country.upper()} (known: {listed or 'none'})"
            )
        return self


class Group(_Model):
    id: str
    name: str = Field(min_length=1)
    members: list[Email] = Field(min_length=1)
    # Peer-group framework and meeting plan (issue 4); all optional, see config/README.md.
    mission: str | None = None
    goals: list[str] = Field(default_factory=list)
    inventory: dict[Email, MemberInventory] = Field(default_factory=dict)
    objectives: list[Objective] = Field(default_factory=list)
    action_items: list[ActionItem] = Field(default_factory=list)
    cadence: str | None = None
    first_session: dt.date | None = None
    start_time: dt.time | None = None
    duration_minutes: int = Field(default=60, ge=30, le=240)
    timezone: TimeZoneName | None = None
    location: str | None = None
    video_link: str | None = None
    organizer: Email | None = None
    facilitators: list[Email] = Field(default_factory=list)
    founded_by: list[Email] = Field(default_factory=list)  # shown in founders' dossiers
    agenda_template: list[AgendaSection] | None = Field(default=None, min_length=1)
    cancelled_sessions: list[dt.date] = Field(default_factory=list)
    rescheduled_sessions: dict[dt.date, dt.datetime] = Field(default_factory=dict)
    # Issue 13: a reminder before each session (0: none) and the facilitator's digest before it.
    reminder_minutes: int = Field(default=15, ge=0, le=7 * 24 * 60)
    digest_hours_before: int = Field(default=48, ge=0, le=14 * 24)

    @field_validator("cadence")
    @classmethod
    def _readable_cadence(cls, value: str | None) -> str | None:
        if value is not None:
            parse_cadence(value)
        return value

    @field_validator("start_time", mode="before")
    @classmethod
    def _unquoted_time(cls, value: Any) -> Any:
        # YAML 1.1 reads an unquoted 10:00 as the sexagesimal integer 600 (and 25:00 as 1500).
        if isinstance(value, int) and not isinstance(value, bool):
            if not 0 <= value < 24 * 60:
                raise ValueError(
                    f'{value // 60}:{value % 60:02d} is not a time of day; write "HH:MM", e.g. "14:00"'
                )
            return dt.time(value // 60, value % 60)
        if isinstance(value, str) and _SHORT_HOUR.match(value.strip()):
            return "0" + value.strip()  # "9:00" as people write it
        return value

    @field_validator("video_link")
    @classmethod
    def _https_link(cls, value: str | None) -> str | None:
        if value is not None and not value.lower().startswith(("https://", "http://")):
            raise ValueError(f"{value!r} is not a link; give the full https:// address")
        if value is not None and (not value.isprintable() or any(c in value for c in ' "<>\\')):
            raise ValueError(f"{value!r} is not a link: it holds spaces, quotes or control characters")
        return value

    @field_validator("rescheduled_sessions")
    @classmethod
    def _local_or_offset(cls, value: dict[dt.date, dt.datetime]) -> dict[dt.date, dt.datetime]:
        for moved in value.values():
            if (
                moved.tzinfo is not None and moved.utcoffset() is None
            ):  # pragma: no cover - pydantic gives fixed offsets
                raise ValueError(f"{moved} has a time zone; give the local time, e.g. '2025-11-05 14:00'")
        return value

    @model_validator(mode="after")
    def _schedule_complete(self) -> Self:
        if self.cadence is not None:
            missing = [k for k in ("first_session", "start_time", "organizer") if getattr(self, k) is None]
            if missing:
                raise ValueError(f"a group with a cadence also needs {', '.join(missing)} to send invites")
        return self

    @property
    def schedules_meetings(self) -> bool:
        return self.cadence is not None

    def series(self, default_timezone: str, skipped: dict[dt.date, str] | None = None) -> Series:
        """The group's meeting series (only for groups with a cadence); ``skipped``: the institution's
        holidays and closed dates (see mentorledger.invites.holidays)."""
        assert self.cadence is not None
        assert self.first_session is not None
        assert self.start_time is not None
        return Series(
            rule=parse_cadence(self.cadence),
            first_session=self.first_session,
            start_time=self.start_time,
            duration=dt.timedelta(minutes=self.duration_minutes),
            tz=ZoneInfo(self.timezone or default_timezone),
            cancelled=frozenset(self.cancelled_sessions),
            rescheduled=dict(self.rescheduled_sessions),
            skipped=skipped,
        )

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not _SLUG.match(value):
            raise ValueError(
                f"{value!r} is not a usable group id: use lower-case letters, digits, '-' and '_' (e.g. urim-circle)"
            )
        return value


class Department(_Model):
    """Where a department's effort report goes: the chairs who receive it by e-mail."""

    name: str = Field(min_length=1)
    chairs: list[Email] = Field(default_factory=list)


class SelfReported(_Model):
    """Optional demographic self-identification, kept apart from people and used only in aggregates
    with small cells suppressed (SPEC privacy). Every field is optional; absent means not reported."""

    gender: str | None = None
    race_ethnicity: str | None = None
    urim: bool | None = None  # under-represented in medicine
    first_generation: bool | None = None


def _valid_web_url(value: str | None) -> str | None:
    if value is None:
        return None
    parts = urllib.parse.urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{value!r} is not an http(s) URL (for example https://mentoring.example.edu)")
    return value.rstrip("/")


class Oidc(_Model):
    """OpenID Connect single sign-on for the web app (Entra ID, Okta, Google, Shibboleth's OIDC).

    The client secret never goes here: MENTORLEDGER_OIDC_CLIENT_SECRET. ``email_claim`` names the ID
    token claim that holds the person's address as listed in ``people`` (Entra ID often needs
    ``preferred_username``)."""

    metadata_url: Annotated[str, AfterValidator(_valid_web_url)]  # .../.well-known/openid-configuration
    client_id: str = Field(min_length=1)
    email_claim: str = Field(default="email", min_length=1)
    scopes: list[str] = Field(default_factory=lambda: ["openid", "email", "profile"])
    label: str = Field(default="Sign in with your institution", min_length=1)

    @field_validator("scopes")
    @classmethod
    def _openid_scope(cls, value: list[str]) -> list[str]:
        if "openid" not in value:
            raise ValueError("scopes must include 'openid'")
        return value


class Web(_Model):
    """The web app (``mentorledger web``): where it is reached, how long a sign-in lasts, SSO.

    ``public_url`` is the address people use (https behind the institution's reverse proxy); sign-in
    links in e-mails are built from it, never from a request's Host header. ``email_links: false``
    leaves single sign-on as the only way in."""

    public_url: Annotated[str | None, AfterValidator(_valid_web_url)] = None
    session_hours: float = Field(default=12, gt=0, le=24 * 30)
    email_links: bool = True
    trusted_proxies: list[str] = Field(default_factory=lambda: ["127.0.0.1"])
    oidc: Oidc | None = None


class Attestation(_Model):
    """Mentees confirm the sessions counted because they took part (issue 11); off unless ``enabled``.

    Once a month each mentee with unattested sessions gets one e-mail listing only their own sessions
    with each mentor (date, time, minutes) with single-use links; the web app has a page for the same.
    ``lookback_months``: the mail asks about sessions that ended in the current and the previous
    months (older unanswered sessions are not asked about again); ``link_days``: how long its links work."""

    enabled: bool = False
    lookback_months: int = Field(default=3, ge=1, le=12)
    link_days: int = Field(default=30, ge=1, le=90)


class SyncSettings(_Model):
    """How each calendar's read is bounded (issue 14), and how many processes read (issue 15).

    ``fetch_seconds``: the wall-clock budget for downloading one calendar, all retries included;
    ``parse_seconds``: for reading and counting it once downloaded. A calendar over either budget is
    reported as failed and the others go on. ``workers``: processes that parse and count (default: one
    per core). ``max_redirects``: redirects a feed may take (never https to http).
    ``allow_private_addresses``: feeds may be on loopback, private or link-local addresses: ``true``
    for any, or a list of the networks allowed (``[10.20.0.0/16]``); off, a feed URL (or a redirect)
    cannot be used to reach the machine's own network."""

    fetch_seconds: float = Field(default=60.0, gt=0, le=3600)
    parse_seconds: float = Field(default=120.0, gt=0, le=3600)
    workers: int | None = Field(default=None, ge=1, le=64)
    max_redirects: int = Field(default=5, ge=0, le=20)
    allow_private_addresses: bool | list[IPvAnyNetwork] = False


DEFAULT_FTE_BASIS_HOURS = 2080.0  # 40 h x 52 weeks: the common US full-time basis


class Config(SourceSettings):  # the sources' top-level keys: config/calendars.py
    institution: str = Field(min_length=1)
    timezone: TimeZoneName
    window: Window | None = None
    counting: Counting = Field(default_factory=Counting)
    people: list[Person] = Field(default_factory=list)
    relationships: list[Relationship] = Field(default_factory=list)
    groups: list[Group] = Field(default_factory=list)
    calendars: list[CalendarSource] = Field(default_factory=list)
    fte_basis_hours: float = Field(default=DEFAULT_FTE_BASIS_HOURS, gt=0, le=8784)
    departments: list[Department] = Field(default_factory=list)
    self_reported: dict[Email, SelfReported] = Field(default_factory=dict)
    equity_section: bool = False
    smtp: Smtp | None = None
    # Issue 13: invites' UID domain (default: from the institution), holidays, closures, replies mailbox.
    uid_domain: Annotated[str, AfterValidator(valid_uid_domain)] | None = None
    holidays: HolidayCalendar | None = None
    closed_dates: list[dt.date] = Field(default_factory=list)
    imap: Imap | None = None
    admins: list[Email] = Field(default_factory=list)  # faculty-affairs administrators (web app)
    web: Web = Field(default_factory=Web)
    attestation: Attestation = Field(default_factory=Attestation)  # issue 11: mentees confirm sessions
    sync: SyncSettings = Field(default_factory=SyncSettings)  # issue 14/15: per-calendar budgets, workers

    # Where the file was read from: relative calendar paths resolve against it. Not a YAML key.
    base_dir: Path = Field(default=Path(), exclude=True)
    source_path: Path | None = Field(default=None, exclude=True)

    @model_validator(mode="before")
    @classmethod
    def _reject_internal_keys(cls, data: Any, info: ValidationInfo) -> Any:
        if isinstance(data, dict) and not (info.context or {}).get("internal"):
            for key in ("base_dir", "source_path"):
                if key in data:
                    raise ValueError(f"unknown key {key!r}")
        return data

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def session_uid_domain(self) -> str:
        """The domain of the UIDs of new group sessions: ``uid_domain``, else from the institution."""
        return self.uid_domain or institution_uid_domain(self.institution)

    @property
    def session_uid_domains(self) -> tuple[str, str]:
        """Every domain whose session UIDs are this configuration's (the current and the legacy one)."""
        return (self.session_uid_domain, LEGACY_UID_DOMAIN)

    def effective_window(self, today: dt.date | None = None) -> Window:
        """The configured window, or the academic year containing today (in the configured zone)."""
        if self.window is not None:
            return self.window
        return Window.academic_year_of(today or dt.datetime.now(self.tz).date())

    def person(self, email: str) -> Person | None:
        """The roster's person with this address (the first, if listed twice), or None. Looked up in
        an index built on first use: reports and ``hours`` ask for every mentor of the institution."""
        return self._people_by_email.get(normalize_email(email))

    @cached_property
    def _people_by_email(self) -> dict[str, Person]:
        """Not a field: kept out of equality, dumps and validation (pydantic ignores cached properties)."""
        return {p.email: p for p in reversed(self.people)}
