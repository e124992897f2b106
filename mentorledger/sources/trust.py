"""Which certificate authorities HTTPS clients trust. Some clients honour ``SSL_CERT_FILE`` (httpx,
the ssl module), others ``REQUESTS_CA_BUNDLE`` (requests: msal, caldav); an institution that sets one
of them for its TLS-inspecting proxy, or a test with its own CA, means every client."""

from __future__ import annotations

import os
import ssl

CA_VARIABLES = ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")


def ca_file() -> str | None:
    """The CA bundle the environment names, if any (the first of ``CA_VARIABLES`` that is set)."""
    for name in CA_VARIABLES:
        value = os.environ.get(name, "").strip()
        if value:
            return value
    return None


def verify_for_requests() -> str | bool:
    """``verify`` for a requests-based client: the named bundle, else the default trust store."""
    return ca_file() or True


def verify_for_httpx() -> ssl.SSLContext | bool:
    """``verify`` for httpx: a context over the named bundle, else httpx's default."""
    found = ca_file()
    return ssl.create_default_context(cafile=found) if found else True
