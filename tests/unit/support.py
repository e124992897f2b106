"""Shared builders for the unit tests: a small roster, configs, parsing over the test window."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from mentorledger.config import Config, load_config
from mentorledger.instances import Instance
from mentorledger.sources.ics.parse import ParsedCalendar, parse_ics

UTC = dt.UTC
NEW_YORK = ZoneInfo("America/New_York")

# The configured window 2025-07-01..2026-06-30 in America/New_York (EDT, UTC-4, on both ends):
# [2025-07-01 00:00 EDT, 2026-07-01 00:00 EDT) == [2025-07-01 04:00Z, 2026-07-01 04:00Z).
WINDOW_START = dt.datetime(2025, 7, 1, 4, 0, tzinfo=UTC)
WINDOW_END = dt.datetime(2026, 7, 1, 4, 0, tzinfo=UTC)

ANA = "ana@med.example.edu"  # the calendar owner in most tests
BEN = "ben@med.example.edu"  # Ana's near-peer mentee 2025-07-01..2026-03-31
CY = "cy@med.example.edu"  # Ana's mentee from 2025-10-01, open-ended
DEE = "dee@med.example.edu"  # urim-circle member
EVE = "eve@med.example.edu"  # urim-circle member
FAY = "fay@med.example.edu"  # urim-circle member
GUS = "gus@med.example.edu"  # other-circle member (Ana is not in other-circle)
HAL = "hal@med.example.edu"
IVY = "ivy@med.example.edu"

_BASE: dict[str, Any] = {
    "institution": "Example School of Medicine",
    "timezone": "America/New_York",
    "window": {"start": "2025-07-01", "end": "2026-06-30"},
    "people": [
        {
            "email": email,
            "name": email.split("@")[0].title(),
            "department": "Pediatrics",
            "rank": "assistant_professor",
        }
        for email in (ANA, BEN, CY, DEE, EVE, FAY, GUS, HAL, IVY)
    ],
    "relationships": [
        {"mentor": ANA, "mentee": BEN, "kind": "near_peer", "start": "2025-07-01", "end": "2026-03-31"},
        {"mentor": ANA, "mentee": CY, "kind": "dyad", "start": "2025-10-01"},
    ],
    "groups": [
        {"id": "urim-circle", "name": "URiM Peer Circle", "members": [ANA, DEE, EVE, FAY]},
        {"id": "other-circle", "name": "Other Circle", "members": [GUS, HAL, IVY]},
    ],
}


def config_data(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(_BASE)
    data.update(copy.deepcopy(changes))
    return data


def make_config(**changes: Any) -> Config:
    return Config.model_validate(config_data(**changes))


def parse(
    data: bytes,
    *,
    tz: ZoneInfo = NEW_YORK,
    start: dt.datetime = WINDOW_START,
    end: dt.datetime = WINDOW_END,
) -> ParsedCalendar:
    return parse_ics(data, start=start, end=end, fallback_tz=tz)


def only_instance(data: bytes, **kwargs: Any) -> Instance:
    parsed = parse(data, **kwargs)
    assert parsed.problems == []
    assert len(parsed.instances) == 1, parsed.instances
    return parsed.instances[0]


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def starts(instances: list[Instance]) -> list[dt.datetime]:
    return sorted(i.start for i in instances)


def write_config(directory: Path, calendars: list[tuple[str, str]], **changes: Any) -> Config:
    """Write config.yaml (calendars as (owner, relative ics path)) into ``directory`` and load it."""
    data = config_data(calendars=[{"owner": owner, "ics": path} for owner, path in calendars], **changes)
    path = directory / "config.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return load_config(path)


def written(path: Path, text: str) -> Path:
    """``path`` with ``text`` written to it in UTF-8: a test's configuration or HR export, made in one
    line so the test shows only what the file says."""
    path.write_text(text, encoding="utf-8")
    return path
