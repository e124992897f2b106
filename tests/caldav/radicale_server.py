"""A real Radicale CalDAV server for tests, in this process, on 127.0.0.1 and a free port.

Radicale's WSGI application is served by the standard library's threading WSGI server; a thin
middleware in front counts every request (method, path, REPORT kind) and can hide ``sync-collection``
the way servers without RFC 6578 answer it, to exercise the ETag fallback."""

from __future__ import annotations

import socketserver
import threading
import time
import wsgiref.simple_server
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import radicale
import radicale.config
import requests

REPORT_KINDS = ("sync-collection", "calendar-query", "calendar-multiget")


@dataclass
class Radicale:
    base: str
    seen: list[tuple[str, str, str]] = field(default_factory=list)  # (method, path, REPORT kind)
    hide_sync_collection: bool = False
    server_seconds: float = 0.0  # time spent inside Radicale, for benchmarks that subtract it

    def reports(self) -> list[str]:
        return [kind for method, _path, kind in self.seen if method == "REPORT"]


class _Server(socketserver.ThreadingMixIn, wsgiref.simple_server.WSGIServer):
    daemon_threads = True


class _Quiet(wsgiref.simple_server.WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def _middleware(app: Any, state: Radicale) -> Callable[..., Iterable[bytes]]:
    def wrapped(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        kind = ""
        if environ["REQUEST_METHOD"] == "REPORT":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length)
            import io

            environ["wsgi.input"] = io.BytesIO(body)
            kind = next((k for k in REPORT_KINDS if k.encode() in body), "other")
            if kind == "sync-collection" and state.hide_sync_collection:
                state.seen.append(("REPORT", environ["PATH_INFO"], kind))
                start_response("403 Forbidden", [("Content-Type", "text/plain")])
                return [b"sync-collection is not supported"]
        state.seen.append((environ["REQUEST_METHOD"], environ["PATH_INFO"], kind))
        started = time.perf_counter()
        result = list(app(environ, start_response))
        state.server_seconds += time.perf_counter() - started
        return result

    return wrapped


@contextmanager
def radicale_server(root: Path, users: dict[str, str] | None) -> Iterator[Radicale]:
    """Radicale storing under ``root``; ``users`` (name -> password, Basic auth, each owning
    /<name>/) or None for a server without authentication."""
    root.mkdir(parents=True, exist_ok=True)
    settings: dict[str, dict[str, Any]] = {
        "storage": {"filesystem_folder": str(root / "collections")},
        "logging": {"level": "warning", "mask_passwords": "True"},
    }
    if users is None:
        settings["auth"] = {"type": "none"}
        rights = root / "rights"
        rights.write_text("[anyone]\nuser: .*\ncollection: .*\npermissions: RrWw\n", encoding="utf-8")
        settings["rights"] = {"type": "from_file", "file": str(rights)}
    else:
        (root / "users").write_text("".join(f"{u}:{p}\n" for u, p in users.items()), encoding="utf-8")
        settings["auth"] = {
            "type": "htpasswd",
            "htpasswd_filename": str(root / "users"),
            "htpasswd_encryption": "plain",
        }
        settings["rights"] = {"type": "owner_only"}
    configuration = radicale.config.load([])
    configuration.update(settings, "test", privileged=True)
    server = wsgiref.simple_server.make_server(
        "127.0.0.1", 0, radicale.Application(configuration), server_class=_Server, handler_class=_Quiet
    )
    state = Radicale(f"http://127.0.0.1:{server.server_address[1]}")
    server.set_app(_middleware(server.get_app(), state))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def make_calendar(base: str, path: str, auth: tuple[str, str] | None) -> str:
    """MKCALENDAR ``path`` (e.g. /ana/work/); returns the collection URL."""
    url = f"{base}{path}"
    body = (
        '<?xml version="1.0" encoding="utf-8"?><C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">'
        "<D:set><D:prop><D:displayname>test</D:displayname></D:prop></D:set></C:mkcalendar>"
    )
    response = requests.request("MKCALENDAR", url, data=body, auth=auth, timeout=10)
    assert response.status_code == 201, response.text
    return url


def put_resource(collection: str, name: str, ics: str, auth: tuple[str, str] | None) -> None:
    response = requests.put(
        f"{collection}{name}",
        data=ics.encode(),
        headers={"Content-Type": "text/calendar"},
        auth=auth,
        timeout=10,
    )
    assert response.status_code in (201, 204), response.text


def delete_resource(collection: str, name: str, auth: tuple[str, str] | None) -> None:
    response = requests.delete(f"{collection}{name}", auth=auth, timeout=10)
    assert response.status_code in (200, 204), response.text
