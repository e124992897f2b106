"""The department the web tests sign in to: two mentors with calendars (Ana and Ben), a chair, an
administrator, and a group member whose name carries a script tag. Synced without Prefect."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import yaml

from mentorledger.config import Config, load_config
from mentorledger.smtp import SmtpSettings
from mentorledger.store.ledger import Ledger
from mentorledger.store.web_auth import issue_link
from mentorledger.sync import SyncContext, sync_batch
from mentorledger.web.app import create_app
from mentorledger.web.settings import WebSettings
from tests.smtpserver import Inbox
from tests.unit.icsbuild import calendar
from tests.web.server import free_socket, serve

ANA = "ana@med.example.edu"  # mentor A
BEN = "ben@med.example.edu"  # mentor B (and Ana's mentee)
DEE = "dee@med.example.edu"
EVE = "eve@med.example.edu"
FAY = "fay@med.example.edu"
CHAIR = "chair@med.example.edu"  # chairs Pediatrics, not in people
DEAN = "dean@med.example.edu"  # faculty affairs, not in people
SAM = "sam@med.example.edu"  # a surgeon whose calendar cannot be read (issue 11's second department)
SURGERY_CHAIR = "surgery-chair@med.example.edu"
SECRET = "test-secret-" + "x" * 32
SCRIPT_NAME = "Dee <script>alert('xss')</script> Diaz"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _event(uid: str, day: str, start: str, minutes: int, *lines: str) -> str:
    begin = dt.datetime.fromisoformat(f"{day}T{start}")
    end = begin + dt.timedelta(minutes=minutes)
    return "\n".join(
        [
            f"UID:{uid}",
            f"DTSTART;TZID=America/New_York:{begin:%Y%m%dT%H%M%S}",
            f"DTEND;TZID=America/New_York:{end:%Y%m%dT%H%M%S}",
            *lines,
        ]
    )


ANA_EVENTS = [
    _event(
        "ana-ben-1",
        "2025-10-07",
        "16:00",
        45,
        "SUMMARY:Check-in",
        f"ORGANIZER:mailto:{ANA}",
        f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:{BEN}",
    ),
    _event(
        "ana-circle",
        "2025-10-09",
        "12:00",
        60,
        "SUMMARY:Circle",
        f"ORGANIZER:mailto:{DEE}",
        *(f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:{who}" for who in (ANA, EVE, FAY)),
    ),
    _event("ana-huddle", "2025-10-14", "08:00", 30, "SUMMARY:Clinic huddle #mentoring"),
    _event(
        "ana-ben-2",
        "2025-10-21",
        "16:00",
        45,
        "SUMMARY:Check-in",
        f"ORGANIZER:mailto:{ANA}",
        f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:{BEN}",
    ),
    _event("ana-nov", "2025-11-04", "10:00", 60, "SUMMARY:Career chat #mentoring"),
]
BEN_EVENTS = [
    _event("ben-own-1", "2025-10-08", "09:00", 50, "SUMMARY:Peer chat #mentoring"),
    _event("ben-own-2", "2025-10-22", "09:00", 40, "SUMMARY:Peer chat #mentoring"),
]


def config_data(smtp_port: int) -> dict[str, Any]:
    people = [
        (ANA, "Ana Ruiz", "assistant_professor"),
        (BEN, "Ben Cho", "resident"),
        (DEE, SCRIPT_NAME, "associate_professor"),
        (EVE, "Eve Park", "instructor"),
        (FAY, "Fay Okoro", "fellow"),
    ]
    return {
        "institution": "Example School of Medicine",
        "timezone": "America/New_York",
        "window": {"start": "2025-07-01", "end": "2026-06-30"},
        "people": [{"email": e, "name": n, "department": "Pediatrics", "rank": r} for e, n, r in people],
        "relationships": [{"mentor": ANA, "mentee": BEN, "kind": "near_peer", "start": "2025-07-01"}],
        "groups": [{"id": "urim-circle", "name": "URiM Peer Circle", "members": [ANA, DEE, EVE, FAY]}],
        "calendars": [{"owner": ANA, "ics": "ana.ics"}, {"owner": BEN, "ics": "ben.ics"}],
        "departments": [{"name": "Pediatrics", "chairs": [CHAIR]}],
        "admins": [DEAN],
        "smtp": {
            "host": "127.0.0.1",
            "port": smtp_port,
            "security": "none",
            "from_address": "mentorledger@med.example.edu",
        },
    }


def two_departments(smtp_port: int) -> dict[str, Any]:
    """Issue 11's changes: attestation on, and a Surgery department whose one surgeon's calendar fails."""
    data = config_data(smtp_port)
    return {
        "attestation": {"enabled": True},
        "people": [
            *data["people"],
            {"email": SAM, "name": "Sam Ortiz", "department": "Surgery", "rank": "professor"},
        ],
        "calendars": [*data["calendars"], {"owner": SAM, "ics": "sam.ics"}],
        "departments": [*data["departments"], {"name": "Surgery", "chairs": [SURGERY_CHAIR]}],
    }


def write_department(directory: Path, smtp_port: int, **changes: Any) -> Config:
    (directory / "ana.ics").write_bytes(calendar(*ANA_EVENTS))
    (directory / "ben.ics").write_bytes(calendar(*BEN_EVENTS))
    (directory / "sam.ics").write_text("This is not a calendar.\n", encoding="utf-8")  # cannot be read
    data = {**config_data(smtp_port), **changes}
    path = directory / "department.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return load_config(path)


def synced_ledger(config: Config, database_url: str) -> Ledger:
    """The ledger after one sync; every calendar syncs but the surgeon's, which is meant to fail."""
    ledger = Ledger.open(database_url)
    outcomes = sync_batch(SyncContext(config=config, ledger=ledger, run_id="web-tests"), config.calendars)
    assert all(o.ok or o.owner == SAM for o in outcomes), outcomes
    return ledger


@dataclass
class Site:
    """A running web app and what the tests need to reach into."""

    url: str
    config: Config
    ledger: Ledger
    app: Any

    def client(self, **kwargs: Any) -> httpx.Client:
        return httpx.Client(base_url=self.url, follow_redirects=False, timeout=30, **kwargs)

    def link(self, email: str, next_path: str = "/") -> str:
        """A sign-in link, as the e-mail would carry it (issued directly: no mail needed)."""
        return f"{self.url}/login/link?token={issue_link(self.ledger, email, next_path)}"

    def signed_in(self, email: str, **kwargs: Any) -> httpx.Client:
        """An HTTP client with a session for ``email``, signed in through the real link pages."""
        client = self.client(**kwargs)
        token = issue_link(self.ledger, email, "/")
        page = client.get("/login/link", params={"token": token})
        assert page.status_code == 200, page.text
        answer = client.post("/login/link", data={"token": token, "csrf_token": csrf_of(page.text)})
        assert answer.status_code == 303, answer.text
        return client


def mailed_link(inbox: Inbox, to: str, timeout: float = 15) -> str:
    """The sign-in link in the mail that reached ``to`` (waiting for it: it is sent after the response)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for recipients, message in inbox.messages:
            if to in recipients:
                body = message.get_body(("plain",))
                assert body is not None
                found = re.search(r"(http://\S+/login/link\?token=\S+)", body.get_content())
                assert found, body.get_content()
                return found.group(1)
        time.sleep(0.05)
    raise AssertionError(f"no sign-in mail to {to}")


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no CSRF field on the page"
    return found.group(1)


def settings_for(config: Config, url: str, **changes: Any) -> WebSettings:
    values: dict[str, Any] = {
        "public_url": url,
        "demo": False,
        "session_lifetime": dt.timedelta(hours=config.web.session_hours),
        "secret": SECRET,
        "mail": SmtpSettings.from_config(config.smtp, environ={}),
        **changes,
    }
    return WebSettings(**values)


@contextmanager
def running_site(config: Config, ledger: Ledger, **settings: Any) -> Iterator[Site]:
    sock = free_socket()
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    app = create_app(config, settings=settings_for(config, url, **settings), ledger=ledger)
    with serve(app, sock) as base:
        yield Site(base, config, ledger, app)
