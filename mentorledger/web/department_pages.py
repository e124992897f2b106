"""The department pages, shared by the chair (``/chair/<department>``) and faculty affairs
(``/admin/departments/<department>``): the dashboard, one person's months, and the report files.

Thin over the report core: the dashboard *is* the chair report (``reports.drilldown.department_report``
calls ``chair_report``, the computation of ``mentorledger report chair``), shown with the report's own
formatting and charts; the files are written by the report renderers directly, never by a flow.
Which departments a viewer may open is decided by the caller (the chair's own, or every one).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from mentorledger.asof import resolve_as_of
from mentorledger.counting import Category
from mentorledger.coverage import last_instant_date
from mentorledger.errors import UserError
from mentorledger.reports import formatting
from mentorledger.reports.chair_data import ChairReport, department_slug
from mentorledger.reports.drilldown import PersonMonths, department_report, person_key
from mentorledger.reports.outputs import CHAIR_FORMATS
from mentorledger.reports.render_html import chair_charts
from mentorledger.web.access import signed_in
from mentorledger.web.chart import month_chart
from mentorledger.web.context import web_context
from mentorledger.web.render import page
from mentorledger.web.roles import Viewer
from mentorledger.web.views import MonthBar

MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
FORMAT_LABELS = {"html": "Web page (.html)", "pdf": "PDF", "xlsx": "Excel (.xlsx)", "csv": "CSV"}
SignedIn = Annotated[Viewer, Depends(signed_in)]
From = Annotated[str | None, Query(alias="from")]
Departments = Callable[[Request, Viewer], Sequence[str]]


@dataclass(frozen=True, slots=True)
class Period:
    """The period and as-of instant a page was asked for (defaults: the configured window, now)."""

    start: dt.date | None = None
    end: dt.date | None = None
    as_of: str | None = None  # as typed: YYYY-MM-DD or a date and time

    @property
    def query(self) -> str:
        """The same period for the page's links ("?from=...&to=..."), or ""."""
        values = {"from": self.start, "to": self.end, "as_of": self.as_of}
        chosen = {k: str(v) for k, v in values.items() if v}
        return f"?{urlencode(chosen)}" if chosen else ""


def period_of(start: str | None, end: str | None, as_of: str | None) -> Period:
    """The query's period; a malformed date is answered like a page that does not exist."""
    try:
        return Period(
            dt.date.fromisoformat(start) if start else None,
            dt.date.fromisoformat(end) if end else None,
            as_of.strip() if as_of and as_of.strip() else None,
        )
    except ValueError:
        raise HTTPException(404) from None


def department_named(slug: str, names: Sequence[str]) -> str:
    """The department of ``names`` whose slug this is; 404 for any other (or unknown) department."""
    found = next((name for name in names if department_slug(name) == slug), None)
    if found is None:
        raise HTTPException(404)
    return found


def _report(
    request: Request, department: str, period: Period, person: str | None = None
) -> tuple[ChairReport, PersonMonths | None]:
    context = web_context(request)
    try:
        as_of = resolve_as_of(period.as_of, context.config.tz)
        return department_report(
            context.config,
            context.ledger,
            department,
            start=period.start,
            end=period.end,
            as_of=as_of,
            person=person,
        )
    except UserError:  # an empty department, a period ending before it starts, a bad as-of
        raise HTTPException(404) from None


def _common(report: ChairReport, base: str, period: Period) -> dict[str, Any]:
    return {
        "r": report,
        "t": report.totals,
        "d": report.distribution,
        "f": formatting,
        "tz": ZoneInfo(report.timezone),
        "base": f"{base}/{report.slug}",
        "qs": period.query,
        "period": period,
        "key": person_key,
    }


def dashboard(request: Request, department: str, base: str, period: Period) -> Response:
    report, _ = _report(request, department, period)
    return page(
        request,
        "department/dashboard.html",
        title=f"{report.department}: mentoring",
        formats=[(fmt, FORMAT_LABELS[fmt]) for fmt in CHAIR_FORMATS],
        **(_common(report, base, period) | chair_charts(report)),
    )


def person_page(request: Request, department: str, base: str, key: str, period: Period) -> Response:
    report, found = _report(request, department, period, person=key)
    if found is None:
        raise HTTPException(404)
    as_of_day = last_instant_date(report.as_of, ZoneInfo(report.timezone))
    months = [(window, p, window.start <= as_of_day) for window, p in found.months]
    bars = [
        MonthBar(window.start.replace(day=1), {c: (p.by_category or {}).get(str(c), 0) for c in Category})
        for window, p, _ in months
    ]
    return page(
        request,
        "department/person.html",
        title=f"{found.row.name}: mentoring",
        row=found.row,
        months=months,
        chart=month_chart(bars),
        categories=[(c, label, "") for c, label in CATEGORY_NAMES.items()],
        **_common(report, base, period),
    )


CATEGORY_NAMES = {Category.GROUP: "Peer group", Category.MENTEE: "Mentee", Category.TAG: "Tagged"}


def file_response(write: Callable[[Path], dict[str, Path]], fmt: str) -> Response:
    """Write one report file into a temporary folder and send it as an attachment."""
    with tempfile.TemporaryDirectory(prefix="mentorledger-report-") as directory:
        path = write(Path(directory))[fmt]
        content, name = path.read_bytes(), path.name
    return Response(
        content,
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def report_file(request: Request, department: str, fmt: str, period: Period) -> Response:
    from mentorledger.reports.outputs import write_chair

    if fmt not in CHAIR_FORMATS:
        raise HTTPException(404)
    report, _ = _report(request, department, period)
    return file_response(lambda directory: write_chair(report, [fmt], directory), fmt)


def add_department_routes(router: APIRouter, base: str, departments: Departments) -> None:
    """The dashboard, a person's page and the report files under ``base``, on ``router`` (whose access
    gate runs first); ``departments`` names those the viewer may open (any other is 404)."""

    @router.get(base + "/{department}", response_class=HTMLResponse)
    def department_dashboard(
        request: Request,
        viewer: SignedIn,
        department: str,
        start: From = None,
        to: str | None = None,
        as_of: str | None = None,
    ) -> Response:
        name = department_named(department, departments(request, viewer))
        return dashboard(request, name, base, period_of(start, to, as_of))

    @router.get(base + "/{department}/people/{person}", response_class=HTMLResponse)
    def department_person(
        request: Request,
        viewer: SignedIn,
        department: str,
        person: str,
        start: From = None,
        to: str | None = None,
        as_of: str | None = None,
    ) -> Response:
        name = department_named(department, departments(request, viewer))
        return person_page(request, name, base, person, period_of(start, to, as_of))

    @router.get(base + "/{department}/report.{fmt}")
    def department_report_file(
        request: Request,
        viewer: SignedIn,
        department: str,
        fmt: str,
        start: From = None,
        to: str | None = None,
        as_of: str | None = None,
    ) -> Response:
        name = department_named(department, departments(request, viewer))
        return report_file(request, name, fmt, period_of(start, to, as_of))
