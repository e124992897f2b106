"""The mentor's dossier summary, downloaded from the page: the report core called directly (the same
computation and renderers as ``mentorledger report dossier``), no Prefect flow from a web request."""

from __future__ import annotations

import tempfile
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.responses import Response

from mentorledger.reports.dossier_data import build_dossier
from mentorledger.reports.outputs import write_dossier
from mentorledger.web.access import Access, area, signed_in
from mentorledger.web.context import web_context
from mentorledger.web.roles import Viewer

router = area(Access.MENTOR)
Mentor = Annotated[Viewer, Depends(signed_in)]
MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


@router.get("/me/dossier.{fmt}")
def my_dossier(request: Request, viewer: Mentor, fmt: str) -> Response:
    if fmt not in MEDIA_TYPES:
        raise HTTPException(404)
    context = web_context(request)
    summary = build_dossier(context.config, context.ledger, viewer.email)
    with tempfile.TemporaryDirectory(prefix="mentorledger-dossier-") as directory:
        path = write_dossier(summary, [fmt], directory)[fmt]
        content = path.read_bytes()
        name = path.name
    return Response(
        content,
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
