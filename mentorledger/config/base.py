"""Building blocks every part of the configuration uses: the strict base model, e-mail addresses and
IANA time-zone names."""

from __future__ import annotations

import re
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict

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


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
