"""The ASGI app: ``create_app`` for ``mentorledger web`` and tests, ``factory`` for production servers
(``uvicorn --factory mentorledger.web.app:factory``, configured from the environment).

Security headers on every response: a strict Content-Security-Policy (no inline script, nothing from
other origins, no framing), no-referrer outside the site, nosniff; pages are never cached.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mentorledger.config import Config, load_config
from mentorledger.errors import UserError
from mentorledger.store.ledger import Ledger
from mentorledger.web.access import CsrfRefusedError, SignInRequiredError
from mentorledger.web.context import LinkDelivery, WebContext
from mentorledger.web.mail import print_link, smtp_delivery
from mentorledger.web.render import environment, page
from mentorledger.web.routes import (
    admin,
    auth,
    chair,
    downloads,
    mailed,
    manual,
    mentee,
    mentor,
    pages,
    sso,
)
from mentorledger.web.routes import (
    settings as mail_settings,
)
from mentorledger.web.sessions import SessionMiddleware
from mentorledger.web.settings import WebSettings, web_settings

STATIC = Path(__file__).resolve().parent / "static"
CONFIG_ENV = "MENTORLEDGER_CONFIG"
_log = logging.getLogger(__name__)

SECURITY_HEADERS = {
    "content-security-policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
    "referrer-policy": "same-origin",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
}


class SecurityHeaders:
    def __init__(self, app: ASGIApp, *, https: bool) -> None:
        self.app = app
        self.https = https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                headers.setdefault("cache-control", "public, max-age=3600" if static else "no-store")
                if self.https or scope.get("scheme") == "https":
                    headers.setdefault("strict-transport-security", "max-age=31536000")
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _error(request: Request, status: int, heading: str, message: str) -> Response:
    return page(
        request,
        "errors/error.html",
        status=status,
        title=heading,
        heading=heading,
        message=message,
        back="/",
        back_label="Back to the start page",
    )


def _install_handlers(app: FastAPI) -> None:
    @app.exception_handler(SignInRequiredError)
    async def sign_in_first(request: Request, _exc: SignInRequiredError) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?{urlencode({'next': target})}", status_code=303)

    @app.exception_handler(CsrfRefusedError)
    async def csrf_refused(request: Request, _exc: CsrfRefusedError) -> Response:
        return _error(
            request,
            403,
            "This form has expired",
            "The page was open too long, or the form did not come from this site. Go back, reload the page and try again.",
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return _error(request, 404, "Page not found", "There is no such page, or it is not yours to see.")
        return _error(request, exc.status_code, "That did not work", "The request could not be understood.")

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, _exc: RequestValidationError) -> Response:
        # A malformed id or form in a URL someone typed: the same answer as for a missing page.
        return _error(request, 404, "Page not found", "There is no such page, or it is not yours to see.")

    @app.exception_handler(404)
    async def not_found(request: Request, _exc: Exception) -> Response:
        return _error(request, 404, "Page not found", "There is no such page, or it is not yours to see.")


def create_app(
    config: Config,
    *,
    settings: WebSettings,
    ledger: Ledger | None = None,
    deliver_link: LinkDelivery | None = None,
) -> FastAPI:
    """The web app over ``config`` and its ledger (default: MENTORLEDGER_DATABASE_URL)."""
    app = FastAPI(title="mentorledger", docs_url=None, redoc_url=None, openapi_url=None)
    if deliver_link is None:
        deliver_link = (
            print_link if settings.demo or settings.mail is None else smtp_delivery(settings, config)
        )
    context = WebContext(
        config=config,
        ledger=ledger or Ledger.open(config_path=config.source_path),
        settings=settings,
        templates=environment(),
        deliver_link=deliver_link,
    )
    if config.web.oidc is not None and settings.oidc_secret:
        context.oidc = sso.oidc_client(config.web.oidc, settings.oidc_secret)
    app.state.web = context
    for router in (
        pages.public,
        auth.public,
        sso.public,
        mailed.public,
        auth.signed,
        mail_settings.router,
        mentor.router,
        manual.router,
        downloads.router,
        mentee.router,
        chair.router,
        admin.router,
    ):
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    _install_handlers(app)
    app.add_middleware(
        SessionMiddleware,
        secret=settings.secret,
        max_age_seconds=int(settings.session_lifetime.total_seconds()),
        always_secure=settings.https,
    )
    app.add_middleware(SecurityHeaders, https=settings.https)
    return app


def factory() -> FastAPI:
    """For production ASGI servers: MENTORLEDGER_CONFIG names the configuration file; the public URL
    comes from ``web.public_url`` (required here: the server's own address is not known)."""
    path = os.environ.get(CONFIG_ENV)
    if not path:
        sys.exit(f"error: {CONFIG_ENV} is not set; point it at the configuration file (YAML)")
    try:
        config = load_config(path)
        if config.web.public_url is None:
            raise UserError(
                f"{path}: web.public_url is needed to serve through an ASGI server (the address people use)"
            )
        settings = web_settings(config, host="0.0.0.0", port=0, demo=False)
    except UserError as exc:
        sys.exit(f"error: {exc}")
    return create_app(config, settings=settings)
