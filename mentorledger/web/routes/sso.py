"""OpenID Connect single sign-on (``web.oidc``) with Authlib: authorization code flow with PKCE, the
ID token's signature, issuer, audience, expiry and nonce checked against the provider's published
keys. The claim named by ``web.oidc.email_claim`` must be an address in the roster."""

from __future__ import annotations

import logging
import warnings
from typing import Any

import authlib.deprecate  # noqa: F401 (installs an "always" filter that the "ignore" below must follow)
import httpx
from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from joserfc.errors import JoseError

from mentorledger.config import Oidc, normalize_email
from mentorledger.web.access import Access, area
from mentorledger.web.context import web_context
from mentorledger.web.render import page
from mentorledger.web.routes.auth import landing, safe_next, sign_in

with warnings.catch_warnings():  # Authlib 1.9 would rather use the httpx2 fork; httpx (Prefect's) works
    warnings.filterwarnings("ignore", message="The httpx module is deprecated", category=DeprecationWarning)
    from authlib.integrations.base_client import OAuthError
    from authlib.integrations.starlette_client import OAuth

public = area(Access.PUBLIC)
_log = logging.getLogger(__name__)
NEXT_KEY = "sso_next"
CLIENT_NAME = "institution"


def oidc_client(settings: Oidc, client_secret: str) -> Any:
    """The Authlib client for the institution's identity provider (metadata fetched on first use)."""
    oauth = OAuth()
    oauth.register(
        name=CLIENT_NAME,
        client_id=settings.client_id,
        client_secret=client_secret,
        server_metadata_url=settings.metadata_url,
        client_kwargs={"scope": " ".join(settings.scopes), "code_challenge_method": "S256"},
    )
    return oauth.create_client(CLIENT_NAME)


def _problem(request: Request, message: str) -> Response:
    return page(
        request, "auth/sso_problem.html", status=400, title="Single sign-on did not work", message=message
    )


@public.get("/login/oidc")
async def start_sso(request: Request, next: str = "/") -> Response:
    context = web_context(request)
    if context.oidc is None:
        return page(
            request,
            "errors/error.html",
            status=404,
            title="Not found",
            heading="Not found",
            message="Single sign-on is not configured here.",
            back="/login",
            back_label="Back to sign in",
        )
    request.session[NEXT_KEY] = safe_next(next)
    redirect_uri = f"{context.settings.public_url}/login/oidc/callback"
    try:
        response: Response = await context.oidc.authorize_redirect(request, redirect_uri)
    except (httpx.HTTPError, OAuthError) as exc:
        _log.warning("identity provider metadata could not be read: %s", type(exc).__name__)
        return _problem(
            request, "The institution's sign-in service could not be reached. Try again in a few minutes."
        )
    return response


@public.get("/login/oidc/callback", response_class=HTMLResponse)
async def finish_sso(request: Request) -> Response:
    context = web_context(request)
    if context.oidc is None:
        return _problem(request, "Single sign-on is not configured here.")
    try:
        token = await context.oidc.authorize_access_token(request)
    except OAuthError as exc:
        _log.info("single sign-on refused: %s", exc.error)
        return _problem(
            request,
            "The sign-in did not complete (it was cancelled, took too long, or was started in another browser). Please try again.",
        )
    except (JoseError, ValueError, httpx.HTTPError) as exc:
        _log.warning("single sign-on: the ID token was not accepted (%s)", type(exc).__name__)
        return _problem(
            request, "The institution's sign-in answer could not be verified, so you were not signed in."
        )
    claims = token.get("userinfo") or {}
    assert context.config.web.oidc is not None
    claim = context.config.web.oidc.email_claim
    raw = claims.get(claim)
    if not isinstance(raw, str) or "@" not in raw:
        return _problem(
            request, f"The institution's sign-in did not say your e-mail address (claim {claim!r})."
        )
    if claims.get("email_verified") is False:
        return _problem(request, "The institution's sign-in says this e-mail address is not verified.")
    email = normalize_email(raw)
    next_path = str(request.session.pop(NEXT_KEY, "/"))
    if not sign_in(request, email, "oidc"):
        return _problem(
            request,
            f"You signed in as {email}, but that address is not in {context.config.institution}'s mentoring roster. Ask faculty affairs to add you.",
        )
    return landing(request, next_path)
