"""Single sign-on with OpenID Connect against a loopback provider that signs ID tokens with a test
key: the e-mail claim maps to the roster; a token the provider's published keys did not sign, one for
another client, or an address outside the roster signs no one in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from joserfc.jwk import RSAKey

from tests.oidcprovider import CLIENT_ID, CLIENT_SECRET, Provider, oidc_provider
from tests.smtpserver import Inbox
from tests.web.department import ANA, Site, running_site, synced_ledger, write_department


@pytest.fixture
def provider() -> Iterator[Provider]:
    with oidc_provider() as running:
        yield running


def _sso_site(tmp_path: Path, database_url: str, inbox: Inbox, provider: Provider, **oidc: Any) -> Any:
    web = {
        "oidc": {
            "metadata_url": provider.metadata_url,
            "client_id": CLIENT_ID,
            "label": "Sign in with Example SSO",
            **oidc,
        }
    }
    config = write_department(tmp_path, inbox.port, web=web)
    return running_site(config, synced_ledger(config, database_url), oidc_secret=CLIENT_SECRET)


def _single_sign_on(site: Site, next_path: str = "/") -> tuple[httpx.Client, httpx.Response]:
    """Follow the redirects a browser would: app -> provider -> app callback."""
    client = site.client()
    start = client.get("/login/oidc", params={"next": next_path})
    assert start.status_code == 302, start.text
    at_provider = httpx.get(start.headers["location"], follow_redirects=False)
    assert at_provider.status_code == 302
    return client, client.get(at_provider.headers["location"])


def test_the_login_page_offers_single_sign_on(
    tmp_path: Path, database_url: str, inbox: Inbox, provider: Provider
) -> None:
    with _sso_site(tmp_path, database_url, inbox, provider) as site:
        page = site.client().get("/login").text
        assert "Sign in with Example SSO" in page
        assert 'href="/login/oidc?next=/"' in page


def test_a_roster_member_signs_in_with_the_email_claim(
    tmp_path: Path, database_url: str, inbox: Inbox, provider: Provider
) -> None:
    provider.user = {"email": ANA.upper(), "email_verified": True, "sub": "ana-1"}
    with _sso_site(tmp_path, database_url, inbox, provider) as site:
        client, done = _single_sign_on(site, "/me/entries?month=2025-10")
        assert (done.status_code, done.headers["location"]) == (303, "/me/entries?month=2025-10")
        assert "Ana Ruiz" in client.get("/me").text
        assert provider.token_requests == 1


def test_the_claim_to_use_is_configurable(
    tmp_path: Path, database_url: str, inbox: Inbox, provider: Provider
) -> None:
    provider.user = {"preferred_username": ANA, "email": "ana.personal@example.org"}
    with _sso_site(tmp_path, database_url, inbox, provider, email_claim="preferred_username") as site:
        _client, done = _single_sign_on(site)
        assert done.headers["location"] == "/me"


@pytest.mark.parametrize(
    ("setup", "says"),
    [
        (
            lambda p: setattr(p, "signing_key", RSAKey.generate_key(2048, parameters={"kid": "k1"})),
            "could not be verified",
        ),
        (lambda p: p.extra_claims.update(aud="another-client"), "could not be verified"),
        (
            lambda p: p.user.update(email="stranger@elsewhere.example.org"),
            "not in Example School of Medicine",
        ),
        (lambda p: p.user.update(email_verified=False), "not verified"),
    ],
    ids=[
        "signed-with-an-unpublished-key",
        "issued-for-another-client",
        "not-in-the-roster",
        "unverified-address",
    ],
)
def test_what_single_sign_on_refuses(
    tmp_path: Path, database_url: str, inbox: Inbox, provider: Provider, setup: Any, says: str
) -> None:
    provider.user = {"email": ANA, "email_verified": True}
    setup(provider)
    with _sso_site(tmp_path, database_url, inbox, provider) as site:
        client, done = _single_sign_on(site)
        assert done.status_code == 400
        assert says in done.text
        assert client.get("/me").status_code == 303  # not signed in


def test_a_callback_without_the_browsers_state_signs_no_one_in(
    tmp_path: Path, database_url: str, inbox: Inbox, provider: Provider
) -> None:
    provider.user = {"email": ANA}
    with _sso_site(tmp_path, database_url, inbox, provider) as site:
        start = site.client().get("/login/oidc")
        callback = httpx.get(start.headers["location"], follow_redirects=False).headers["location"]
        other_browser = site.client()
        done = other_browser.get(callback)
        assert done.status_code == 400
        assert other_browser.get("/me").status_code == 303
