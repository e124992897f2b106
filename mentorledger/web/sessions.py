"""Session cookies: a small signed dict per browser (itsdangerous, keyed with MENTORLEDGER_WEB_SECRET).

The cookie holds the CSRF seed, the signed-in session's token (the session itself lives in the ledger
database, so signing out ends it even for a copied cookie), a one-shot notice, and the OIDC state
while a single sign-on is under way. It is HttpOnly and SameSite=Lax always, and Secure whenever the
public URL is https or the request arrived over https (after the trusted proxy's forwarded headers).
A cookie that fails its signature or is older than the session lifetime is ignored.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "mentorledger_session"
CSRF_KEY = "csrf"


class SessionMiddleware:
    def __init__(self, app: ASGIApp, *, secret: str, max_age_seconds: int, always_secure: bool) -> None:
        self.app = app
        self.serializer = URLSafeTimedSerializer(secret, salt="mentorledger.session")
        self.max_age = max_age_seconds
        self.always_secure = always_secure

    def _load(self, raw: str | None) -> dict[str, Any]:
        if not raw:
            return {}
        try:
            data = self.serializer.loads(raw, max_age=self.max_age)
        except BadSignature:  # also SignatureExpired
            return {}
        return data if isinstance(data, dict) else {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        session = self._load(HTTPConnection(scope).cookies.get(COOKIE))
        loaded = json.dumps(session, sort_keys=True) if CSRF_KEY in session else None
        session.setdefault(CSRF_KEY, secrets.token_urlsafe(32))
        scope["session"] = session
        secure = self.always_secure or scope.get("scheme") == "https"

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                current = scope["session"]
                if json.dumps(current, sort_keys=True) != loaded:
                    flags = f"Path=/; Max-Age={self.max_age}; HttpOnly; SameSite=Lax" + (
                        "; Secure" if secure else ""
                    )
                    MutableHeaders(scope=message).append(
                        "set-cookie", f"{COOKIE}={self.serializer.dumps(current)}; {flags}"
                    )
            await send(message)

        await self.app(scope, receive, send_with_cookie)
