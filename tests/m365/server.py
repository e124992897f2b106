"""A loopback HTTPS stand-in for Microsoft Entra ID's token endpoint and Microsoft Graph v1.0, for tests.

Entra ID, as msal calls it with a custom authority and ``instance_discovery=False``:
  GET  /{tenant}/v2.0/.well-known/openid-configuration   (tenant discovery)
  POST /{tenant}/oauth2/v2.0/token                          (client_credentials: a client secret, or a
                                                             client assertion signed with the app certificate)
Graph v1.0 (only what calendar reading uses):
  GET /v1.0/users/{mailbox}/calendarView/delta?startDateTime=..&endDateTime=..
  GET /v1.0/users/{mailbox}/calendars/{id}/calendarView/delta?...
      paged by ``Prefer: odata.maxpagesize`` with ``@odata.nextLink`` ($skiptoken), closed by an
      ``@odata.deltaLink`` ($deltatoken) that returns only what changed since, deletions and events
      moved out of the window as ``@removed`` stubs that carry only the id; an expired delta token is
      410 Gone with ``syncStateNotFound``; injected failures (429/503 with Retry-After)
  GET /v1.0/users/{mailbox}/events/{id}                     (a series master, for its iCalUId)
Mailboxes the app may not read (an application access policy) answer 403 ErrorAccessDenied.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography import x509

from tests.tls import TestCA

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


@dataclass
class Stored:
    body: dict[str, Any]
    version: int
    deleted: bool = False


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, str]
    prefer: str


@dataclass
class FakeGraph:
    tenant: str = "00000000-0000-0000-0000-000000000000"
    client_id: str = "11111111-1111-1111-1111-111111111111"
    secret: str | None = "s3cret-value"
    certificate_pem: str | None = None  # client assertions are verified against it
    page_size: int = 50
    calendars: dict[tuple[str, str], dict[str, Stored]] = field(default_factory=dict)  # (mailbox, cal)
    masters: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)  # mailbox -> id -> body
    version: int = 1
    oldest_valid: int = 0
    failures: list[tuple[int, str]] = field(default_factory=list)  # (status, Retry-After) for Graph GETs
    denied: set[str] = field(default_factory=set)
    tokens: set[str] = field(default_factory=set)
    grants: list[dict[str, str]] = field(default_factory=list)
    seen: list[Seen] = field(default_factory=list)
    base: str = ""
    link_base: str | None = None  # the origin links name, if not this server's (as behind a proxy)
    server_seconds: float = 0.0  # time spent answering, for benchmarks that subtract it
    lock: threading.RLock = field(default_factory=threading.RLock)

    # -- contents -----------------------------------------------------------------------------------

    def put(self, mailbox: str, *events: dict[str, Any], calendar: str = "primary") -> None:
        with self.lock:
            self.version += 1
            store = self.calendars.setdefault((mailbox, calendar), {})
            for event in events:
                store[event["id"]] = Stored(dict(event), self.version)

    def put_masters(self, mailbox: str, *masters: dict[str, Any]) -> None:
        with self.lock:
            self.masters.setdefault(mailbox, {}).update({m["id"]: m for m in masters})

    def delete(self, mailbox: str, event_id: str, *, calendar: str = "primary") -> None:
        with self.lock:
            self.version += 1
            stored = self.calendars[(mailbox, calendar)][event_id]
            stored.deleted, stored.version = True, self.version

    def expire_delta_links(self) -> None:
        """Every delta link handed out so far is now unknown (as after Graph's token cache moved on)."""
        with self.lock:
            self.version += 1
            self.oldest_valid = self.version

    def graph_requests(self) -> list[Seen]:
        return [s for s in self.seen if s.path.startswith("/v1.0/")]

    # -- Entra ID -----------------------------------------------------------------------------------

    def openid_configuration(self, tenant: str) -> tuple[int, dict[str, Any]]:
        if tenant != self.tenant:
            return 400, {"error": "invalid_tenant", "error_description": "AADSTS90002: Tenant not found."}
        root = f"{self.base}/{tenant}"
        return 200, {
            "issuer": f"{root}/v2.0",
            "authorization_endpoint": f"{root}/oauth2/v2.0/authorize",
            "token_endpoint": f"{root}/oauth2/v2.0/token",
            "device_authorization_endpoint": f"{root}/oauth2/v2.0/devicecode",
        }

    def token(self, tenant: str, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        if form.get("grant_type") != "client_credentials" or form.get("client_id") != self.client_id:
            return 400, {"error": "unauthorized_client", "error_description": "AADSTS700016: unknown app"}
        if form.get("client_assertion_type") == ASSERTION_TYPE:
            kind = "certificate"
            if self.certificate_pem is None or not self._assertion_ok(
                tenant, form.get("client_assertion", "")
            ):
                return 401, {"error": "invalid_client", "error_description": "AADSTS700027: bad assertion"}
        else:
            kind = "secret"
            if self.secret is None or form.get("client_secret") != self.secret:
                return 401, {
                    "error": "invalid_client",
                    "error_description": "AADSTS7000215: Invalid client secret provided. Trace ID: x",
                }
        with self.lock:
            access = f"graph-token-{len(self.tokens)}"
            self.tokens.add(access)
            self.grants.append({"scope": form.get("scope", ""), "kind": kind})
        return 200, {
            "token_type": "Bearer",
            "expires_in": 3599,
            "ext_expires_in": 3599,
            "access_token": access,
        }

    def _assertion_ok(self, tenant: str, assertion: str) -> bool:
        assert self.certificate_pem is not None
        public_key = x509.load_pem_x509_certificate(self.certificate_pem.encode()).public_key()
        try:
            claims = jwt.decode(
                assertion,
                public_key,  # type: ignore[arg-type]
                algorithms=["RS256", "PS256"],
                audience=f"{self.base}/{tenant}/oauth2/v2.0/token",
            )
        except jwt.PyJWTError:
            return False
        return bool(claims.get("iss") == claims.get("sub") == self.client_id)

    # -- Graph --------------------------------------------------------------------------------------

    def graph(
        self, path: str, query: dict[str, str], token: str, prefer: str
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        with self.lock:
            if token not in self.tokens:
                return 401, _error("InvalidAuthenticationToken", "Access token is empty."), {}
            if self.failures:
                status, retry_after = self.failures.pop(0)
                return (
                    status,
                    _error("TooManyRequests" if status == 429 else "ServiceUnavailable", "try later"),
                    {"Retry-After": retry_after},
                )
            if 'outlook.timezone="UTC"' not in prefer:
                return 400, _error("BadRequest", "this stand-in answers in UTC only"), {}
            parts = [urllib.parse.unquote(p) for p in path.strip("/").split("/")]
            if len(parts) < 3 or parts[:2] != ["v1.0", "users"]:
                return 404, _error("ResourceNotFound", "Resource not found for the segment."), {}
            mailbox = parts[2]
            if mailbox in self.denied:
                return 403, _error("ErrorAccessDenied", "Access to OData is disabled."), {}
            rest = parts[3:]
            if len(rest) == 2 and rest[0] == "events":
                master = self.masters.get(mailbox, {}).get(rest[1])
                if master is None:
                    return 404, _error("ErrorItemNotFound", "The specified object was not found."), {}
                return 200, master, {}
            if rest == ["calendarView", "delta"]:
                return self._delta(mailbox, "primary", query, prefer)
            if len(rest) == 4 and rest[0] == "calendars" and rest[2:] == ["calendarView", "delta"]:
                return self._delta(mailbox, rest[1], query, prefer)
            return 404, _error("ResourceNotFound", "Resource not found for the segment."), {}

    def _delta(
        self, mailbox: str, calendar: str, query: dict[str, str], prefer: str
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        if (mailbox, calendar) not in self.calendars:
            return 404, _error("ErrorItemNotFound", "The specified object was not found in the store."), {}
        if "$skiptoken" in query:
            state = _decode(query["$skiptoken"])
        elif "$deltatoken" in query:
            state = _decode(query["$deltatoken"])
            if state["snapshot"] < self.oldest_valid:
                return 410, _error("syncStateNotFound", "The sync state generation is not found."), {}
            state = {**state, "since": state["snapshot"], "snapshot": self.version, "offset": 0}
        else:
            try:
                start = _instant(query["startDateTime"])
                end = _instant(query["endDateTime"])
            except (KeyError, ValueError):
                return 400, _error("ErrorInvalidParameter", "startDateTime and endDateTime are required"), {}
            state = {
                "start": start.isoformat(),
                "end": end.isoformat(),
                "since": 0,
                "snapshot": self.version,
                "offset": 0,
            }
        values = self._changed(mailbox, calendar, state)
        size = min(self.page_size, _max_page_size(prefer))
        chunk = values[state["offset"] : state["offset"] + size]
        where = f"{self.link_base or self.base}/v1.0/users/{urllib.parse.quote(mailbox)}/" + (
            "" if calendar == "primary" else f"calendars/{urllib.parse.quote(calendar)}/"
        )
        body: dict[str, Any] = {
            "@odata.context": f"{self.base}/v1.0/$metadata#Collection(event)",
            "value": chunk,
        }
        if state["offset"] + size < len(values):
            body["@odata.nextLink"] = (
                f"{where}calendarView/delta?$skiptoken={_encode({**state, 'offset': state['offset'] + size})}"
            )
        else:
            body["@odata.deltaLink"] = f"{where}calendarView/delta?$deltatoken={_encode(state)}"
        return 200, body, {}

    def _changed(self, mailbox: str, calendar: str, state: dict[str, Any]) -> list[dict[str, Any]]:
        start, end = dt.datetime.fromisoformat(state["start"]), dt.datetime.fromisoformat(state["end"])
        found = []
        for event_id, stored in sorted(self.calendars[(mailbox, calendar)].items()):
            if not state["since"] < stored.version <= state["snapshot"]:
                continue
            inside = not stored.deleted and _overlaps(stored.body, start, end)
            if inside:
                found.append(stored.body)
            elif state["since"]:  # an initial round lists only what is there
                found.append(
                    {
                        "@odata.type": "#microsoft.graph.event",
                        "id": event_id,
                        "@removed": {"reason": "deleted"},
                    }
                )
        return found


def _error(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "innerError": {"request-id": "r"}}}


def _encode(state: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(state).encode()).decode().rstrip("=")


def _decode(token: str) -> dict[str, Any]:
    padded = token + "=" * (-len(token) % 4)
    state: dict[str, Any] = json.loads(base64.urlsafe_b64decode(padded))
    return state


def _instant(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _max_page_size(prefer: str) -> int:
    for part in prefer.split(","):
        name, _, value = part.strip().partition("=")
        if name == "odata.maxpagesize" and value.isdigit():
            return int(value)
    return 10  # Graph's default page size for events


def _overlaps(body: dict[str, Any], start: dt.datetime, end: dt.datetime) -> bool:
    if "dateTime" not in body.get("start", {}) or "dateTime" not in body.get("end", {}):
        return True  # a damaged event is listed as it is
    first = dt.datetime.fromisoformat(body["start"]["dateTime"][:19]).replace(tzinfo=dt.UTC)
    last = dt.datetime.fromisoformat(body["end"]["dateTime"][:19]).replace(tzinfo=dt.UTC)
    return first < end and last > start


class _Handler(BaseHTTPRequestHandler):
    service: FakeGraph

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _send(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _record(self) -> tuple[str, dict[str, str]]:
        parts = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(parts.query))
        with self.service.lock:
            self.service.seen.append(
                Seen(self.command, urllib.parse.unquote(parts.path), query, self.headers.get("Prefer", ""))
            )
        return parts.path, query

    def do_GET(self) -> None:
        started = time.perf_counter()
        try:
            self._get()
        finally:
            with self.service.lock:
                self.service.server_seconds += time.perf_counter() - started

    def _get(self) -> None:
        path, query = self._record()
        segments = path.strip("/").split("/")
        if segments[1:] == ["v2.0", ".well-known", "openid-configuration"]:
            self._send(*self.service.openid_configuration(segments[0]))
            return
        token = self.headers.get("Authorization", "").removeprefix("Bearer ")
        self._send(*self.service.graph(path, query, token, self.headers.get("Prefer", "")))

    def do_POST(self) -> None:
        path, _query = self._record()
        length = int(self.headers.get("Content-Length") or 0)
        form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
        segments = path.strip("/").split("/")
        if segments[1:] != ["oauth2", "v2.0", "token"]:
            self._send(404, {"error": "not_found"})
            return
        self._send(*self.service.token(segments[0], form))


@contextmanager
def serve(service: FakeGraph, ca: TestCA) -> Iterator[str]:
    """Run the stand-in on https://127.0.0.1 (a free port); yields its base URL."""
    handler = type("Handler", (_Handler,), {"service": service})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.socket = ca.server_context().wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    service.base = f"https://127.0.0.1:{server.server_address[1]}"
    try:
        yield service.base
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
