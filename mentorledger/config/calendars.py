"""Where each configured calendar comes from: ``calendars[]`` is a discriminated union of the kinds of
source, and some sources have institution-wide settings (Google's request budget, Microsoft's app
registration). With ``mentorledger/sources/`` this is the one place that names the kinds of source.

An entry is one of ``{owner, ics: PATH|URL}``, ``{owner, google: CALENDAR_ID}``,
``{owner, m365: primary|CALENDAR_ID}`` or ``{owner, caldav: COLLECTION_URL}``; which key is present
decides its model. Secrets never go here: each source reads its own from the environment.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, Discriminator, Field, Tag, field_validator, model_validator

from mentorledger.config.base import Email, _Model, normalize_email
from mentorledger.redaction import redact_url

KINDS = ("ics", "google", "m365", "caldav")
# Pydantic puts the union member's tag into error locations; they are not keys of the file.
CALENDAR_TAGS = frozenset(f"{kind}-calendar" for kind in KINDS)
SECRET_KEYS = frozenset({"password", "secret", "client_secret", "token", "username", "credentials"})


class _Calendar(_Model):
    owner: Email
    kind: ClassVar[str]

    @model_validator(mode="before")
    @classmethod
    def _no_secrets(cls, data: Any) -> Any:
        if isinstance(data, dict) and (found := sorted(SECRET_KEYS & set(data))):
            raise ValueError(
                f"{found[0]!r}: credentials never go in the configuration file; "
                "see the README for the environment variables of this kind of calendar"
            )
        return data

    @property
    def reference(self) -> str:
        """The source as written in the configuration (path, URL or calendar id)."""
        value: str = getattr(self, self.kind)
        return value

    @property
    def label(self) -> str:
        """How the calendar is shown and logged: the reference, unless it could carry a secret."""
        return self.reference


class IcsCalendar(_Calendar):
    """An ICS file (relative to the configuration file) or an http(s)/webcal feed."""

    kind: ClassVar[str] = "ics"
    ics: str

    @field_validator("ics")
    @classmethod
    def _not_empty(cls, value: str) -> str:
        if not value:
            raise ValueError("'ics' is empty")
        return value

    @property
    def is_url(self) -> bool:
        return is_url(self.ics)

    @property
    def label(self) -> str:
        return redact_url(self.ics) if self.is_url else self.ics


class GoogleCalendar(_Calendar):
    """A Google calendar id: ``primary`` (the owner's main calendar) or any id the owner can see."""

    kind: ClassVar[str] = "google"
    google: str

    @field_validator("google")
    @classmethod
    def _not_empty(cls, value: str) -> str:
        if not value:
            raise ValueError("'google' is empty; use a calendar id such as primary")
        return value


class M365Calendar(_Calendar):
    """A Microsoft 365 (Exchange Online) calendar of the owner's mailbox: ``primary`` or a calendar id."""

    kind: ClassVar[str] = "m365"
    m365: str

    @field_validator("m365")
    @classmethod
    def _usable_id(cls, value: str) -> str:
        if not value:
            raise ValueError("'m365' is empty; use primary for the owner's default calendar")
        if "/" in value or "?" in value or "#" in value:
            raise ValueError(f"{value!r} is not a calendar id; use primary or the id Graph lists")
        return value


class CaldavCalendar(_Calendar):
    """A CalDAV calendar collection URL (iCloud, Fastmail, Nextcloud, Radicale, SOGo...)."""

    kind: ClassVar[str] = "caldav"
    caldav: str

    @field_validator("caldav")
    @classmethod
    def _collection_url(cls, value: str) -> str:
        parts = urllib.parse.urlsplit(value)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            raise ValueError(
                f"{value!r} is not an http(s) URL of a calendar collection "
                "(for example https://caldav.fastmail.com/dav/calendars/user/ana@example.org/Default/)"
            )
        if parts.username or parts.password:
            raise ValueError(
                "the URL carries a user name or password; put credentials in the credentials file"
            )
        return value

    @property
    def label(self) -> str:
        parts = urllib.parse.urlsplit(self.caldav)
        name = parts.path.rstrip("/").rsplit("/", 1)[-1]
        return f"{parts.scheme}://{parts.netloc}/…/{name}/" if name else redact_url(self.caldav)


def _kind_of(value: Any) -> str | None:
    """The union tag of an entry: the one source key it has (None: no source key, or several)."""
    if isinstance(value, dict):
        given = [kind for kind in KINDS if kind in value]
        return f"{given[0]}-calendar" if len(given) == 1 else None
    kind = getattr(value, "kind", None)
    return f"{kind}-calendar" if kind in KINDS else None


CalendarSource = Annotated[
    Annotated[IcsCalendar, Tag("ics-calendar")]
    | Annotated[GoogleCalendar, Tag("google-calendar")]
    | Annotated[M365Calendar, Tag("m365-calendar")]
    | Annotated[CaldavCalendar, Tag("caldav-calendar")],
    Discriminator(
        _kind_of,
        custom_error_type="calendar_source",
        custom_error_message=(
            "give exactly one of 'ics' (a file path or URL), 'google' (a calendar id), "
            "'m365' (primary or a calendar id) or 'caldav' (a calendar collection URL)"
        ),
    ),
]


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


def _https_url(value: str) -> str:
    parts = urllib.parse.urlsplit(value)
    if parts.scheme.lower() != "https" or not parts.hostname:
        raise ValueError(f"{value!r} is not an https URL; Microsoft's endpoints are HTTPS only")
    return value.rstrip("/") if not parts.path.strip("/") else value


HttpsUrl = Annotated[str, AfterValidator(_https_url)]
_GUID = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"


class MicrosoftSettings(_Model):
    """One institution-wide app registration in Microsoft Entra ID, read-only and app-only, through which
    every ``m365`` calendar is read. Its secret or certificate comes from the environment."""

    tenant_id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9.-]*$")  # directory id, or a verified domain
    client_id: str = Field(pattern=_GUID)  # the app registration's application (client) id
    authority: HttpsUrl = "https://login.microsoftonline.com"  # national clouds have their own
    graph_endpoint: HttpsUrl = "https://graph.microsoft.com/v1.0/"
    requests_per_minute: int = Field(default=600, ge=1, le=100_000)  # the whole run's budget

    @model_validator(mode="before")
    @classmethod
    def _no_secrets(cls, data: Any) -> Any:
        if isinstance(data, dict) and (found := sorted(SECRET_KEYS & set(data))):
            raise ValueError(
                f"{found[0]!r}: the app's secret never goes in the configuration file; set "
                "MENTORLEDGER_MICROSOFT_CLIENT_SECRET or MENTORLEDGER_MICROSOFT_CERTIFICATE instead"
            )
        return data


def check_calendar_entries(
    entries: Sequence[tuple[int, dict[str, Any]]], *, top_level: dict[str, Any]
) -> list[tuple[Sequence[str | int], str]]:
    """Cross-checks of the raw ``calendars[]`` entries: each calendar listed once, ICS references that
    are paths or supported URLs, ``m365`` calendars only with a ``microsoft`` app registration."""
    problems: list[tuple[Sequence[str | int], str]] = []
    seen: dict[tuple[str | None, str, str], int] = {}
    for i, cal in entries:
        for kind in KINDS:
            reference = cal.get(kind)
            if not isinstance(reference, str) or not reference:
                continue
            owner = cal.get("owner")
            key = (normalize_email(owner) if isinstance(owner, str) else None, kind, reference)
            if key in seen:
                problems.append(
                    (
                        ("calendars", i, kind),
                        f"the same calendar is listed twice (also calendars[{seen[key]}])",
                    )
                )
            seen.setdefault(key, i)
            if kind == "ics":
                problems += _check_ics_reference(i, reference)
            if kind == "m365" and "microsoft" not in top_level:
                problems.append(
                    (
                        ("calendars", i, "m365"),
                        "a Microsoft 365 calendar needs the top-level microsoft: section "
                        "(tenant_id, client_id of the app registration; see the README)",
                    )
                )
    return problems


def _check_ics_reference(i: int, reference: str) -> list[tuple[Sequence[str | int], str]]:
    if "://" in reference and not is_url(reference):
        return [(("calendars", i, "ics"), f"{reference!r}: only http, https and webcal URLs are supported")]
    return []


def missing_calendar_files(
    calendars: Sequence[_Calendar], base_dir: Path
) -> list[tuple[Sequence[str | int], str]]:
    """ICS files that are not there (or not files). A warning, not an error: ``sync`` reports that
    calendar as failed and syncs the others, and the file may well appear before the next run."""
    problems: list[tuple[Sequence[str | int], str]] = []
    for i, calendar in enumerate(calendars):
        if not isinstance(calendar, IcsCalendar) or calendar.is_url:
            continue
        resolved = resolve_ics_reference(calendar.ics, base_dir)
        if not Path(resolved).is_file():
            problems.append(
                (
                    ("calendars", i, "ics"),
                    f"calendar file {calendar.ics!r} not found (looked in {resolved}; paths are "
                    "relative to the configuration file); sync will report this calendar as failed",
                )
            )
    return problems


class SourceSettings(_Model):
    """The top-level keys of the sources that have institution-wide settings (``Config`` has them)."""

    google: GoogleSettings = Field(default_factory=GoogleSettings)
    # Base URL of the Calendar v3 API, for a proxy or a test server; default: Google's own.
    google_api_endpoint: Annotated[str | None, AfterValidator(_valid_endpoint)] = None
    microsoft: MicrosoftSettings | None = None  # the app registration that reads m365 calendars


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
