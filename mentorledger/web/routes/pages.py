"""The home redirect, the chair's and administrator's landing pages, the counting rules, health."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response

from mentorledger.web.access import Access, area, current_viewer, signed_in
from mentorledger.web.render import page
from mentorledger.web.roles import Viewer
from mentorledger.web.routes.auth import see_other

public = area(Access.PUBLIC)
chairs = area(Access.CHAIR)
admins = area(Access.ADMIN)
SignedIn = Annotated[Viewer, Depends(signed_in)]


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


@chairs.get("/chair", response_class=HTMLResponse)
def chair_landing(request: Request, viewer: SignedIn) -> Response:
    return page(request, "landing/chair.html", title="Department mentoring")


@admins.get("/admin", response_class=HTMLResponse)
def admin_landing(request: Request, viewer: SignedIn) -> Response:
    return page(request, "landing/admin.html", title="Faculty affairs")
