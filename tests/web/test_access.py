"""Every route checks its role; a mentor reaches only their own entries, on every route the app has.

The routes are read from the app's own router, so a route added later is covered (or makes these
tests fail until it says how to test it)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import httpx
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.routing import Mount

from mentorledger.counting import Category
from mentorledger.reports.drilldown import person_key
from mentorledger.reviews import How, Review
from mentorledger.store.manual import add_manual
from mentorledger.store.reviews import set_review
from mentorledger.store.schema import EntryRow, ManualEntryRow
from mentorledger.web.access import Access, GuardedRoute
from tests.reports.outputs import docx_text
from tests.web.department import ANA, BEN, CHAIR, DEAN, Site, csrf_of

PUBLIC_PATHS = {
    "/",
    "/login",
    "/login/sent",
    "/login/link",
    "/login/oidc",
    "/login/oidc/callback",
    "/rules",
    "/healthz",
    "/attest",  # a mentee's single-use "yes, we met" / "no" link from the e-mail (issue 11)
    "/mail/off",  # a single-use "stop these e-mails" link
}
AREAS = {"/me": Access.MENTOR, "/mentee": Access.MENTEE, "/chair": Access.CHAIR, "/admin": Access.ADMIN}


def routes(site: Site) -> list[APIRoute]:
    """Every route the app serves, through FastAPI's own view of included routers."""
    found = []
    for context in iter_route_contexts(site.app.routes):
        route = context.original_route
        assert context.path == getattr(route, "path", None)  # no router prefixes hide a path
        if isinstance(route, Mount):
            assert route.path == "/static", f"unexpected mount {route.path}"
            continue
        assert isinstance(route, APIRoute), f"{route} is not an API route: it would escape the access checks"
        found.append(route)
    return found


def test_every_route_declares_its_access_and_only_sign_in_pages_are_public(site: Site) -> None:
    for route in routes(site):
        assert isinstance(route, GuardedRoute), route.path
        assert isinstance(route.access, Access)
        assert (route.access is Access.PUBLIC) == (route.path in PUBLIC_PATHS), route.path
        area = "/" + route.path.split("/")[1].split(".")[0]
        if area in AREAS:
            assert route.access is AREAS[area], route.path


def _bens_things(site: Site) -> dict[str, str]:
    """Ben's objects, one per kind of path parameter: what Ana will try to reach."""
    ledger = site.ledger
    with Session(ledger.engine) as session:
        entry = session.scalar(select(EntryRow.id).where(EntryRow.owner == BEN).order_by(EntryRow.id))
    assert entry is not None
    keys = list(site.app.state.web.calendar_keys)
    action = set_review(
        ledger, owner=BEN, actor=BEN, entry_id=entry, review=Review.CONFIRMED, calendar_keys=keys
    )
    manual_id, _ = add_manual(
        ledger,
        owner=BEN,
        actor=BEN,
        start=dt.datetime(2025, 10, 23, 14, tzinfo=dt.UTC),
        minutes=25,
        how=How.PHONE,
        category=Category.TAG,
        note="Ben's private note",
    )
    return {
        "entry_id": str(entry),
        "manual_id": str(manual_id),
        "action_id": action.id,
        "department": "pediatrics",
        "person": person_key(BEN),
        "job_id": "1",
    }


def _state(site: Site, owner: str) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    with Session(site.ledger.engine) as session:
        reviews = list(
            session.execute(
                select(EntryRow.id, EntryRow.review).where(EntryRow.owner == owner).order_by(EntryRow.id)
            ).tuples()
        )
        manual = list(
            session.execute(
                select(ManualEntryRow.id, ManualEntryRow.status)
                .where(ManualEntryRow.owner == owner)
                .order_by(ManualEntryRow.id)
            ).tuples()
        )
    return reviews, manual


# Form fields that make each POST route do its work, so that a 404 is the ownership check answering.
FORMS: dict[str, dict[str, str]] = {
    "/me/entries/{entry_id}/exclude": {"reason": "not mine to exclude"},
    "/me/confirm": {"first": "2025-10-01", "last": "2025-10-31"},
    "/me/manual": {"day": "2025-10-23", "start": "10:00", "minutes": "30", "how": "phone"},
}
# Routes of Ana's own that take no id: they must work for her, and show nothing of Ben's.
OWN_ONLY = {"/me", "/me/entries", "/me/manual/new", "/me/confirm", "/me/manual", "/me/dossier.{fmt}"}


def test_mentor_a_gets_404_for_mentor_bs_ids_on_every_route(site: Site) -> None:
    things = _bens_things(site)
    before = _state(site, BEN)
    ana = site.signed_in(ANA)
    token = csrf_of(ana.get("/me").text)
    tried = 0
    for route in routes(site):
        params = re.findall(r"{(\w+)}", route.path)
        if not params or route.access is Access.PUBLIC:
            continue
        unknown = set(params) - set(things) - {"fmt"}
        assert not unknown, f"{route.path}: tell this test which of Ben's objects to use for {unknown}"
        path = route.path.format(**things, fmt="docx")
        for method in sorted(route.methods):
            if method == "HEAD":
                continue
            answer = ana.request(method, path, data={"csrf_token": token, **FORMS.get(route.path, {})})
            if route.path == "/me/dossier.{fmt}":  # Ana's own dossier, whatever Ben has
                assert answer.status_code == 200, path
                text = docx_text(answer.content)
                assert "Ana" in text  # her own dossier, read as text
                assert "Ben's private note" not in text
                continue
            assert answer.status_code == 404, f"{method} {path}: {answer.status_code}"
            assert "Ben's private note" not in answer.text
            tried += 1
    assert tried >= 10  # detail, confirm, exclude, reset, keep, undo, manual detail, remove, restore, keep
    assert _state(site, BEN) == before


def test_mentor_pages_without_ids_show_only_the_mentors_own_entries(site: Site) -> None:
    _bens_things(site)
    before = _state(site, BEN)
    ana = site.signed_in(ANA)
    for month in ("2025-10", "2025-11"):
        page = ana.get("/me/entries", params={"month": month}).text
        assert "Ben&#39;s private note" not in page
        assert "Ben's private note" not in page
        assert "Peer chat" not in page
        bens_ids = {row[0] for row in _state(site, BEN)[0]}
        linked = {int(i) for i in re.findall(r'href="/me/entries/(\d+)"', page)}
        assert linked
        assert not linked & bens_ids
    token = csrf_of(ana.get("/me").text)
    ana.post("/me/confirm", data={"csrf_token": token, "first": "2025-10-01", "last": "2025-10-31"})
    assert _state(site, BEN) == before  # confirming "October" confirmed only Ana's October


def test_chairs_and_administrators_get_their_landing_page_and_no_entries(site: Site) -> None:
    for email, home, other in ((CHAIR, "/chair", "/admin"), (DEAN, "/admin", "/chair")):
        client = site.signed_in(email)
        assert client.get("/").headers["location"] == home
        page = client.get(home, follow_redirects=True)
        assert page.status_code == 200
        assert "never" in page.text  # what they will not see is stated
        assert client.get(other).status_code == 404
        for path in ("/me", "/me/entries", "/me/manual/new", "/me/dossier.pdf"):
            assert client.get(path).status_code == 404, (email, path)


def test_signed_out_visitors_are_sent_to_sign_in_and_back(site: Site) -> None:
    client = site.client()
    answer = client.get("/me/entries", params={"month": "2025-10"})
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=%2Fme%2Fentries%3Fmonth%3D2025-10"
    for path in ("/me", "/chair", "/admin"):
        assert client.get(path).status_code == 303


def test_every_form_route_refuses_a_missing_or_forged_csrf_token(site: Site) -> None:
    things = _bens_things(site)
    ana = site.signed_in(ANA)
    with Session(site.ledger.engine) as session:
        own = session.scalar(select(EntryRow.id).where(EntryRow.owner == ANA).order_by(EntryRow.id))
    before = _state(site, ANA)
    checked = 0
    for route in routes(site):
        if "POST" not in route.methods:
            continue
        path = route.path.format(**{**things, "entry_id": str(own)}, fmt="docx")
        form: dict[str, Any] = FORMS.get(route.path, {})
        for data in (form, {**form, "csrf_token": "forged-" + "x" * 40}):
            answer = ana.post(path, data=data)
            assert answer.status_code == 403, (
                f"POST {path} with {data.get('csrf_token')!r}: {answer.status_code}"
            )
            assert "This form has expired" in answer.text
        checked += 1
    assert checked >= 10
    assert _state(site, ANA) == before
    # ...and a token from another browser's session is as good as a forged one.
    other = site.signed_in(ANA)
    stolen = csrf_of(other.get("/me").text)
    assert ana.post(f"/me/entries/{own}/confirm", data={"csrf_token": stolen}).status_code == 403


def test_a_typed_malformed_id_is_a_plain_404(site: Site) -> None:
    ana = site.signed_in(ANA)
    for path in (
        "/me/entries/abc",
        "/me/manual/999999",
        "/me/entries?month=2031-01",
        "/me/entries?month=x",
        "/nowhere",
    ):
        answer = ana.get(path)
        assert answer.status_code == 404, path
        assert "Page not found" in answer.text


def test_pages_carry_security_headers_and_are_not_cached(site: Site) -> None:
    answer = site.signed_in(ANA).get("/me")
    headers: httpx.Headers = answer.headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["cache-control"] == "no-store"
