"""A small OpenID Connect provider for tests, on loopback: discovery, authorize (signs in whoever the
test says, at once), token (code + PKCE + client secret, an RS256 ID token), and its JWKS.

It speaks the protocol the way Entra ID, Okta and Google do for the authorization code flow, so the
app's real client (Authlib) is exercised end to end. ``signing_key`` can be swapped for a key that is
not published, and ``claims`` changed, to test what a client must refuse.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from joserfc import jwt
from joserfc.jwk import RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from tests.web.server import free_socket, serve

CLIENT_ID = "mentorledger-test"
CLIENT_SECRET = "provider-secret-for-tests"


@dataclass
class Provider:
    issuer: str = ""
    user: dict[str, Any] = field(default_factory=dict)  # the claims of whoever "signs in" next
    published_key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, parameters={"kid": "k1"}))
    signing_key: RSAKey | None = None  # default: the published key
    extra_claims: dict[str, Any] = field(default_factory=dict)
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    token_requests: int = 0

    @property
    def metadata_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"


def _app(provider: Provider) -> Starlette:
    async def discovery(_request: Request) -> Response:
        return JSONResponse(
            {
                "issuer": provider.issuer,
                "authorization_endpoint": f"{provider.issuer}/authorize",
                "token_endpoint": f"{provider.issuer}/token",
                "jwks_uri": f"{provider.issuer}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            }
        )

    async def authorize(request: Request) -> Response:
        q = request.query_params
        assert q["client_id"] == CLIENT_ID
        assert q["response_type"] == "code"
        code = secrets.token_urlsafe(16)
        provider.codes[code] = {
            "nonce": q.get("nonce"),
            "challenge": q.get("code_challenge"),
            "redirect_uri": q["redirect_uri"],
            "user": dict(provider.user),
        }
        return RedirectResponse(f"{q['redirect_uri']}?{urlencode({'code': code, 'state': q['state']})}", 302)

    async def token(request: Request) -> Response:
        provider.token_requests += 1
        form = await request.form()
        grant = provider.codes.pop(str(form.get("code")), None)
        basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        authorized = request.headers.get("authorization") == f"Basic {basic}" or (
            form.get("client_id") == CLIENT_ID and form.get("client_secret") == CLIENT_SECRET
        )
        if grant is None or not authorized or form.get("redirect_uri") != grant["redirect_uri"]:
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        verifier = str(form.get("code_verifier", ""))
        digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if digest != grant["challenge"]:
            return JSONResponse({"error": "invalid_grant", "error_description": "PKCE"}, status_code=400)
        now = int(time.time())
        claims = {
            "iss": provider.issuer,
            "aud": CLIENT_ID,
            "sub": grant["user"].get("sub", "user-1"),
            "iat": now,
            "exp": now + 300,
            "nonce": grant["nonce"],
            **grant["user"],
            **provider.extra_claims,
        }
        key = provider.signing_key or provider.published_key
        id_token = jwt.encode({"alg": "RS256", "kid": key.kid or "k1"}, claims, key)
        return JSONResponse(
            {
                "access_token": secrets.token_urlsafe(16),
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": id_token,
            }
        )

    async def jwks(_request: Request) -> Response:
        return JSONResponse({"keys": [provider.published_key.as_dict(private=False)]})

    return Starlette(
        routes=[
            Route("/.well-known/openid-configuration", discovery),
            Route("/authorize", authorize),
            Route("/token", token, methods=["POST"]),
            Route("/jwks", jwks),
        ]
    )


@contextmanager
def oidc_provider() -> Iterator[Provider]:
    provider = Provider()
    sock = free_socket()
    provider.issuer = f"http://127.0.0.1:{sock.getsockname()[1]}"
    with serve(_app(provider), sock):
        yield provider
