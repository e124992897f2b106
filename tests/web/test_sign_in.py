"""Signing in by e-mail link and the session that follows: single use, 15 minutes, hashed; rate limits;
no way off-site through ``next=``; cookie flags; sign-out and expiry end the session."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from mentorledger.store.schema import LoginLinkRow, WebSessionRow
from mentorledger.store.web_auth import token_hash
from tests.smtpserver import Inbox
from tests.web.department import ANA, Site, csrf_of, mailed_link


def _request_link(site: Site, email: str, next_path: str = "/", client_ip: str | None = None) -> int:
    client = site.client(headers={"X-Forwarded-For": client_ip} if client_ip else {})
    form = client.get("/login")
    answer = client.post("/login", data={"email": email, "next": next_path, "csrf_token": csrf_of(form.text)})
    return answer.status_code


def _use(site: Site, link: str) -> tuple[int, str]:
    client = site.client()
    token = parse_qs(urlsplit(link).query)["token"][0]
    page = client.get("/login/link", params={"token": token})
    if page.status_code != 200:
        return page.status_code, page.text
    answer = client.post("/login/link", data={"token": token, "csrf_token": csrf_of(page.text)})
    return answer.status_code, answer.headers.get("location", answer.text)


def test_a_link_arrives_by_mail_signs_in_once_and_is_stored_only_hashed(site: Site, inbox: Inbox) -> None:
    assert _request_link(site, ANA.upper(), "/me/entries?month=2025-10") == 303
    link = mailed_link(inbox, ANA)
    token = parse_qs(urlsplit(link).query)["token"][0]
    with Session(site.ledger.engine) as session:
        stored = session.scalars(select(LoginLinkRow.token_hash)).all()
    assert stored == [token_hash(token)]
    assert token not in repr(stored)
    assert _use(site, link) == (303, "/me/entries?month=2025-10")
    status, text = _use(site, link)  # the same link again
    assert status == 400
    assert "no longer works" in text


def test_an_expired_link_is_refused(site: Site) -> None:
    link = site.link(ANA)
    with Session(site.ledger.engine) as session, session.begin():
        created = session.scalar(select(LoginLinkRow.created_at))
        assert created is not None
        expires = session.scalar(select(LoginLinkRow.expires_at))
        assert expires == created + dt.timedelta(minutes=15)
        session.execute(
            update(LoginLinkRow).values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
        )
    assert _use(site, link)[0] == 400
    assert _use(site, site.link(ANA)) == (303, "/me")  # a fresh one works


def test_unknown_addresses_get_the_same_answer_and_no_mail(site: Site, inbox: Inbox) -> None:
    assert _request_link(site, "stranger@elsewhere.example.org") == 303
    assert _request_link(site, ANA) == 303
    mailed_link(inbox, ANA)
    assert [to for to, _ in inbox.messages] == [[ANA]]


@pytest.mark.parametrize(
    "evil",
    [
        "https://evil.example.com/",
        "//evil.example.com/x",
        "/\\evil.example.com",
        "javascript:alert(1)",
        "http:/evil.example.com",
        "\\\\evil.example.com",
        "/\tevil",
        "/\r\nLocation: https://evil.example.com",
    ],
)
def test_next_cannot_lead_off_the_site(site: Site, evil: str) -> None:
    login = site.client().get("/login", params={"next": evil})
    kept = re.search(r'name="next" value="([^"]*)"', login.text)
    assert kept is not None
    assert kept.group(1) == "/"
    status, location = _use(site, site.link(ANA, evil))  # as if a crafted next= had come with the link
    assert (status, location) == (303, "/me")
    assert _request_link(site, ANA, evil) == 303


def test_next_keeps_a_path_on_the_site(site: Site) -> None:
    assert _use(site, site.link(ANA, "/me/manual/new?x=1")) == (303, "/me/manual/new?x=1")


def test_link_requests_are_limited_per_address_and_per_client(site: Site) -> None:
    for i in range(5):
        assert _request_link(site, ANA, client_ip=f"198.51.100.{i}") == 303
    assert _request_link(site, ANA, client_ip="198.51.100.99") == 429  # the address's limit
    for i in range(20):
        assert _request_link(site, f"someone{i}@med.example.edu", client_ip="203.0.113.7") == 303
    assert _request_link(site, "someone-else@med.example.edu", client_ip="203.0.113.7") == 429  # the client's
    assert _request_link(site, "someone-else@med.example.edu", client_ip="203.0.113.8") == 303


def test_the_session_cookie_is_httponly_lax_and_secure_behind_https(site: Site) -> None:
    plain = site.client().get("/login").headers["set-cookie"]
    assert "HttpOnly" in plain
    assert "SameSite=Lax" in plain
    assert "Secure" not in plain
    proxied = site.client(headers={"X-Forwarded-Proto": "https"}).get("/login")
    assert "; Secure" in proxied.headers["set-cookie"]
    assert proxied.headers["strict-transport-security"].startswith("max-age=")


def test_signing_out_ends_the_session_even_for_a_copied_cookie(site: Site) -> None:
    ana = site.signed_in(ANA)
    copied = site.client(cookies=dict(ana.cookies))
    assert copied.get("/me").status_code == 200
    answer = ana.post("/logout", data={"csrf_token": csrf_of(ana.get("/me").text)})
    assert (answer.status_code, answer.headers["location"]) == (303, "/login?signed_out=1")
    assert ana.get("/me").status_code == 303
    assert copied.get("/me").status_code == 303
    with Session(site.ledger.engine) as session:
        assert session.scalars(select(WebSessionRow)).all() == []


def test_an_expired_session_signs_out(site: Site) -> None:
    ana = site.signed_in(ANA)
    with Session(site.ledger.engine) as session, session.begin():
        session.execute(
            update(WebSessionRow).values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
        )
    assert ana.get("/me").status_code == 303


def test_a_tampered_cookie_is_ignored(site: Site) -> None:
    ana = site.signed_in(ANA)
    value = ana.cookies["mentorledger_session"]
    forged = site.client(
        cookies={"mentorledger_session": value[:-4] + ("AAAA" if not value.endswith("AAAA") else "BBBB")}
    )
    assert forged.get("/me").status_code == 303
