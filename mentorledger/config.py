"""The configuration file: a department's roster, relationships, groups and calendars.

Loaded from YAML into pydantic models. A bad file never gets half-loaded: every problem is collected and
reported as one line ``FILE:LINE: key.path: reason`` so a faculty-affairs administrator can fix them all
in one pass. Unknown keys are errors (a typo such as ``relationship:`` must not silently drop data).
"""

from __future__ import annotations

import datetime as dt
import re
import urllib.parse
from collections.abc import Iterable, Sequence
from enum import StrEnum
from itertools import pairwise
from pathlib import Path
from typing import Annotated, Any, Literal, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from mentorledger.errors import ConfigError
from mentorledger.invites.schedule import Series, parse_cadence

_EMAIL = re.compile(r"^[^@\s<>(),;:\"\[\]]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def normalize_email(value: str) -> str:
    """Lower-case an address and strip a ``mailto:`` prefix; e-mail addresses compare case-insensitively."""
    address = value.strip()
    if address.lower().startswith("mailto:"):
        address = address[len("mailto:") :]
    return address.lower()


def _valid_email(value: str) -> str:
    address = normalize_email(value)
    if not _EMAIL.match(address):
        raise ValueError(f"{value!r} is not a valid e-mail address")
    return address


Email = Annotated[str, AfterValidator(_valid_email)]


def _valid_timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{value!r} is not an IANA time zone (for example America/New_York)") from None
    return value


TimeZoneName = Annotated[str, AfterValidator(_valid_timezone)]


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


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


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

    @field_validator("cadence")
    @classmethod
    def _readable_cadence(cls, value: str | None) -> str | None:
        if value is not None:
            parse_cadence(value)
        return value

    @field_validator("start_time", mode="before")
    @classmethod
    def _unquoted_time(cls, value: Any) -> Any:
        # YAML 1.1 reads an unquoted 10:00 as the sexagesimal integer 600.
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
            return dt.time(value // 60, value % 60)
        return value

    @field_validator("video_link")
    @classmethod
    def _https_link(cls, value: str | None) -> str | None:
        if value is not None and not value.lower().startswith(("https://", "http://")):
            raise ValueError(f"{value!r} is not a link; give the full https:// address")
        return value

    @field_validator("rescheduled_sessions")
    @classmethod
    def _naive_local(cls, value: dict[dt.date, dt.datetime]) -> dict[dt.date, dt.datetime]:
        for moved in value.values():
            if moved.tzinfo is not None:
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

    def series(self, default_timezone: str) -> Series:
        """The group's meeting series (only for groups with a cadence)."""
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
        )

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not _SLUG.match(value):
            raise ValueError(
                f"{value!r} is not a usable group id: use lower-case letters, digits, '-' and '_' (e.g. urim-circle)"
            )
        return value


class CalendarSource(_Model):
    """One calendar of one owner: an ICS file or URL, or a Google calendar id."""

    owner: Email
    ics: str | None = None
    google: str | None = None

    @model_validator(mode="after")
    def _exactly_one_source(self) -> Self:
        if (self.ics is None) == (self.google is None):
            raise ValueError("give exactly one of 'ics' (a file path or URL) or 'google' (a calendar id)")
        if self.ics is not None and not self.ics:
            raise ValueError("'ics' is empty")
        if self.google is not None and not self.google:
            raise ValueError("'google' is empty; use a calendar id such as primary")
        return self

    @property
    def kind(self) -> Literal["ics", "google"]:
        return "ics" if self.ics is not None else "google"

    @property
    def reference(self) -> str:
        """The source as written in the configuration (path, URL or calendar id)."""
        return self.ics if self.ics is not None else str(self.google)

    @property
    def is_url(self) -> bool:
        return self.ics is not None and is_url(self.ics)


class GoogleSettings(_Model):
    """How hard the whole sync run may call the Google Calendar API (all calendars and workers together)."""

    requests_per_minute: int = Field(default=600, ge=1, le=100_000)


def _valid_endpoint(value: str | None) -> str | None:
    if value is None:
        return None
    parts = urllib.parse.urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError(
            f"{value!r} is not an http(s) URL (for example https://www.googleapis.com/calendar/v3/)"
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


DEFAULT_FTE_BASIS_HOURS = 2080.0  # 40 h x 52 weeks: the common US full-time basis


class Config(_Model):
    institution: str = Field(min_length=1)
    timezone: TimeZoneName
    window: Window | None = None
    counting: Counting = Field(default_factory=Counting)
    people: list[Person] = Field(default_factory=list)
    relationships: list[Relationship] = Field(default_factory=list)
    groups: list[Group] = Field(default_factory=list)
    calendars: list[CalendarSource] = Field(default_factory=list)
    google: GoogleSettings = Field(default_factory=GoogleSettings)
    # Base URL of the Calendar v3 API, for a proxy or a test server; default: Google's own.
    google_api_endpoint: Annotated[str | None, AfterValidator(_valid_endpoint)] = None
    fte_basis_hours: float = Field(default=DEFAULT_FTE_BASIS_HOURS, gt=0, le=8784)
    departments: list[Department] = Field(default_factory=list)
    self_reported: dict[Email, SelfReported] = Field(default_factory=dict)
    equity_section: bool = False
    smtp: Smtp | None = None
    admins: list[Email] = Field(default_factory=list)  # faculty-affairs administrators (web app)
    web: Web = Field(default_factory=Web)

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

    def effective_window(self, today: dt.date | None = None) -> Window:
        """The configured window, or the academic year containing today (in the configured zone)."""
        if self.window is not None:
            return self.window
        return Window.academic_year_of(today or dt.datetime.now(self.tz).date())

    def person(self, email: str) -> Person | None:
        wanted = normalize_email(email)
        return next((p for p in self.people if p.email == wanted), None)

    def resolve_ics(self, source: CalendarSource) -> str:
        """An ICS source as a URL or an absolute path (relative paths are relative to the config file)."""
        assert source.ics is not None
        return resolve_ics_reference(source.ics, self.base_dir)


def is_url(reference: str) -> bool:
    return reference.lower().startswith(("http://", "https://", "webcal://"))


def resolve_ics_reference(reference: str, base_dir: Path) -> str:
    """A URL (webcal:// read as https://) or an absolute path, relative paths against ``base_dir``."""
    if is_url(reference):
        return (
            "https://" + reference[len("webcal://") :]
            if reference.lower().startswith("webcal://")
            else reference
        )
    path = Path(reference).expanduser()
    return str(path if path.is_absolute() else (base_dir / path).resolve())


# --------------------------------------------------------------------------------------------------------
# Loading and reporting


def load_config(path: str | Path) -> Config:
    """Read, validate and cross-check a configuration file; raise ConfigError listing every problem."""
    problems, config = check_config(path)
    if problems:
        raise ConfigError(problems)
    assert config is not None
    return config


def check_config(path: str | Path) -> tuple[list[str], Config | None]:
    """Validate a configuration file and return (problems, config); config is None when invalid."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return [f"{file}: configuration file not found; pass --config with the path to your YAML file"], None
    except (OSError, UnicodeDecodeError) as exc:
        return [f"{file}: cannot read the configuration file ({exc.__class__.__name__}: {exc})"], None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{file}:{mark.line + 1}" if mark is not None else str(file)
        reason = getattr(exc, "problem", None) or str(exc)
        return [f"{where}: not valid YAML ({reason}); check indentation and quoting"], None
    if not isinstance(data, dict):
        return [f"{file}: expected a YAML mapping with keys such as institution, timezone, people"], None

    located: list[tuple[Sequence[str | int], str]] = [
        ((key,), _UNKNOWN_KEY) for key in _INTERNAL_KEYS if key in data
    ]
    fields = {key: value for key, value in data.items() if key not in _INTERNAL_KEYS}
    base_dir = file.resolve().parent
    config: Config | None = None
    try:
        config = Config.model_validate(
            {**fields, "base_dir": base_dir, "source_path": file.resolve()}, context={"internal": True}
        )
    except ValidationError as exc:
        located += [(err["loc"], _reason(err)) for err in exc.errors()]
    # References and files are checked even when the schema is not valid, so one pass shows everything.
    located += _cross_check(fields, base_dir)
    if config is not None:
        located += _cross_check_reports(config)
        located += [
            problem for i, group in enumerate(config.groups) for problem in _check_group_roles(i, group)
        ]
    problems = [_describe(file, root, loc, reason) for loc, reason in located]
    return problems, (None if problems else config)


_INTERNAL_KEYS = ("base_dir", "source_path")
_UNKNOWN_KEY = "unknown key (check the spelling; see config/README.md for the keys)"


def _reason(error: Any) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return _UNKNOWN_KEY
    if kind == "missing":
        return "required key is missing"
    message: str = error["msg"]
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    if kind == "enum":
        return f"{error.get('input')!r} is not allowed: {message.removeprefix('Input should be ')}"
    return message


def _cross_check(data: dict[str, Any], base_dir: Path) -> list[tuple[Sequence[str | int], str]]:
    """Problems a schema cannot see: references between sections, duplicates, missing files.

    Works on the raw YAML data, leniently (malformed items are the schema's to report), so that these
    problems are reported together with schema errors rather than after they are fixed."""
    problems: list[tuple[Sequence[str | int], str]] = []
    known: dict[str, int] = {}
    for i, person in _items(data, "people"):
        email = _raw_email(person.get("email"))
        if email is None:
            continue
        if email in known:
            problems.append(
                (("people", i, "email"), f"{email} is listed twice (also people[{known[email]}])")
            )
        known.setdefault(email, i)

    # A malformed roster address is the schema's error; checking references against a roster we could
    # not read would add a false "not in people" for each of them.
    roster_readable = all(_EMAIL.match(email) for email in known)

    def check_known(loc: tuple[str | int, ...], value: Any) -> None:
        email = _raw_email(value)
        if roster_readable and email is not None and email not in known:
            problems.append((loc, f"{email} is not in people; add them to people or fix the address"))

    for i, rel in _items(data, "relationships"):
        for role in ("mentor", "mentee"):
            check_known(("relationships", i, role), rel.get(role))

    seen_groups: dict[str, int] = {}
    for i, group in _items(data, "groups"):
        group_id = group.get("id")
        if isinstance(group_id, str):
            if group_id in seen_groups:
                problems.append(
                    (
                        ("groups", i, "id"),
                        f"group id {group_id!r} is used twice (also groups[{seen_groups[group_id]}])",
                    )
                )
            seen_groups.setdefault(group_id, i)
        members = group.get("members")
        seen_members: set[str] = set()
        for j, member in enumerate(members if isinstance(members, list) else []):
            check_known(("groups", i, "members", j), member)
            email = _raw_email(member)
            if email in seen_members:
                problems.append((("groups", i, "members", j), f"{email} is listed twice in this group"))
            if email is not None:
                seen_members.add(email)

    seen_sources: dict[tuple[str | None, str, str], int] = {}
    for i, cal in _items(data, "calendars"):
        check_known(("calendars", i, "owner"), cal.get("owner"))
        for kind in ("ics", "google"):
            reference = cal.get(kind)
            if not isinstance(reference, str) or not reference:
                continue
            key = (_raw_email(cal.get("owner")), kind, reference)
            if key in seen_sources:
                problems.append(
                    (
                        ("calendars", i, kind),
                        f"the same calendar is listed twice (also calendars[{seen_sources[key]}])",
                    )
                )
            seen_sources.setdefault(key, i)
            if kind == "ics" and not is_url(reference):
                if "://" in reference:
                    problems.append(
                        (
                            ("calendars", i, "ics"),
                            f"{reference!r}: only http, https and webcal URLs are supported",
                        )
                    )
                elif not Path(resolve_ics_reference(reference, base_dir)).is_file():
                    problems.append(
                        (
                            ("calendars", i, "ics"),
                            f"calendar file {reference!r} not found (looked in {resolve_ics_reference(reference, base_dir)}); "
                            "paths are relative to the configuration file",
                        )
                    )
    return problems


def _items(data: dict[str, Any], section: str) -> list[tuple[int, dict[str, Any]]]:
    values = data.get(section)
    if not isinstance(values, list):
        return []
    return [(i, item) for i, item in enumerate(values) if isinstance(item, dict)]


def _raw_email(value: Any) -> str | None:
    return normalize_email(value) if isinstance(value, str) and value.strip() else None


def _cross_check_reports(config: Config) -> Iterable[tuple[Sequence[str | int], str]]:
    """References and overlaps in the report settings: credit periods, group roles, departments.
    Run on a valid configuration only (they read typed values)."""
    known = {p.email for p in config.people}
    for i, person in enumerate(config.people):
        periods = sorted(enumerate(person.credit), key=lambda item: item[1].start)
        for (_, earlier), (j, later) in pairwise(periods):
            if later.start <= earlier.end:
                yield (
                    ("people", i, "credit", j),
                    f"credit period {later.start}..{later.end} overlaps {earlier.start}..{earlier.end}; "
                    "merge or shorten them so hours are not credited twice",
                )
    for i, group in enumerate(config.groups):
        for j, email in enumerate(group.founded_by):
            if email not in group.members:
                yield (
                    ("groups", i, "founded_by", j),
                    f"{email} is not a member of this group; add them to members",
                )

    departments = {p.department for p in config.people}
    for i, department in enumerate(config.departments):
        if department.name not in departments:
            yield (
                ("departments", i, "name"),
                f"no one in people belongs to department {department.name!r}; check the spelling",
            )
    for email in config.self_reported:
        if email not in known:
            yield ("self_reported", email), f"{email} is not in people; add them to people or fix the address"


def _check_group_roles(i: int, group: Group) -> Iterable[tuple[Sequence[str | int], str]]:
    """Organizer, facilitators, owners and inventory entries must be members of the group."""
    members = set(group.members)

    def outside(email: str) -> str:
        return f"{email} is not a member of group {group.id!r}; add them to its members or fix the address"

    if group.organizer is not None and group.organizer not in members:
        yield ("groups", i, "organizer"), outside(group.organizer)
    for j, email in enumerate(group.facilitators):
        if email not in members:
            yield ("groups", i, "facilitators", j), outside(email)
    for j, objective in enumerate(group.objectives):
        if objective.owner not in members:
            yield ("groups", i, "objectives", j, "owner"), outside(objective.owner)
    for j, item in enumerate(group.action_items):
        if item.owner not in members:
            yield ("groups", i, "action_items", j, "owner"), outside(item.owner)
    for email in group.inventory:
        if email not in members:
            yield ("groups", i, "inventory", email), outside(email)
    if group.schedules_meetings and not group.series("UTC").first_session_fits():
        yield (
            ("groups", i, "first_session"),
            f"{group.first_session:%A %Y-%m-%d} is not a day the cadence {group.cadence!r} meets on; "
            "give the date of the first regular session",
        )
    if group.schedules_meetings and (group.cancelled_sessions or group.rescheduled_sessions):
        asked = [*group.cancelled_sessions, *group.rescheduled_sessions]
        scheduled = set(group.series("UTC").scheduled_dates(max(asked)))
        for day in sorted(set(asked) - scheduled):
            key = "cancelled_sessions" if day in group.cancelled_sessions else "rescheduled_sessions"
            yield (
                ("groups", i, key),
                f"{day} is not a session date of this group's cadence; use the date the session was scheduled for",
            )


def _describe(file: Path, root: yaml.Node | None, loc: Sequence[str | int], reason: str) -> str:
    path = _key_path(loc)
    line = _line_of(root, loc)
    where = f"{file}:{line}" if line else str(file)
    return f"{where}: {path}: {reason}" if path else f"{where}: {reason}"


def _key_path(loc: Sequence[str | int]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part and not str(part).startswith(("function-", "model-")):
            out += f".{part}" if out else str(part)
    return out


def _line_of(root: yaml.Node | None, loc: Sequence[str | int]) -> int | None:
    """The 1-based line of the deepest YAML node the location reaches."""
    node = root
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if getattr(k, "value", None) == part), None)
            if match is None:
                break
            key_node, node = match
            line = key_node.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line
