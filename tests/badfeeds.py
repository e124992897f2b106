"""A real loopback HTTP server of bad calendar feeds, each at its own path, and a few good ones.

Every misbehaviour a feed server has been seen to have, on purpose: it hangs, drips one byte a second,
answers 404, 500 or 503 with a long Retry-After, sends a web page, redirects in a loop or to a
private address, sends a 200 MB body (streamed from one small buffer, never built; with and without
a Content-Length), a gzip bomb
(a small body that inflates to 128 MB), or resets the connection. Good feeds are at /good/<n>.ics;
/hop/<n> reaches good feed 9 after n redirects.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.unit.icsbuild import calendar
from tests.unit.support import ANA, BEN

BIG_BYTES = 200 * 2**20
BOMB_BYTES = 128 * 2**20  # past the 100 MiB a feed may be
RETRY_AFTER = 120  # seconds: far past any test budget


def good_feed(n: int) -> bytes:
    """One hour of mentoring of Ben by Ana on day n of October 2025."""
    return calendar(
        f"""UID:good-{n}
        DTSTART;TZID=America/New_York:202510{n + 1:02d}T090000
        DTEND;TZID=America/New_York:202510{n + 1:02d}T100000
        ORGANIZER:mailto:{ANA}
        ATTENDEE;PARTSTAT=ACCEPTED:mailto:{BEN}
        SUMMARY:Check-in"""
    )


@cache
def gzip_bomb() -> bytes:
    """A gzip body of about 600 KB that inflates to BOMB_BYTES of calendar-looking text."""
    packer = zlib.compressobj(1, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"BEGIN:VCALENDAR\r\n" + b"X" * (2**20 - 17)
    parts = [packer.compress(block) for _ in range(BOMB_BYTES // len(block))]
    return b"".join([*parts, packer.flush()])


@dataclass
class BadFeeds:
    port: int
    stop: threading.Event

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


PATHS = (
    "/hang.ics",
    "/drip.ics",
    "/missing.ics",
    "/error.ics",
    "/busy.ics",
    "/page.ics",
    "/loop.ics",
    "/offhost.ics",
    "/big.ics",
    "/big-unsized.ics",
    "/bomb.ics",
    "/reset.ics",
)


def _handler(stop: threading.Event) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            routes: dict[str, Callable[[], None]] = {
                "/hang.ics": self._hang,
                "/drip.ics": self._drip,
                "/missing.ics": lambda: self._status(404),
                "/error.ics": lambda: self._status(500),
                "/busy.ics": lambda: self._status(503, ("Retry-After", str(RETRY_AFTER))),
                "/page.ics": lambda: self._body(b"<html><body>Sign in</body></html>", "text/html"),
                "/loop.ics": lambda: self._redirect("/loop-again.ics"),
                "/loop-again.ics": lambda: self._redirect("/loop.ics"),
                "/offhost.ics": lambda: self._redirect("http://10.0.0.1/feed.ics"),
                "/big.ics": self._big,
                "/big-unsized.ics": lambda: self._big(sized=False),
                "/bomb.ics": lambda: self._body(gzip_bomb(), "text/calendar", gzip=True),
                "/reset.ics": self._reset,
            }
            if self.path.startswith("/hop/"):  # /hop/<n> redirects n times, then serves good feed 9
                left = int(self.path.split("/")[2])
                self._redirect(f"/hop/{left - 1}" if left else "/good/9.ics")
            elif self.path.startswith("/good/"):
                self._body(good_feed(int(self.path.split("/")[2].split(".")[0])), "text/calendar")
            else:
                routes.get(self.path, lambda: self._status(404))()

        def _status(self, status: int, *header: tuple[str, str]) -> None:
            self.send_response(status)
            for name, value in header:
                self.send_header(name, value)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _body(self, body: bytes, kind: str, *, gzip: bool = False) -> None:
            self.send_response(200)
            self.send_header("Content-Type", kind)
            if gzip:
                self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _redirect(self, location: str) -> None:
            self.send_response(302)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _hang(self) -> None:
            stop.wait(120)

        def _drip(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/calendar")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            for byte in b"BEGIN:VCALENDAR\r\n" * 1000:
                if stop.wait(1.0):
                    return
                self.wfile.write(bytes([byte]))
                self.wfile.flush()

        def _big(self, *, sized: bool = True) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/calendar")
            if sized:
                self.send_header("Content-Length", str(BIG_BYTES))
            else:  # the size is only known by reading to the end: the reader must stop on its own
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            block = b"X" * 2**20
            for _ in range(BIG_BYTES // len(block)):
                if stop.is_set():
                    return
                self.wfile.write(block)

        def _reset(self) -> None:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True

        def log_message(self, *args: object) -> None:
            pass

        def handle(self) -> None:
            with contextlib.suppress(OSError):  # the client gave up on us: that is the point
                super().handle()

    return Handler


@contextmanager
def bad_feed_server() -> Iterator[BadFeeds]:
    gzip_bomb()  # built before the clock of any test starts
    stop = threading.Event()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(stop))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield BadFeeds(server.server_address[1], stop)
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
        time.sleep(0)  # let handler threads see the stop
