"""Rendering a report as one unit of work: compute it once, write every requested format, and return
what the caller shows or publishes. The report tasks wrap these for flows; the command line calls them
directly when no Prefect server is configured (a report is seconds of work, not a temporary server)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mentorledger.config import Config
from mentorledger.reports.chair_data import build_chair_report
from mentorledger.reports.delivery import chair_email_text
from mentorledger.reports.dossier_data import build_dossier
from mentorledger.reports.outputs import (
    chair_summary_markdown,
    chair_table,
    dossier_summary_markdown,
    dossier_table,
    school_summary_markdown,
    write_chair,
    write_dossier,
    write_school,
)
from mentorledger.reports.school_data import build_school_report
from mentorledger.store.ledger import Ledger


@dataclass(frozen=True, slots=True)
class Rendering:
    """What every report is rendered for, whichever report it is: its period (None: the default), the
    formats to write, the folder they go to, and the instant the figures are as of."""

    start: dt.date | None
    end: dt.date | None
    formats: list[str]
    out_dir: str
    as_of: dt.datetime


def _written(report: Any, files: dict[str, Path]) -> dict[str, Any]:
    """The part of every report's result that says what was written for which period: one shape, so the
    command line and the flows print and publish any report's files the same way."""
    return {
        "window": {"start": report.window.start.isoformat(), "end": report.window.end.isoformat()},
        "as_of": report.as_of.isoformat(),
        "files": {fmt: str(path) for fmt, path in files.items()},
    }


def render_chair(config: Config, ledger: Ledger, department: str, rendering: Rendering) -> dict[str, Any]:
    """The department's effort report in every requested format, with its e-mail text and artifacts."""
    report = build_chair_report(
        config, ledger, department, start=rendering.start, end=rendering.end, as_of=rendering.as_of
    )
    files = write_chair(report, rendering.formats, rendering.out_dir)
    public_url = config.web.public_url.rstrip("/") if config.web.public_url else None
    subject, body = chair_email_text(report, f"{public_url}/chair/{report.slug}" if public_url else None)
    return {
        "subject": subject,
        "body": body,
        "department": report.department,
        **_written(report, files),
        "totals": {
            "people": report.totals.people,
            "with_data": report.totals.with_data,
            "mentors": report.totals.mentors,
            "minutes": report.totals.minutes,
            "credited_minutes": report.totals.credited_minutes,
            "uncredited_minutes": report.totals.uncredited_minutes,
            "flagged": report.totals.flagged,
        },
        "markdown": chair_summary_markdown(report, files),
        "table": chair_table(report),
    }


def render_dossier(config: Config, ledger: Ledger, mentor: str, rendering: Rendering) -> dict[str, Any]:
    """The mentor's dossier summary in every requested format, with its artifacts."""
    summary = build_dossier(
        config, ledger, mentor, start=rendering.start, end=rendering.end, as_of=rendering.as_of
    )
    files = write_dossier(summary, rendering.formats, rendering.out_dir)
    return {
        "mentor": summary.email,
        **_written(summary, files),
        "minutes": summary.minutes,
        "markdown": dossier_summary_markdown(summary, files),
        "table": dossier_table(summary),
    }


def render_school(config: Config, ledger: Ledger, rendering: Rendering) -> dict[str, Any]:
    """Every department's figures from one read of the ledger, written in every requested format."""
    report = build_school_report(
        config, ledger, start=rendering.start, end=rendering.end, as_of=rendering.as_of
    )
    files = write_school(report, rendering.formats, rendering.out_dir)
    return {
        **_written(report, files),
        "departments": [
            {"department": d.department, "people": d.totals.people, "minutes": d.totals.minutes}
            for d in report.departments
        ],
        "markdown": school_summary_markdown(report, files),
    }
