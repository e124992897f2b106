"""Pages: one Jinja2 environment (autoescaped, strict), the filters every page uses, and ``page()``,
which renders a template with what the layout needs (viewer, CSRF token, a one-shot notice)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from mentorledger.web.access import CSRF_FIELD, current_viewer
from mentorledger.web.context import web_context
from mentorledger.web.sessions import CSRF_KEY

TEMPLATES = Path(__file__).resolve().parent / "templates"
NOTICE_KEY = "notice"


def minutes_text(minutes: int) -> str:
    """45 min, 2 h, 1 h 30 min."""
    hours, rest = divmod(int(minutes), 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h" if not rest else f"{hours} h {rest} min"


def hours_text(minutes: int) -> str:
    return f"{minutes / 60:.1f}"


def day_text(day: dt.date | dt.datetime) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def short_day(day: dt.date | dt.datetime) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,  # every value is escaped, whatever the template's file name
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(minutes=minutes_text, hours=hours_text, day=day_text, short_day=short_day)
    env.globals.update(csrf_field=CSRF_FIELD)
    return env


def notify(request: Request, text: str, *, undo: str | None = None) -> None:
    """A notice for the next page (after a redirect), optionally with an undo button for an action."""
    request.session[NOTICE_KEY] = {"text": text, "undo": undo}


def page(request: Request, template: str, *, status: int = 200, title: str, **values: Any) -> HTMLResponse:
    context = web_context(request)
    html = context.templates.get_template(template).render(
        title=title,
        viewer=current_viewer(request),
        csrf_token=request.session[CSRF_KEY],
        notice=request.session.pop(NOTICE_KEY, None),
        institution=context.config.institution,
        local=lambda moment: moment.astimezone(context.config.tz),
        demo=context.settings.demo,
        oidc_label=context.config.web.oidc.label if context.oidc and context.config.web.oidc else None,
        email_links=context.settings.demo or context.settings.mail is not None,
        name_of=context.roster.name,
        path=request.url.path,
        here=request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        **values,
    )
    return HTMLResponse(html, status_code=status)
