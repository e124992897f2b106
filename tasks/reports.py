"""Report tasks: build and render one report per task run, and e-mail it (with retries for SMTP)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE

from mentorledger.asof import resolve_as_of
from mentorledger.config import Config
from mentorledger.errors import UserError
from mentorledger.reports.chair_data import build_chair_report
from mentorledger.reports.delivery import chair_email_text, chair_messages, chairs_of
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
from mentorledger.smtp import FROM_ENV, SmtpSender
from mentorledger.store.ledger import Ledger
from mentorledger.store.preferences import MailKind, turned_off
from tasks.smtp import smtp_settings
from tasks.sync import cached_config


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _as_of(config: Config, value: str | None) -> dt.datetime:
    """The flow parameter ``as_of`` (a date, a local date and time, or an ISO instant; None: now)."""
    return resolve_as_of(value, config.tz)


@task(name="render-chair-report", cache_policy=NO_CACHE)
def render_chair_report(
    config_path: str,
    department: str,
    date_from: str | None,
    date_to: str | None,
    formats: list[str],
    out_dir: str,
    database_url: str | None,
    as_of: str | None = None,
) -> dict[str, Any]:
    """Compute the report once and write every requested format."""
    config = cached_config(config_path)
    report = build_chair_report(
        config,
        Ledger.open(database_url),
        department,
        start=_day(date_from),
        end=_day(date_to),
        as_of=_as_of(config, as_of),
    )
    files = write_chair(report, formats, out_dir)
    public_url = config.web.public_url.rstrip("/") if config.web.public_url else None
    subject, body = chair_email_text(report, f"{public_url}/chair/{report.slug}" if public_url else None)
    return {
        "subject": subject,
        "body": body,
        "department": report.department,
        "window": {"start": report.window.start.isoformat(), "end": report.window.end.isoformat()},
        "as_of": report.as_of.isoformat(),
        "files": {fmt: str(path) for fmt, path in files.items()},
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


@task(name="email-chair-report", cache_policy=NO_CACHE)
def email_chair_report(
    config_path: str,
    department: str,
    subject: str,
    body: str,
    files: dict[str, str],
    database_url: str | None = None,
) -> list[str]:
    """Send the PDF and XLSX to each chair of the department who did not turn this e-mail off (in the
    web app); returns the addresses mailed.

    No task-level retries: the sender retries each message's transient failures itself, and
    re-running the task would mail the chairs already reached a second time."""
    config = cached_config(config_path)
    settings = smtp_settings(config.smtp)
    if not settings.sender:
        raise UserError(f"report e-mail needs a sender: set smtp.from_address or {FROM_ENV}")
    off = turned_off(Ledger.open(database_url), MailKind.CHAIR_REPORT)
    chairs = [chair for chair in chairs_of(config, department) if chair not in off]
    attachments = {fmt: Path(path) for fmt, path in files.items()}
    sender = SmtpSender(settings)
    for chair, message in zip(
        chairs, chair_messages(subject, body, attachments, chairs, settings.sender), strict=True
    ):
        sender.send(message, [chair])
    return chairs


@task(name="render-dossier", cache_policy=NO_CACHE)
def render_dossier(
    config_path: str,
    mentor: str,
    date_from: str | None,
    date_to: str | None,
    formats: list[str],
    out_dir: str,
    database_url: str | None,
    as_of: str | None = None,
) -> dict[str, Any]:
    config = cached_config(config_path)
    summary = build_dossier(
        config,
        Ledger.open(database_url),
        mentor,
        start=_day(date_from),
        end=_day(date_to),
        as_of=_as_of(config, as_of),
    )
    files = write_dossier(summary, formats, out_dir)
    return {
        "mentor": summary.email,
        "window": {"start": summary.window.start.isoformat(), "end": summary.window.end.isoformat()},
        "as_of": summary.as_of.isoformat(),
        "files": {fmt: str(path) for fmt, path in files.items()},
        "minutes": summary.minutes,
        "markdown": dossier_summary_markdown(summary, files),
        "table": dossier_table(summary),
    }


@task(name="render-school-report", cache_policy=NO_CACHE)
def render_school_report(
    config_path: str,
    date_from: str | None,
    date_to: str | None,
    formats: list[str],
    out_dir: str,
    database_url: str | None,
    as_of: str | None = None,
) -> dict[str, Any]:
    """Every department's figures from one read of the ledger, written in every requested format."""
    config = cached_config(config_path)
    report = build_school_report(
        config,
        Ledger.open(database_url),
        start=_day(date_from),
        end=_day(date_to),
        as_of=_as_of(config, as_of),
    )
    files = write_school(report, formats, out_dir)
    return {
        "window": {"start": report.window.start.isoformat(), "end": report.window.end.isoformat()},
        "as_of": report.as_of.isoformat(),
        "files": {fmt: str(path) for fmt, path in files.items()},
        "departments": [
            {"department": d.department, "people": d.totals.people, "minutes": d.totals.minutes}
            for d in report.departments
        ],
        "markdown": school_summary_markdown(report, files),
    }
