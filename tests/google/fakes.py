"""Test doubles for the Google source: event JSON builders, canned HTTP sequences, credentials."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from googleapiclient.http import HttpMockSequence

from mentorledger.config import Config, load_config
from mentorledger.sources.google.access import GoogleAccess
from mentorledger.sources.google.credentials import GoogleCredentials

ANA, BEN, CARA, DAN = (f"{n}@med.example.edu" for n in ("ana", "ben", "cara", "dan"))

DEPARTMENT = f"""\
institution: Test School of Medicine
timezone: America/New_York
window: {{start: 2025-07-01, end: 2026-06-30}}
people:
  - {{email: {ANA}, name: Ana, department: Peds, rank: assistant_professor}}
  - {{email: {BEN}, name: Ben, department: Peds, rank: resident}}
  - {{email: {CARA}, name: Cara, department: Peds, rank: fellow}}
  - {{email: {DAN}, name: Dan, department: Peds, rank: fellow}}
relationships:
  - {{mentor: {ANA}, mentee: {BEN}, kind: near_peer, start: 2025-07-01}}
groups:
  - {{id: circle, name: Circle, members: [{ANA}, {CARA}, {DAN}]}}
"""


def write_config(root: Path, calendars: Sequence[str], extra: str = "") -> Config:
    """The test department with the given ``calendars:`` lines (YAML flow mappings)."""
    path = root / "dept.yaml"
    lines = "".join(f"  - {line}\n" for line in calendars)
    path.write_text(DEPARTMENT + extra + "calendars:\n" + lines, encoding="utf-8")
    return load_config(path)


def event(
    event_id: str,
    start: str,
    end: str,
    *,
    uid: str | None = None,
    summary: str = "Check-in",
    organizer: str = ANA,
    attendees: Sequence[tuple[str, str]] = ((BEN, "accepted"),),
    self_email: str | None = None,
    self_status: str = "accepted",
    status: str = "confirmed",
    transparency: str | None = None,
    series: str | None = None,
    original_start: str | None = None,
) -> dict[str, Any]:
    """An Event resource as events.list returns it (times with offsets, as Google sends them)."""
    body: dict[str, Any] = {
        "kind": "calendar#event",
        "id": event_id,
        "status": status,
        "iCalUID": uid or (f"{series}@google.com" if series else f"{event_id}@google.com"),
        "summary": summary,
        "organizer": {"email": organizer},
        "start": {"date": start} if len(start) == 10 else {"dateTime": start, "timeZone": "America/New_York"},
        "end": {"date": end} if len(end) == 10 else {"dateTime": end, "timeZone": "America/New_York"},
        "attendees": [{"email": email, "responseStatus": rs} for email, rs in attendees],
    }
    if self_email:
        body["attendees"].append({"email": self_email, "self": True, "responseStatus": self_status})
    if transparency:
        body["transparency"] = transparency
    if series:
        body["recurringEventId"] = series
        body["originalStartTime"] = {"dateTime": original_start or start, "timeZone": "America/New_York"}
    return body


def deleted(event_id: str) -> dict[str, Any]:
    """What Google sends for a deleted event: only the id is guaranteed."""
    return {"kind": "calendar#event", "id": event_id, "status": "cancelled"}


def page(
    items: Sequence[dict[str, Any]], *, next_page: str | None = None, sync_token: str | None = None
) -> tuple[dict[str, str], str]:
    body: dict[str, Any] = {"kind": "calendar#events", "timeZone": "America/New_York", "items": list(items)}
    if next_page:
        body["nextPageToken"] = next_page
    if sync_token:
        body["nextSyncToken"] = sync_token
    return {"status": "200", "content-type": "application/json"}, json.dumps(body)


def error(status: int, reason: str | None = None, **headers: str) -> tuple[dict[str, str], str]:
    errors = [{"domain": "global", "reason": reason, "message": "error"}] if reason else []
    body = {"error": {"code": status, "message": "error", "errors": errors}}
    return {"status": str(status), "content-type": "application/json", **headers}, json.dumps(body)


class FakeGoogle:
    """Canned responses per owner; every calendar sync gets a fresh HttpMockSequence over the next
    responses queued for its owner, and every request is kept for inspection."""

    def __init__(self) -> None:
        self.queued: dict[str, list[tuple[dict[str, str], str]]] = {}
        self.https: list[tuple[str, HttpMockSequence]] = []
        self.throttled = 0

    def respond(self, owner: str, *responses: tuple[dict[str, str], str]) -> None:
        self.queued.setdefault(owner, []).extend(responses)

    def http_for(self, _credentials: GoogleCredentials, owner: str) -> HttpMockSequence:
        http = HttpMockSequence(self.queued.get(owner, []))  # shares the list: responses are consumed
        self.https.append((owner, http))
        return http

    def throttle(self) -> None:
        self.throttled += 1

    def access(self) -> GoogleAccess:
        return GoogleAccess(
            load_credentials=lambda: GoogleCredentials("service_account", "test", {}),
            http_for=self.http_for,
            throttle=self.throttle,
        )

    def requests(self, owner: str) -> list[str]:
        """URIs requested for ``owner``'s calendars, in order."""
        return [uri for who, http in self.https if who == owner for uri, *_ in http.request_sequence]

    def left(self, owner: str) -> int:
        return len(self.queued.get(owner, []))


def rsa_key_pair() -> tuple[str, str]:
    """(private key PEM, public key PEM): a fresh service-account key for one test."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


def service_account_info(token_uri: str, private_key_pem: str) -> dict[str, str]:
    return {
        "type": "service_account",
        "project_id": "mentorledger-test",
        "private_key_id": "k1",
        "private_key": private_key_pem,
        "client_email": "sync@mentorledger-test.iam.gserviceaccount.com",
        "client_id": "1234567890",
        "token_uri": token_uri,
    }
