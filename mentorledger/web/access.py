"""Every route says who may use it, and every form-posting route checks its CSRF token.

Routes are added only through ``area(access)`` routers, whose route class refuses to exist without an
access gate among its dependencies (so a new route cannot forget its role), and which checks the CSRF
token before any non-GET handler runs. The gates:

- ``PUBLIC``: anyone (sign-in pages, health check);
- ``SIGNED_IN``: any signed-in person (sign out);
- ``MENTOR`` / ``MENTEE`` / ``CHAIR`` / ``ADMIN``: signed in with that role.

Signed out on a guarded page: a redirect to sign in (and back). Signed in without the role: 404,
the same answer as for a page that does not exist. Ownership of a particular entry is checked below
this, in the store, by looking entries up *with* the viewer's address: another person's entry id is
as unknown as a made-up one (404 on every route).
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Coroutine, Sequence
from enum import StrEnum
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.params import Depends as DependsParam
from fastapi.routing import APIRoute

from mentorledger.store.web_auth import session_email
from mentorledger.web.context import web_context
from mentorledger.web.roles import Role, Viewer
from mentorledger.web.sessions import CSRF_KEY

CSRF_FIELD = "csrf_token"
SESSION_KEY = "sid"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class Access(StrEnum):
    PUBLIC = "public"
    SIGNED_IN = "signed-in"
    MENTOR = "mentor"
    MENTEE = "mentee"
    CHAIR = "chair"
    ADMIN = "admin"


class SignInRequiredError(Exception):
    """A guarded page was asked for without a live session: the app redirects to sign in."""


class CsrfRefusedError(Exception):
    """A form arrived without the token of this browser's session: the app answers 403."""


def current_viewer(request: Request) -> Viewer | None:
    """The signed-in person, or None; looked up once per request."""
    if hasattr(request.state, "viewer"):
        viewer: Viewer | None = request.state.viewer
        return viewer
    context = web_context(request)
    token = request.session.get(SESSION_KEY)
    email = session_email(context.ledger, token) if isinstance(token, str) else None
    viewer = context.directory.viewer(email) if email else None
    request.state.viewer = viewer
    return viewer


def _gate(access: Access) -> Callable[[Request], Viewer | None]:
    def gate(request: Request) -> Viewer | None:
        viewer = current_viewer(request)
        if access is Access.PUBLIC:
            return viewer
        if viewer is None:
            raise SignInRequiredError
        if access is not Access.SIGNED_IN and not viewer.has(Role(str(access))):
            raise HTTPException(status_code=404)
        return viewer

    gate.access = access  # type: ignore[attr-defined]
    gate.__name__ = f"gate_{access.name.lower()}"
    return gate


GATES = {access: _gate(access) for access in Access}


def signed_in(request: Request) -> Viewer:
    """The viewer on a guarded route (the router's gate already ran; this reads its result)."""
    viewer = current_viewer(request)
    if viewer is None:  # only reachable if a public route asks for it
        raise SignInRequiredError
    return viewer


async def check_csrf(request: Request) -> None:
    expected = request.session.get(CSRF_KEY)
    form = await request.form()
    submitted = form.get(CSRF_FIELD) or request.headers.get("x-csrf-token")
    if not (
        isinstance(expected, str)
        and isinstance(submitted, str)
        and hmac.compare_digest(submitted.encode(), expected.encode())
    ):
        raise CsrfRefusedError


class GuardedRoute(APIRoute):
    """An APIRoute that knows its access gate and checks CSRF on anything but GET/HEAD/OPTIONS."""

    access: Access

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        dependencies: Sequence[DependsParam] = kwargs.get("dependencies") or ()
        found = [getattr(d.dependency, "access", None) for d in dependencies]
        gates = [a for a in found if isinstance(a, Access)]
        if len(gates) != 1:
            raise RuntimeError(f"route {path} must be added through exactly one access area (found {gates})")
        self.access = gates[0]
        super().__init__(path, endpoint, **kwargs)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        if self.methods and self.methods <= SAFE_METHODS:
            return handler

        async def guarded(request: Request) -> Response:
            await check_csrf(request)
            return await handler(request)

        return guarded


def area(access: Access) -> APIRouter:
    """A router whose every route is behind ``access``."""
    return APIRouter(route_class=GuardedRoute, dependencies=[Depends(GATES[access])])
