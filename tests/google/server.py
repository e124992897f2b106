"""A loopback server that behaves like Google Calendar API v3 events.list and Google's OAuth token
endpoint, for end-to-end tests: pages (``pageToken``), sync tokens (``nextSyncToken``, ``syncToken``
returning only changes), 410 for a stale token, injected failures (429 / 5xx), deletions that carry
only the event id, and JWT-bearer (service account) and refresh-token grants.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from google.auth import jwt


@dataclass
class Stored:
    body: dict[str, Any]
    version: int


@dataclass
class FakeCalendarService:
    public_key_pem: str = ""
    page_size: int = 3
    calendars: dict[str, dict[str, Stored]] = field(default_factory=dict)  # owner -> event id -> event
    version: int = 1
    oldest_valid_token: int = 0
    failures: list[int] = field(default_factory=list)  # statuses to answer the next events requests with
    tokens: dict[str, str] = field(default_factory=dict)  # access token -> user
    grants: list[dict[str, Any]] = field(default_factory=list)  # verified JWT claims received
    requests: list[tuple[str, dict[str, str]]] = field(
        default_factory=list
    )  # (user, query) per events request
    lock: threading.Lock = field(default_factory=threading.Lock)

    # -- the calendar's contents ------------------------------------------------------------------

    def put(self, owner: str, *events: dict[str, Any]) -> None:
        with self.lock:
            self.version += 1
            for event in events:
                self.calendars.setdefault(owner, {})[event["id"]] = Stored(dict(event), self.version)

    def delete(self, owner: str, event_id: str) -> None:
        """As Google does: the event becomes a cancelled stub that carries only its id."""
        self.put(owner, {"kind": "calendar#event", "id": event_id, "status": "cancelled"})

    def expire_sync_tokens(self) -> None:
        with self.lock:
            self.oldest_valid_token = self.version + 1

    # -- the API ----------------------------------------------------------------------------------

    def events(self, user: str, calendar_id: str, query: dict[str, str]) -> tuple[int, dict[str, Any]]:
        with self.lock:
            self.requests.append((user, query))
            if self.failures:
                status = self.failures.pop(0)
                reason = "rateLimitExceeded" if status in (403, 429) else "backendError"
                return status, {
                    "error": {"code": status, "message": "injected", "errors": [{"reason": reason}]}
                }
            owner = user if calendar_id == "primary" else calendar_id
            if owner != user:
                return 404, {
                    "error": {"code": 404, "message": "Not Found", "errors": [{"reason": "notFound"}]}
                }
            for name, value in (("singleEvents", "true"), ("showDeleted", "true"), ("eventTypes", "default")):
                if query.get(name) != value:
                    return 400, {"error": {"code": 400, "message": f"{name} must be {value} in this test"}}
            if "syncToken" in query and ("timeMin" in query or "timeMax" in query):
                return 400, {"error": {"code": 400, "message": "syncToken with timeMin"}}
            if "pageToken" in query:
                offset_text, since_text, snapshot_text = query["pageToken"].split(":")
                offset, since, snapshot = int(offset_text), int(since_text), int(snapshot_text)
            else:
                offset, snapshot = 0, self.version
                since = 0
                if "syncToken" in query:
                    since = int(query["syncToken"].removeprefix("v"))
                    if since < self.oldest_valid_token:
                        return 410, {
                            "error": {
                                "code": 410,
                                "message": "Gone",
                                "errors": [{"reason": "fullSyncRequired"}],
                            }
                        }
            changed = [
                stored.body
                for stored in sorted(self.calendars.get(owner, {}).values(), key=lambda s: s.body["id"])
                if since < stored.version <= snapshot
                and (since or stored.body.get("status") != "cancelled" or "start" in stored.body)
            ]
            size = min(self.page_size, int(query.get("maxResults", "250")))
            chunk = changed[offset : offset + size]
            body: dict[str, Any] = {"kind": "calendar#events", "timeZone": "America/New_York", "items": chunk}
            if offset + size < len(changed):
                body["nextPageToken"] = f"{offset + size}:{since}:{snapshot}"
            else:
                body["nextSyncToken"] = f"v{snapshot}"
            return 200, body

    def token(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        if form.get("grant_type") == "urn:ietf:params:oauth:grant-type:jwt-bearer":
            try:
                claims = jwt.decode(form["assertion"], certs=self.public_key_pem, audience=None, verify=True)
            except Exception:
                return 400, {"error": "invalid_grant", "error_description": "bad signature"}
            with self.lock:
                self.grants.append(claims)
            user = str(claims.get("sub") or "")
            if user not in self.calendars:
                return 401, {"error": "unauthorized_client", "error_description": "Client is unauthorized"}
        elif form.get("grant_type") == "refresh_token":
            user = form.get("refresh_token", "").removeprefix("refresh-")
        else:
            return 400, {"error": "unsupported_grant_type"}
        with self.lock:
            access = f"access-{len(self.tokens)}"
            self.tokens[access] = user
        return 200, {"access_token": access, "expires_in": 3600, "token_type": "Bearer"}


class _Handler(BaseHTTPRequestHandler):
    service: FakeCalendarService

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _send(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if status == 429:
            self.send_header("Retry-After", "0")
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
        if self.path != "/token":
            self._send(404, {"error": "not found"})
            return
        self._send(*self.service.token(form))

    def do_GET(self) -> None:
        parts = urllib.parse.urlsplit(self.path)
        segments = parts.path.strip("/").split("/")
        if (
            segments[:2] != ["calendar", "v3"]
            or len(segments) != 5
            or segments[2] != "calendars"
            or segments[4] != "events"
        ):
            self._send(404, {"error": {"code": 404, "message": f"no such path {parts.path}"}})
            return
        auth = self.headers.get("Authorization", "")
        user = self.service.tokens.get(auth.removeprefix("Bearer "))
        if user is None:
            self._send(
                401,
                {
                    "error": {
                        "code": 401,
                        "message": "Invalid Credentials",
                        "errors": [{"reason": "authError"}],
                    }
                },
            )
            return
        query = dict(urllib.parse.parse_qsl(parts.query))
        self._send(*self.service.events(user, urllib.parse.unquote(segments[3]), query))


@contextmanager
def serve(service: FakeCalendarService) -> Iterator[str]:
    """Run the fake on 127.0.0.1 (a free port); yields its base URL."""
    handler = type("Handler", (_Handler,), {"service": service})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
