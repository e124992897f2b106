"""The app's credential and its tokens: app-only client credentials through msal.

The credential is a client secret (``MENTORLEDGER_MICROSOFT_CLIENT_SECRET``), a certificate
(``MENTORLEDGER_MICROSOFT_CERTIFICATE``: a PEM file with the private key and the certificate), or a
Prefect Secret block (``MENTORLEDGER_MICROSOFT_CREDENTIALS_BLOCK``) holding either. Never the YAML
file, never logged, in no ``repr``. One msal application per app registration and process holds the
token in its cache, so a run asks Entra ID for a token once, not once per calendar.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mentorledger.errors import SourceError
from mentorledger.sources.m365.settings import Endpoints
from mentorledger.sources.protocol import Runtime
from mentorledger.sources.secrets import secret_from_block
from mentorledger.sources.trust import verify_for_requests

SECRET_ENV = "MENTORLEDGER_MICROSOFT_CLIENT_SECRET"
CERTIFICATE_ENV = "MENTORLEDGER_MICROSOFT_CERTIFICATE"
BLOCK_ENV = "MENTORLEDGER_MICROSOFT_CREDENTIALS_BLOCK"
_SETUP = f"set {SECRET_ENV}, {CERTIFICATE_ENV} (a PEM file) or {BLOCK_ENV} (see README)"
_AADSTS = re.compile(r"AADSTS\d+")
TOKEN_TIMEOUT_SECONDS = 30


@dataclass(frozen=True, slots=True)
class ClientCredential:
    """A client secret, or a certificate's private key and certificate (PEM). ``origin`` names where it
    came from, for messages; the secret itself is in no repr."""

    origin: str
    secret: str | None = field(default=None, repr=False)
    private_key: str | None = field(default=None, repr=False)
    certificate: str | None = field(default=None, repr=False)

    def for_msal(self) -> str | dict[str, str]:
        if self.secret is not None:
            return self.secret
        assert self.private_key is not None
        assert self.certificate is not None
        # With the certificate given, msal signs with its SHA-256 thumbprint (x5t#S256).
        return {"private_key": self.private_key, "public_certificate": self.certificate}

    @property
    def fingerprint(self) -> str:
        material = self.secret if self.secret is not None else f"{self.private_key}{self.certificate}"
        return hashlib.sha256(material.encode("utf-8")).hexdigest()


def certificate_credential(pem: str, origin: str) -> ClientCredential:
    """Split a PEM bundle into its private key and certificate; SourceError naming what is missing."""
    key = re.search(
        r"-----BEGIN (?:[A-Z ]+ )?PRIVATE KEY-----.+?-----END (?:[A-Z ]+ )?PRIVATE KEY-----", pem, re.S
    )
    cert = re.search(r"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", pem, re.S)
    if key is None or cert is None:
        missing = "private key" if key is None else "certificate"
        raise SourceError(
            f"{origin} has no {missing}; it must hold the app certificate's private key and the "
            "certificate, both in PEM"
        )
    return ClientCredential(origin, private_key=key.group(0), certificate=cert.group(0))


def credential_from_value(value: Any, origin: str) -> ClientCredential:
    """A Secret block's value: the client secret as a string, or ``{"client_secret": ...}``, or
    ``{"certificate": PEM with key and certificate}``."""
    if isinstance(value, str) and value.strip():
        if "-----BEGIN" in value:
            return certificate_credential(value, origin)
        return ClientCredential(origin, secret=value.strip())
    if isinstance(value, Mapping):
        if isinstance(value.get("client_secret"), str) and value["client_secret"]:
            return ClientCredential(origin, secret=value["client_secret"])
        if isinstance(value.get("certificate"), str):
            return certificate_credential(value["certificate"], origin)
    raise SourceError(f"{origin} holds no client_secret or certificate; {_SETUP}")


def load_credential(runtime: Runtime, environ: Mapping[str, str] | None = None) -> ClientCredential:
    """The app's credential: a Secret block (when the runtime has a store), else the certificate file,
    else the client secret."""
    env = os.environ if environ is None else environ
    found = secret_from_block(runtime, BLOCK_ENV, env)
    if found is not None:
        return credential_from_value(*found)
    certificate = env.get(CERTIFICATE_ENV, "").strip()
    if certificate:
        path = Path(certificate).expanduser()
        try:
            pem = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise SourceError(
                f"cannot read the certificate file {path} ({exc.__class__.__name__}); {_SETUP}"
            ) from None
        return certificate_credential(pem, f"certificate file {path}")
    secret = env.get(SECRET_ENV, "")
    if secret.strip():
        return ClientCredential(SECRET_ENV, secret=secret.strip())
    raise SourceError(f"no credentials for the Microsoft app registration: {_SETUP}")


_apps: dict[tuple[str, str, str], Any] = {}
_apps_lock = threading.Lock()


class TokenSource:
    """Bearer tokens for Graph, app-only. The msal application (and so its token cache) is shared by
    every batch of the process that uses the same app registration and credential."""

    def __init__(self, endpoints: Endpoints, load: Any) -> None:
        self._endpoints = endpoints
        self._load = load  # () -> ClientCredential, called once
        self._credential: ClientCredential | None = None

    def token(self) -> str:
        app = self._app()
        result: Mapping[str, Any] = app.acquire_token_for_client(scopes=[self._endpoints.scope])
        token = result.get("access_token")
        if isinstance(token, str) and token:
            return token
        raise SourceError(_refused(result, self._endpoints, self._credential))

    def _app(self) -> Any:
        if self._credential is None:
            self._credential = self._load()
        credential = self._credential
        key = (self._endpoints.tenant_authority, self._endpoints.client_id, credential.fingerprint)
        with _apps_lock:
            app = _apps.get(key)
            if app is None:
                app = _new_app(self._endpoints, credential)
                _apps[key] = app
        return app


def _new_app(endpoints: Endpoints, credential: ClientCredential) -> Any:
    import msal
    import requests

    try:
        return msal.ConfidentialClientApplication(
            endpoints.client_id,
            client_credential=credential.for_msal(),
            authority=endpoints.tenant_authority,
            # National clouds and stand-ins are not in Microsoft's instance-discovery list.
            instance_discovery=False if endpoints.custom_authority else None,
            http_client=_http_client(),
        )
    except requests.RequestException as exc:
        raise SourceError(
            f"cannot reach the Microsoft Entra authority {endpoints.authority} ({exc.__class__.__name__}); "
            "check microsoft.authority and the network"
        ) from None
    except ValueError as exc:
        text = str(exc)
        if "private key" in text.lower() or "certificate" in text.lower() or "Could not deserialize" in text:
            raise SourceError(f"the app certificate in {credential.origin} is not usable; {_SETUP}") from None
        raise SourceError(
            f"Microsoft Entra ID does not know tenant {endpoints.tenant_id!r} at {endpoints.authority}; "
            "check microsoft.tenant_id and microsoft.authority"
        ) from None


def _http_client() -> Any:
    """msal's HTTP session, verifying with the CA bundle the environment names. (A session-wide
    ``verify``, which is what msal would set, is not applied by requests 2.34; per request it is.)"""
    import requests

    session = requests.Session()
    session.mount("https://", requests.adapters.HTTPAdapter(max_retries=1))
    session.request = functools.partial(  # type: ignore[method-assign]
        session.request, verify=verify_for_requests(), timeout=TOKEN_TIMEOUT_SECONDS
    )
    return session


def _refused(result: Mapping[str, Any], endpoints: Endpoints, credential: ClientCredential | None) -> str:
    """Why no token came back: the OAuth error code and Entra's AADSTS number, nothing else."""
    code = str(result.get("error") or "no token")[:60]
    numbers = sorted(set(_AADSTS.findall(str(result.get("error_description") or ""))))
    detail = ", ".join([code, *numbers])
    where = credential.origin if credential is not None else "the credential"
    return (
        f"Microsoft Entra ID refused a token for app {endpoints.client_id} ({detail}); check "
        f"microsoft.tenant_id, microsoft.client_id and the secret or certificate in {where}"
    )
