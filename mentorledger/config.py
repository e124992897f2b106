"""The configuration file: a department's roster, relationships, groups and calendars.

Loaded from YAML into pydantic models. A bad file never gets half-loaded: every problem is collected and
reported as one line ``FILE:LINE: key.path: reason`` so a faculty-affairs administrator can fix them all
in one pass. Unknown keys are errors (a typo such as ``relationship:`` must not silently drop data).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from enum import StrEnum
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


class Person(_Model):
    email: Email
    name: str = Field(min_length=1)
    department: str = Field(min_length=1)
    rank: Rank


class Relationship(_Model):
    mentor: Email
    mentee: Email
    kind: RelationshipKind
    start: dt.date
    end: dt.date | None = None

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

    @property
    def effective_port(self) -> int:
        return self.port or {"starttls": 587, "ssl": 465, "none": 25}[self.security]


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
        return self.ics is not None and self.ics.lower().startswith(("http://", "https://", "webcal://"))


class Config(_Model):
    institution: str = Field(min_length=1)
    timezone: TimeZoneName
    window: Window | None = None
    counting: Counting = Field(default_factory=Counting)
    people: list[Person] = Field(default_factory=list)
    relationships: list[Relationship] = Field(default_factory=list)
    groups: list[Group] = Field(default_factory=list)
    calendars: list[CalendarSource] = Field(default_factory=list)
    smtp: Smtp | None = None

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
        if source.is_url:
            return (
                "https://" + source.ics[len("webcal://") :]
                if source.ics.lower().startswith("webcal://")
                else source.ics
            )
        path = Path(source.ics).expanduser()
        return str(path if path.is_absolute() else (self.base_dir / path).resolve())


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

    data = dict(data)
    data["base_dir"] = file.resolve().parent
    data["source_path"] = file.resolve()
    try:
        config = Config.model_validate(data, context={"internal": True})
    except ValidationError as exc:
        return [_describe(file, root, err["loc"], _reason(err)) for err in exc.errors()], None
    problems = [_describe(file, root, loc, reason) for loc, reason in _cross_check(config)]
    return problems, (None if problems else config)


def _reason(error: Any) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "unknown key (check the spelling; see config/README.md for the keys)"
    if kind == "missing":
        return "required key is missing"
    message: str = error["msg"]
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    if kind == "enum":
        return f"{error.get('input')!r} is not allowed: {message.removeprefix('Input should be ')}"
    return message


def _cross_check(config: Config) -> Iterable[tuple[Sequence[str | int], str]]:
    """Problems pydantic cannot see: references between sections, duplicates, missing files."""
    known: dict[str, int] = {}
    for i, person in enumerate(config.people):
        if person.email in known:
            yield (
                ("people", i, "email"),
                f"{person.email} is listed twice (also people[{known[person.email]}])",
            )
        known.setdefault(person.email, i)

    def unknown(email: str) -> str:
        return f"{email} is not in people; add them to people or fix the address"

    for i, rel in enumerate(config.relationships):
        for role in ("mentor", "mentee"):
            if getattr(rel, role) not in known:
                yield ("relationships", i, role), unknown(getattr(rel, role))

    seen_groups: dict[str, int] = {}
    for i, group in enumerate(config.groups):
        if group.id in seen_groups:
            yield (
                ("groups", i, "id"),
                f"group id {group.id!r} is used twice (also groups[{seen_groups[group.id]}])",
            )
        seen_groups.setdefault(group.id, i)
        seen_members: set[str] = set()
        for j, member in enumerate(group.members):
            if member not in known:
                yield ("groups", i, "members", j), unknown(member)
            if member in seen_members:
                yield ("groups", i, "members", j), f"{member} is listed twice in this group"
            seen_members.add(member)
        yield from _check_group_roles(i, group)

    seen_sources: dict[tuple[str, str, str], int] = {}
    for i, cal in enumerate(config.calendars):
        if cal.owner not in known:
            yield ("calendars", i, "owner"), unknown(cal.owner)
        key = (cal.owner, cal.kind, cal.reference)
        if key in seen_sources:
            yield (
                ("calendars", i, cal.kind),
                f"the same calendar is listed twice (also calendars[{seen_sources[key]}])",
            )
        seen_sources.setdefault(key, i)
        if cal.ics is not None and not cal.is_url:
            if "://" in cal.ics:
                yield ("calendars", i, "ics"), f"{cal.ics!r}: only http, https and webcal URLs are supported"
            elif not Path(config.resolve_ics(cal)).is_file():
                yield (
                    ("calendars", i, "ics"),
                    f"calendar file {cal.ics!r} not found (looked in {config.resolve_ics(cal)}); "
                    "paths are relative to the configuration file",
                )


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
