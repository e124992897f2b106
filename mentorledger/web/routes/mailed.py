"""Links that arrive by e-mail and work without signing in: a mentee's "yes, we met" / "no" (for one
session, or "yes" for all the sessions of one mail), and turning a kind of e-mail off.

Each link is single use and expires (``store.mail_links``). Opening it shows what it will do and a
button (a POST, checked for CSRF like every form): mail scanners that fetch links never answer for
the mentee. A session that moved or stopped counting since the mail was sent is not answered.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from mentorledger.attestation.sessions import answer_sessions, mentee_sessions, wanted_of
from mentorledger.store.mail_links import MailLink, peek_link, use_link
from mentorledger.store.preferences import MailKind, set_preference
from mentorledger.web.access import Access, area
from mentorledger.web.context import web_context
from mentorledger.web.mentee_views import ANSWERS, session_view, wanted_from_payload
from mentorledger.web.render import page

public = area(Access.PUBLIC)
ATTEST, OPT_OUT = "attest", "opt-out"
KIND_TEXT = {
    MailKind.DIGEST: "your monthly mentoring digest",
    MailKind.ATTESTATION: "monthly requests to confirm your mentoring sessions",
    MailKind.CHAIR_REPORT: "the monthly department report",
}


def _invalid(request: Request) -> Response:
    return page(request, "mailed/invalid.html", status=400, title="This link no longer works")


def _answer(link: MailLink, answer: str) -> str | None:
    """The answer a link may give: "all" links only say yes; per-session links yes or no."""
    if link.payload.get("scope") == "all":
        return "yes" if answer in ("yes", "all") else None
    return answer if answer in ANSWERS else None


@public.get("/attest", response_class=HTMLResponse)
def open_attest_link(request: Request, token: str = "", answer: str = "") -> Response:
    context = web_context(request)
    if not context.config.attestation.enabled:
        raise HTTPException(404)
    link = peek_link(context.ledger, token, ATTEST) if token else None
    chosen = _answer(link, answer) if link else None
    if link is None or chosen is None:
        return _invalid(request)
    wanted = set(wanted_from_payload(link.payload))
    sessions = [
        session_view(context, s)
        for s in mentee_sessions(context.config, context.ledger, link.email)
        if wanted_of(s.meeting) in wanted
    ]
    return page(
        request,
        "mailed/attest.html",
        title="Confirm your mentoring sessions" if chosen == "yes" else "A session that did not take place",
        token=token,
        answer=chosen,
        sessions=sorted(sessions, key=lambda s: s.start),
        gone=len(wanted) - len(sessions),
        every=link.payload.get("scope") == "all",
    )


@public.post("/attest", response_class=HTMLResponse)
def use_attest_link(
    request: Request, token: Annotated[str, Form()] = "", answer: Annotated[str, Form()] = ""
) -> Response:
    context = web_context(request)
    if not context.config.attestation.enabled:
        raise HTTPException(404)
    link = peek_link(context.ledger, token, ATTEST) if token else None
    chosen = _answer(link, answer) if link else None
    if link is None or chosen is None or use_link(context.ledger, token, ATTEST) is None:
        return _invalid(request)
    done = answer_sessions(
        context.config,
        context.ledger,
        link.email,
        wanted_from_payload(link.payload),
        ANSWERS[chosen],
        via="link",
        only_unanswered=link.payload.get("scope") == "all",
    )
    return page(request, "mailed/attested.html", title="Thank you", answer=chosen, done=done)


def _kind(link: MailLink) -> MailKind | None:
    value = str(link.payload.get("kind"))
    return MailKind(value) if value in MailKind._value2member_map_ else None


@public.get("/mail/off", response_class=HTMLResponse)
def open_opt_out_link(request: Request, token: str = "") -> Response:
    link = peek_link(web_context(request).ledger, token, OPT_OUT) if token else None
    kind = _kind(link) if link else None
    if link is None or kind is None:
        return _invalid(request)
    return page(request, "mailed/off.html", title="Stop these e-mails", token=token, what=KIND_TEXT[kind])


@public.post("/mail/off", response_class=HTMLResponse)
def use_opt_out_link(request: Request, token: Annotated[str, Form()] = "") -> Response:
    context = web_context(request)
    link = use_link(context.ledger, token, OPT_OUT) if token else None
    kind = _kind(link) if link else None
    if link is None or kind is None:
        return _invalid(request)
    set_preference(context.ledger, link.email, kind, False)
    return page(request, "mailed/off_done.html", title="You will not get these e-mails", what=KIND_TEXT[kind])
