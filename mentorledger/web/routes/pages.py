"""The home redirect, the counting rules, health."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response

from mentorledger.web.access import Access, area, current_viewer
from mentorledger.web.render import page
from mentorledger.web.routes.auth import see_other

public = area(Access.PUBLIC)


@public.get("/")
def home(request: Request) -> Response:
    viewer = current_viewer(request)
    return see_other(viewer.home if viewer else "/login")


@public.get("/rules", response_class=HTMLResponse)
def rules(request: Request) -> Response:
    return page(request, "rules.html", title="The counting rules")


@public.get("/healthz", response_class=PlainTextResponse)
def health() -> str:
    """For the reverse proxy's health check: the process answers (no data, no database)."""
    return "ok"
