"""The mentee's page: their own sessions with each mentor, to confirm ("yes, we met") or deny.

A session is named in a form by an opaque id (a hash of mentor and occurrence) that is looked up among
the signed-in mentee's own sessions: anyone else's session is as unknown as a made-up id (404).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from mentorledger.attestation.sessions import answer_sessions, mentee_sessions, wanted_of
from mentorledger.store.preferences import MailKind, preferences
from mentorledger.web.access import Access, area, signed_in
from mentorledger.web.context import web_context
from mentorledger.web.mentee_views import ANSWERS, by_mentor, session_id
from mentorledger.web.render import notify, page
from mentorledger.web.roles import Viewer
from mentorledger.web.routes.auth import see_other

router = area(Access.MENTEE)
Mentee = Annotated[Viewer, Depends(signed_in)]


@router.get("/mentee", response_class=HTMLResponse)
def my_sessions(request: Request, viewer: Mentee) -> Response:
    context = web_context(request)
    groups = by_mentor(context, mentee_sessions(context.config, context.ledger, viewer.email))
    return page(
        request,
        "mentee/sessions.html",
        title="Your mentoring sessions",
        groups=groups,
        awaiting=sum(g.awaiting for g in groups),
        mails=preferences(context.ledger, viewer.email)[MailKind.ATTESTATION],
    )


def _said(answer: str, changed: int) -> str:
    if not changed:
        return "Nothing changed: that was already your answer."
    what = "confirmed" if answer == "yes" else "marked as not having taken place"
    return f"Thank you: {changed} {'session' if changed == 1 else 'sessions'} {what}."


@router.post("/mentee/answer")
def answer_one(
    request: Request,
    viewer: Mentee,
    session: Annotated[str, Form()] = "",
    answer: Annotated[str, Form()] = "",
) -> Response:
    context = web_context(request)
    if answer not in ANSWERS:
        raise HTTPException(404)
    found = [
        s
        for s in mentee_sessions(context.config, context.ledger, viewer.email)
        if session_id(s.meeting.mentor, s.meeting.event_key) == session
    ]
    if not found:
        raise HTTPException(404)
    done = answer_sessions(
        context.config,
        context.ledger,
        viewer.email,
        [wanted_of(found[0].meeting)],
        ANSWERS[answer],
        via="web",
    )
    notify(request, _said(answer, done.changed))
    return see_other("/mentee")


@router.post("/mentee/confirm-all")
def confirm_all(request: Request, viewer: Mentee) -> Response:
    """ "Yes, we met" for every session still awaiting an answer (answered ones stay as they are)."""
    context = web_context(request)
    awaiting = [
        wanted_of(s.meeting)
        for s in mentee_sessions(context.config, context.ledger, viewer.email)
        if not s.answered
    ]
    done = answer_sessions(
        context.config,
        context.ledger,
        viewer.email,
        awaiting,
        ANSWERS["yes"],
        via="web",
        only_unanswered=True,
    )
    notify(request, _said("yes", done.changed))
    return see_other("/mentee")
