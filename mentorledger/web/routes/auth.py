"""Signing in with an e-mailed one-time link, and signing out.

A link is single use, expires after 15 minutes and is stored only as a hash. Opening it shows a
"Sign in" button rather than signing in at once, so a mail scanner that fetches the link cannot use
it up. Link requests are limited per address and per client; the answer is the same whether or not
the address is in the roster (nobody can probe who is), and the mail goes out after the response.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from typing import Annotated
from urllib.parse import urlencode, urlsplit

from fastapi import BackgroundTasks, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from mentorledger.config import normalize_email
from mentorledger.store.web_auth import (
    close_session,
    issue_link,
    keyed_hash,
    open_session,
    peek_link,
    recent_requests,
    record_request,
    use_link,
)
from mentorledger.web.access import SESSION_KEY, Access, area, current_viewer, signed_in
from mentorledger.web.context import web_context
from mentorledger.web.render import page
from mentorledger.web.sessions import CSRF_KEY

public = area(Access.PUBLIC)
signed = area(Access.SIGNED_IN)
_log = logging.getLogger(__name__)

LIMIT_WINDOW = dt.timedelta(minutes=15)
LIMIT_PER_ADDRESS = 5
LIMIT_PER_CLIENT = 20


def safe_next(value: str | None) -> str:
    """A path on this site to continue to after signing in; anything that could leave the site (a
    scheme, ``//host``, backslashes, control characters) becomes ``/``."""
    if not value or not value.startswith("/") or value.startswith("//") or len(value) > 1024:
        return "/"
    if "\\" in value or any(ord(c) < 32 or ord(c) == 127 for c in value):
        return "/"
    parts = urlsplit(value)
    return value if not parts.scheme and not parts.netloc else "/"


def see_other(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


def sign_in(request: Request, email: str, method: str) -> bool:
    """Start a session for ``email`` in a fresh cookie (new CSRF seed: nothing from before survives)."""
    context = web_context(request)
    viewer = context.directory.viewer(email)
    if viewer is None:
        return False
    token = open_session(context.ledger, viewer.email, method, context.settings.session_lifetime)
    request.session.clear()
    request.session.update({SESSION_KEY: token, CSRF_KEY: secrets.token_urlsafe(32)})
    request.state.viewer = viewer
    return True


def landing(request: Request, next_path: str) -> RedirectResponse:
    viewer = current_viewer(request)
    target = safe_next(next_path)
    return see_other(target if target != "/" or viewer is None else viewer.home)


@public.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/", signed_out: bool = False) -> Response:
    if current_viewer(request) is not None:
        return landing(request, next)
    return page(
        request,
        "auth/login.html",
        title="Sign in",
        next=safe_next(next),
        email="",
        errors={},
        signed_out=signed_out,
    )


@public.post("/login", response_class=HTMLResponse)
def request_link(
    request: Request,
    background: BackgroundTasks,
    email: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    context = web_context(request)
    address = normalize_email(email)
    if not context.settings.demo and context.settings.mail is None:
        return page(
            request,
            "auth/login.html",
            status=404,
            title="Sign in",
            next="/",
            email="",
            errors={},
            signed_out=False,
        )
    if "@" not in address or len(address) > 320 or " " in address:
        errors = {"email": "Enter your e-mail address, like name@institution.edu"}
        return page(
            request,
            "auth/login.html",
            status=400,
            title="Sign in",
            next=safe_next(next),
            email=email,
            errors=errors,
            signed_out=False,
        )
    secret = context.settings.secret
    client = request.client.host if request.client else "unknown"
    email_hash, client_hash = keyed_hash(secret, f"email:{address}"), keyed_hash(secret, f"client:{client}")
    now = dt.datetime.now(dt.UTC)
    by_address, by_client = recent_requests(
        context.ledger, email_hash=email_hash, client_hash=client_hash, since=now - LIMIT_WINDOW
    )
    if by_address >= LIMIT_PER_ADDRESS or by_client >= LIMIT_PER_CLIENT:
        response = page(
            request,
            "errors/error.html",
            status=429,
            title="Too many sign-in requests",
            heading="Too many sign-in requests",
            message="Several sign-in links were asked for in the last 15 minutes. Use the latest link you "
            "received, or try again in 15 minutes.",
            back="/login",
            back_label="Back to sign in",
        )
        response.headers["Retry-After"] = str(int(LIMIT_WINDOW.total_seconds()))
        return response
    record_request(context.ledger, email_hash=email_hash, client_hash=client_hash, now=now)
    viewer = context.directory.viewer(address)
    if viewer is not None:
        token = issue_link(context.ledger, viewer.email, safe_next(next), now=now)
        url = f"{context.settings.public_url}/login/link?{urlencode({'token': token})}"
        background.add_task(context.deliver_link, viewer.email, viewer.name, url)
    request.session["sent_to"] = address
    return see_other("/login/sent")


@public.get("/login/sent", response_class=HTMLResponse)
def link_sent(request: Request) -> Response:
    address = request.session.get("sent_to")
    if not isinstance(address, str):
        return see_other("/login")
    return page(request, "auth/sent.html", title="Check your e-mail", email=address)


def _invalid_link(request: Request) -> Response:
    return page(request, "auth/link_invalid.html", status=400, title="Sign-in link no longer works")


@public.get("/login/link", response_class=HTMLResponse)
def open_link(request: Request, token: str = "") -> Response:
    grant = peek_link(web_context(request).ledger, token) if token else None
    if grant is None:
        return _invalid_link(request)
    return page(request, "auth/link.html", title="Sign in", email=grant.email, token=token)


@public.post("/login/link", response_class=HTMLResponse)
def use_sign_in_link(request: Request, token: Annotated[str, Form()] = "") -> Response:
    grant = use_link(web_context(request).ledger, token) if token else None
    if grant is None or not sign_in(request, grant.email, "link"):
        return _invalid_link(request)
    return landing(request, grant.next_path)


@signed.post("/logout")
def logout(request: Request) -> Response:
    signed_in(request)
    token = request.session.get(SESSION_KEY)
    if isinstance(token, str):
        close_session(web_context(request).ledger, token)
    request.session.clear()
    request.session[CSRF_KEY] = secrets.token_urlsafe(32)
    return see_other("/login?signed_out=1")
