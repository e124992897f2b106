"""Every mentor's summary as one JSON document, against the published schema
``mentor-summaries.schema.json`` (JSON Schema 2020-12, next to this module). Each summary is the
dossier computation over the export period, so its numbers are the dossier's and the reports'.

Minutes are exact integers; ``null`` minutes mean "no data" (no calendar of the mentor covered that
time), never 0. Mentees are pseudonyms unless they consented to be named, as in the dossier.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from pathlib import Path
from typing import Any

from mentorledger.config import Window
from mentorledger.coverage import PeriodCoverage
from mentorledger.exports.activities import mentors
from mentorledger.reports.basis import LedgerView, PeriodHours
from mentorledger.reports.dossier_data import DossierSummary, dossier_summary
from mentorledger.reports.formatting import hours_value

SCHEMA_PATH = Path(__file__).with_name("mentor-summaries.schema.json")
FORMAT = "mentorledger/mentor-summaries"
VERSION = 1


@cache
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded


def _instant(value: dt.datetime | None) -> str | None:
    return None if value is None else value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _coverage(c: PeriodCoverage) -> dict[str, Any]:
    return {
        "extent": str(c.extent),
        "data_through": _instant(c.data_through),
        "months_with_data": c.months_with_data,
        "months": c.months,
    }


def _hours(p: PeriodHours) -> dict[str, Any]:
    return {
        "minutes": p.minutes,
        "hours": hours_value(p.minutes),
        "by_category": p.by_category,
        "entries": p.entries,
        "scheduled_minutes": p.scheduled_minutes,
        "coverage": _coverage(p.coverage),
        "review": {
            "confirmed_minutes": p.confirmed_minutes,
            "pending_minutes": p.pending_minutes,
            "manual_minutes": p.manual_minutes,
            "attested_minutes": p.attested_minutes,
            "confirmed_share": _share(p.confirmed_share),
            "attested_share": _share(p.attested_share),
            "manual_share": _share(p.manual_share),
        },
    }


def _share(value: float | None) -> float | None:
    """A share to four decimals (0.4250): exact enough to recompute the minutes' split."""
    return None if value is None else round(value, 4)


def mentor_json(s: DossierSummary) -> dict[str, Any]:
    return {
        "email": s.email,
        "name": s.name,
        "department": s.department,
        "rank": s.rank,
        "track": s.track,
        "calendar": {
            "status": str(s.sync.status),
            "calendars": s.sync.calendars,
            "failing_since": _instant(s.sync.failing_since),
            "last_success_at": _instant(s.sync.last_success_at),
        },
        **_hours(s.period),
        "fte_equivalent": s.fte_equivalent,
        "credit": {
            "allotted_minutes": s.allotted_minutes,
            "credited_minutes": s.credited_minutes,
            "uncredited_minutes": s.uncredited_minutes,
            "stipend": s.stipend,
        },
        "academic_years": [
            {"label": y.label, "start": y.start.isoformat(), "end": y.end.isoformat(), **_hours(y.hours)}
            for y in s.years
        ],
        "months": [
            {
                "month": m.label,
                "minutes": m.minutes,
                "scheduled_minutes": m.scheduled_minutes,
                "begun": m.begun,
            }
            for m in s.months
        ],
        "relationships": [
            {
                "mentee": m.label,
                "named": m.named,
                "stage": m.stage,
                "kind": m.kind,
                "start": m.start.isoformat(),
                "end": m.end.isoformat() if m.end else None,
                "months": m.months,
                "one_on_one_minutes": m.minutes,
            }
            for m in s.mentees
        ],
        "long_relationships": s.long_relationships,
        "near_peer_roles": s.near_peer_roles,
        "groups": [
            {"name": g.name, "role": g.role, "sessions": g.sessions, "minutes": g.minutes} for g in s.groups
        ],
        "group_sessions": s.group_sessions,
    }


def summaries_document(view: LedgerView, window: Window, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """The export: every mentor (anyone with a calendar, a mentee or a group) over ``window``."""
    config = view.config
    generated = now or dt.datetime.now(dt.UTC)
    return {
        "format": FORMAT,
        "version": VERSION,
        "institution": config.institution,
        "timezone": config.timezone,
        "period": {"start": window.start.isoformat(), "end": window.end.isoformat()},
        "as_of": _instant(view.as_of),
        "data_through": _instant(view.data_through(window)),
        "fte_basis_hours": config.fte_basis_hours,
        "generated_at": _instant(generated),
        "mentors": [mentor_json(dossier_summary(view, p, window, now=generated)) for p in mentors(config)],
    }


def check(document: dict[str, Any]) -> None:
    """Validate against the published schema; a failure is a bug in mentorledger, never the user's."""
    from jsonschema import Draft202012Validator

    Draft202012Validator(schema()).validate(document)
