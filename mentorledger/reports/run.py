"""Rendering a report as one unit of work: compute it once, write every requested format, and return
what the caller shows or publishes. The report tasks wrap these for flows; the command line calls them
directly when no Prefect server is configured (a report is seconds of work, not a temporary server)."""

from __future__ import annotations

import datetime as dt
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
    write_chair,
    write_dossier,
)
from mentorledger.store.ledger import Ledger


def render_chair(
    config: Config,
    ledger: Ledger,
    department: str,
    start: dt.date | None,
    end: dt.date | None,
    formats: list[str],
    out_dir: str,
) -> dict[str, Any]:
    """The department's effort report in every requested format, with its e-mail text and artifacts."""
    report = build_chair_report(config, ledger, department, start=start, end=end)
    files = write_chair(report, formats, out_dir)
    subject, body = chair_email_text(report)
    return {
        "subject": subject,
        "body": body,
        "department": report.department,
        "window": {"start": report.window.start.isoformat(), "end": report.window.end.isoformat()},
        "files": {fmt: str(path) for fmt, path in files.items()},
        "totals": {
            "mentors": report.totals.mentors,
            "minutes": report.totals.minutes,
            "credited_minutes": report.totals.credited_minutes,
            "uncredited_minutes": report.totals.uncredited_minutes,
            "flagged": report.totals.flagged,
        },
        "markdown": chair_summary_markdown(report, files),
        "table": chair_table(report),
    }


def render_dossier(
    config: Config,
    ledger: Ledger,
    mentor: str,
    start: dt.date | None,
    end: dt.date | None,
    formats: list[str],
    out_dir: str,
) -> dict[str, Any]:
    """The mentor's dossier summary in every requested format, with its artifacts."""
    summary = build_dossier(config, ledger, mentor, start=start, end=end)
    files = write_dossier(summary, formats, out_dir)
    return {
        "mentor": summary.email,
        "window": {"start": summary.window.start.isoformat(), "end": summary.window.end.isoformat()},
        "files": {fmt: str(path) for fmt, path in files.items()},
        "minutes": summary.minutes,
        "markdown": dossier_summary_markdown(summary, files),
        "table": dossier_table(summary),
    }
