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
from mentorledger.reports.delivery import chair_messages, chairs_of
from mentorledger.reports.run import Rendering, render_chair, render_school
from mentorledger.reports.run import render_dossier as render_dossier_files
from mentorledger.smtp import FROM_ENV, SmtpSender
from mentorledger.store.ledger import Ledger
from mentorledger.store.preferences import MailKind, turned_off
from tasks.smtp import smtp_settings
from tasks.sync import cached_config


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _rendering(
    config: Config,
    date_from: str | None,
    date_to: str | None,
    formats: list[str],
    out_dir: str,
    as_of: str | None,
) -> Rendering:
    """Every render task's flow parameters, read the one way: ISO dates, and ``as_of`` as a date, a
    local date and time, or an ISO instant (None: now)."""
    return Rendering(_day(date_from), _day(date_to), formats, out_dir, resolve_as_of(as_of, config.tz))


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
    rendering = _rendering(config, date_from, date_to, formats, out_dir, as_of)
    return render_chair(config, _ledger(config, database_url), department, rendering)


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
    off = turned_off(_ledger(config, database_url), MailKind.CHAIR_REPORT)
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
    rendering = _rendering(config, date_from, date_to, formats, out_dir, as_of)
    return render_dossier_files(config, _ledger(config, database_url), mentor, rendering)


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
    rendering = _rendering(config, date_from, date_to, formats, out_dir, as_of)
    return render_school(config, _ledger(config, database_url), rendering)


def _ledger(config: Config, database_url: str | None) -> Ledger:
    return Ledger.open(database_url, config_path=config.source_path)
