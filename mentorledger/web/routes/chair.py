"""The chair's pages: their departments' dashboards, one person's months, the report files.

A chair sees only the departments they chair (``departments[].chairs``): any other department, and
anyone who is not in one of theirs, is answered like a page that does not exist (404). Entries are
never reachable from here: the chair's pages hold the chair report's aggregates only.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response

from mentorledger.reports.chair_data import department_slug
from mentorledger.web.access import Access, area, signed_in
from mentorledger.web.department_pages import add_department_routes
from mentorledger.web.render import page
from mentorledger.web.roles import Viewer
from mentorledger.web.routes.auth import see_other

router = area(Access.CHAIR)
Chair = Annotated[Viewer, Depends(signed_in)]
BASE = "/chair"


@router.get("/chair", response_class=HTMLResponse)
def chair_home(request: Request, viewer: Chair) -> Response:
    """One department: its dashboard; several: a list to choose from."""
    if len(viewer.chair_of) == 1:
        return see_other(f"{BASE}/{department_slug(viewer.chair_of[0])}")
    departments = [(name, f"{BASE}/{department_slug(name)}") for name in viewer.chair_of]
    return page(request, "department/index.html", title="Your departments", departments=departments)


add_department_routes(router, BASE, lambda _request, viewer: viewer.chair_of)
