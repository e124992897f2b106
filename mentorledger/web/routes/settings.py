"""The e-mails a signed-in person gets, each of which they can turn off (stored in the ledger)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from mentorledger.store.preferences import MailKind, preferences, set_preference
from mentorledger.web.access import Access, area, signed_in
from mentorledger.web.context import web_context
from mentorledger.web.render import notify, page
from mentorledger.web.roles import Role, Viewer
from mentorledger.web.routes.auth import see_other
from mentorledger.web.routes.mailed import KIND_TEXT

router = area(Access.SIGNED_IN)
SignedIn = Annotated[Viewer, Depends(signed_in)]


def mail_kinds(viewer: Viewer) -> list[MailKind]:
    """The kinds of e-mail this person can receive, by their roles."""
    kinds = []
    if viewer.has(Role.MENTOR) and viewer.mentors:
        kinds.append(MailKind.DIGEST)
    if viewer.has(Role.MENTEE):
        kinds.append(MailKind.ATTESTATION)
    if viewer.has(Role.CHAIR):
        kinds.append(MailKind.CHAIR_REPORT)
    return kinds


@router.get("/settings", response_class=HTMLResponse)
def mail_settings(request: Request, viewer: SignedIn) -> Response:
    chosen = preferences(web_context(request).ledger, viewer.email)
    kinds = [(str(kind), KIND_TEXT[kind], chosen[kind]) for kind in mail_kinds(viewer)]
    return page(request, "settings.html", title="Your e-mails", kinds=kinds)


@router.post("/settings")
def save_mail_settings(
    request: Request, viewer: SignedIn, wanted: Annotated[list[str] | None, Form()] = None
) -> Response:
    ledger = web_context(request).ledger
    for kind in mail_kinds(viewer):
        set_preference(ledger, viewer.email, kind, str(kind) in (wanted or []))
    notify(request, "Saved: you get the e-mails ticked below.")
    return see_other("/settings")
