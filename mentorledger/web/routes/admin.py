"""Faculty affairs' pages (``admins``): every department side by side (the school roll-up of
``mentorledger report school``), any department's dashboard, sync health per calendar (what
``mentorledger status`` shows, failing calendars first), and "sync now" with its progress."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from mentorledger import sync_jobs
from mentorledger.asof import resolve_as_of
from mentorledger.errors import UserError
from mentorledger.reports import formatting
from mentorledger.reports.outputs import SCHOOL_FORMATS
from mentorledger.reports.school_data import SchoolReport, build_school_report, department_names
from mentorledger.status import age, by_urgency, calendar_health
from mentorledger.web.access import Access, area, signed_in
from mentorledger.web.context import web_context
from mentorledger.web.department_pages import (
    FORMAT_LABELS,
    From,
    Period,
    add_department_routes,
    file_response,
    period_of,
)
from mentorledger.web.render import page
from mentorledger.web.roles import Viewer
from mentorledger.web.routes.auth import see_other
from mentorledger.web.sync_now import refreshed, start, through_prefect

router = area(Access.ADMIN)
Admin = Annotated[Viewer, Depends(signed_in)]
BASE = "/admin/departments"


def _school(request: Request, period: Period) -> SchoolReport:
    context = web_context(request)
    try:
        return build_school_report(
            context.config,
            context.ledger,
            start=period.start,
            end=period.end,
            as_of=resolve_as_of(period.as_of, context.config.tz),
        )
    except UserError:
        raise HTTPException(404) from None


@router.get("/admin", response_class=HTMLResponse)
def school(
    request: Request, viewer: Admin, start: From = None, to: str | None = None, as_of: str | None = None
) -> Response:
    context = web_context(request)
    period = period_of(start, to, as_of)
    report = _school(request, period)
    health = calendar_health(context.config, context.ledger)
    return page(
        request,
        "admin/school.html",
        title="Faculty affairs: mentoring by department",
        s=report,
        f=formatting,
        tz=context.config.tz,
        base=BASE,
        qs=period.query,
        period=period,
        formats=[(fmt, FORMAT_LABELS[fmt]) for fmt in SCHOOL_FORMATS],
        unhealthy=sum(not h.healthy for h in health),
        calendars=len(health),
    )


@router.get("/admin/school.{fmt}")
def school_file(
    request: Request,
    viewer: Admin,
    fmt: str,
    start: From = None,
    to: str | None = None,
    as_of: str | None = None,
) -> Response:
    from mentorledger.reports.outputs import write_school

    if fmt not in SCHOOL_FORMATS:
        raise HTTPException(404)
    report = _school(request, period_of(start, to, as_of))
    return file_response(lambda directory: write_school(report, [fmt], directory), fmt)


add_department_routes(router, BASE, lambda request, _viewer: department_names(web_context(request).config))


@router.get("/admin/sync", response_class=HTMLResponse)
def sync_health(request: Request, viewer: Admin) -> Response:
    context = web_context(request)
    health = by_urgency(calendar_health(context.config, context.ledger))
    return page(
        request,
        "admin/sync.html",
        title="Calendar sync health",
        health=health,
        names=context.roster,
        age=age,
        now=dt.datetime.now(dt.UTC),
        prefect=through_prefect(),
        unhealthy=sum(not h.healthy for h in health),
    )


@router.post("/admin/sync")
def sync_now(request: Request, viewer: Admin, calendar: Annotated[str, Form()] = "") -> Response:
    """Sync one calendar (its key) or, without one, every calendar; then show the progress."""
    context = web_context(request)
    keys = sync_jobs.selected_keys(context.config, calendar or None)
    if not keys:
        raise HTTPException(404)
    try:
        job_id = start(context, keys, every=not calendar, requested_by=viewer.email)
    except Exception as exc:  # the Prefect server refused or is away: one readable page
        return page(
            request,
            "errors/error.html",
            status=503,
            title="The sync could not be started",
            heading="The sync could not be started",
            message=f"The Prefect server did not accept the run ({exc.__class__.__name__}). Check that it "
            "is running and that the sync deployment exists (make deploy), then try again.",
            back="/admin/sync",
            back_label="Back to sync health",
        )
    return see_other(f"/admin/sync/jobs/{job_id}")


@router.get("/admin/sync/jobs/{job_id}", response_class=HTMLResponse)
def sync_job(request: Request, viewer: Admin, job_id: int) -> Response:
    context = web_context(request)
    found = sync_jobs.job(context.ledger, job_id)
    if found is None:
        raise HTTPException(404)
    found = refreshed(context.ledger, found)
    now = dt.datetime.now(dt.UTC)
    return page(
        request,
        "admin/job.html",
        title="Sync progress" if not found.finished else "Sync finished",
        job=found,
        interrupted=found.interrupted(now),
        refresh=not found.finished and not found.interrupted(now),
        names=context.roster,
    )
