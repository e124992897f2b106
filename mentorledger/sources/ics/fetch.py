"""Fetching ICS feeds: local files and http(s) URLs, with conditional GET, within bounds.

A feed that has not changed since the last sync answers 304 (or has the same content hash), so the
sync can skip parsing it. Private feed URLs carry secret tokens: they are never logged, only
``redact_url`` forms are.

Every download is bounded (``FetchLimits``): a wall-clock deadline for the whole download (a feed that
trickles one byte a second is cut off, not only one that stops), at most ``MAX_FEED_BYTES`` after
decompression (a gzip bomb is cut off as it inflates, never held whole), a few redirects (never from
https to http, loops named as such), and only public addresses unless the configuration allows others.
"""

from __future__ import annotations

import email.utils
import hashlib
import time
import urllib.parse
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from mentorledger import __version__
from mentorledger.errors import SourceError
from mentorledger.redaction import redact_url
from mentorledger.sources.ics.addresses import Networks, check_public_host
from mentorledger.workers import enter_phase

MAX_FEED_BYTES = 100 * 1024 * 1024
READ_TIMEOUT = 30.0  # seconds one read may wait for bytes (the deadline bounds the whole download)
CONNECT_TIMEOUT = 10.0
_CHUNK = 64 * 1024


@dataclass(frozen=True, slots=True)
class FetchLimits:
    """The bounds of one download: ``seconds`` of wall clock from ``started`` (monotonic), redirects,
    whether private addresses may be reached, and the largest body accepted after decompression."""

    seconds: float = 60.0
    max_redirects: int = 5
    allow_private_addresses: bool | Networks = False  # True: any; a list: these networks
    max_bytes: int = MAX_FEED_BYTES
    started: float = field(default_factory=time.monotonic)

    def remaining(self) -> float:
        return self.seconds - (time.monotonic() - self.started)

    def check(self, where: str) -> None:
        if self.remaining() <= 0:
            raise self.too_slow(where)

    def too_slow(self, where: str) -> SourceError:
        return SourceError(
            f"{where} took longer than {self.seconds:g} s to download; the other calendars were synced "
            "(a very slow or stalled feed; try it in a browser, or raise sync.fetch_seconds)"
        )

    def timeout(self) -> httpx.Timeout:
        left = max(0.01, self.remaining())
        return httpx.Timeout(min(READ_TIMEOUT, left), connect=min(CONNECT_TIMEOUT, left))


@dataclass(frozen=True, slots=True)
class Validators:
    """What the server told us last time, for a conditional GET."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class Fetched:
    content: bytes | None  # None: the server said 304 Not Modified
    validators: Validators
    content_hash: str | None

    @property
    def not_modified(self) -> bool:
        return self.content is None


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fetch_file(path: str) -> Fetched:
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise SourceError(f"calendar file not found: {path}") from None
    except OSError as exc:
        raise SourceError(f"cannot read calendar file {path}: {exc.strerror or exc}") from None
    enter_phase("parse")
    return Fetched(data, Validators(), content_hash(data))


def fetch_url(
    url: str, previous: Validators, client: httpx.Client, limits: FetchLimits | None = None
) -> Fetched:
    """GET a feed, conditionally, within ``limits``; raise SourceError (retryable for timeouts, 429
    and 5xx; ``retry_after`` carries a server's Retry-After in seconds)."""
    limits = limits or FetchLimits()
    headers = {
        "User-Agent": f"mentorledger/{__version__}",
        "Accept": "text/calendar, */*;q=0.5",
        "Accept-Encoding": "gzip, deflate",
    }
    if previous.etag:
        headers["If-None-Match"] = previous.etag
    if previous.last_modified:
        headers["If-Modified-Since"] = previous.last_modified
    where = redact_url(url)
    try:
        current, seen = url, {url}
        for _ in range(limits.max_redirects + 1):
            _check_target(current, limits, where)
            request = client.build_request("GET", current, headers=headers, timeout=limits.timeout())
            response = client.send(request, stream=True)
            try:
                location = _redirect_target(response)
                if location is None:
                    return _answer(response, previous, limits, where)
            finally:
                response.close()
            current = _next_hop(current, location, seen, where)
    except httpx.TimeoutException:
        if limits.remaining() <= 0:
            raise limits.too_slow(where) from None
        raise SourceError(f"{where} timed out", retryable=True) from None
    except httpx.TransportError as exc:
        raise SourceError(f"cannot reach {where} ({exc.__class__.__name__})", retryable=True) from None
    raise SourceError(
        f"{where} redirected more than {limits.max_redirects} times; configure the feed's final address"
    )


def _answer(response: httpx.Response, previous: Validators, limits: FetchLimits, where: str) -> Fetched:
    """What a final (non-redirect) response holds: not modified, an error, or the feed's bytes."""
    if response.status_code == 304:
        enter_phase("parse")
        return Fetched(None, previous, None)
    _raise_for_status(response, where)
    _refuse_web_page(response, where)
    data = _read_body(response, limits, where)
    enter_phase("parse")  # downloaded: the parse budget starts now
    validators = Validators(response.headers.get("ETag"), response.headers.get("Last-Modified"))
    return Fetched(data, validators, content_hash(data))


def _check_target(url: str, limits: FetchLimits, where: str) -> None:
    """Before each request: time is left, and the host is public unless private ones are allowed."""
    limits.check(where)
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SourceError(f"{where} leads to {parts.scheme or 'no'}: address; only http(s) feeds are read")
    allowed = limits.allow_private_addresses
    if allowed is not True:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        check_public_host(parts.hostname, port, where, allowed or ())


def _redirect_target(response: httpx.Response) -> str | None:
    if response.status_code in (301, 302, 303, 307, 308) and "Location" in response.headers:
        return response.headers["Location"]
    return None


def _next_hop(current: str, location: str, seen: set[str], where: str) -> str:
    """The absolute URL a redirect points to; refused if it goes from https to http or loops."""
    target = str(httpx.URL(current).join(location))
    if current.startswith("https:") and not target.startswith("https:"):
        raise SourceError(f"{where} redirects from https to plain http; refused (configure an https feed)")
    if target in seen:
        raise SourceError(f"{where} redirects in a loop; the feed's server is misconfigured")
    seen.add(target)
    return target


def _refuse_web_page(response: httpx.Response, where: str) -> None:
    kind = response.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()
    if kind in ("text/html", "application/xhtml+xml"):
        raise SourceError(
            f"{where} answered with a web page ({kind}), not a calendar; check the feed URL "
            "(a sign-in page or an expired link?)"
        )


def _read_body(response: httpx.Response, limits: FetchLimits, where: str) -> bytes:
    """The body, decompressed as it arrives; cut off past the deadline or ``limits.max_bytes``."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limits.max_bytes:  # said so up front: do not download it
        raise SourceError(f"{where} is larger than {limits.max_bytes // 2**20} MiB; not a calendar feed?")
    chunks: list[bytes] = []
    size = 0
    for chunk in _decoded(response, limits.max_bytes + 1):
        limits.check(where)
        size += len(chunk)
        if size > limits.max_bytes:
            raise SourceError(
                f"{where} is larger than {limits.max_bytes // 2**20} MiB (after decompression); "
                "not a calendar feed?"
            )
        chunks.append(chunk)
    limits.check(where)
    return b"".join(chunks)


def _decoded(response: httpx.Response, cap: int) -> Iterator[bytes]:
    """The raw body through gzip/deflate if the server said so, never inflating more than ``cap``
    bytes from one input chunk (so a few KB cannot become gigabytes in memory at once)."""
    encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
    if encoding in ("", "identity"):
        yield from response.iter_raw()
        return
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise SourceError(f"{redact_url(str(response.url))} sent an unsupported encoding {encoding!r}")
    inflater = zlib.decompressobj(32 + zlib.MAX_WBITS)  # gzip or zlib header, detected
    produced = 0
    try:
        for raw in response.iter_raw():
            pending = raw
            while pending and produced <= cap:
                out = inflater.decompress(pending, _CHUNK)
                pending = inflater.unconsumed_tail
                produced += len(out)
                if out:
                    yield out
                elif not pending:
                    break
        yield inflater.flush()
    except zlib.error:
        raise SourceError(f"{redact_url(str(response.url))} sent a damaged compressed body") from None


def _raise_for_status(response: httpx.Response, where: str) -> None:
    status = response.status_code
    if status < 400:
        return
    if status in (401, 403):
        raise SourceError(f"{where} refused access (HTTP {status}); check that the feed URL is current")
    if status in (404, 410):
        raise SourceError(f"{where} has no calendar at that address (HTTP {status}); check the feed URL")
    if status == 429 or status >= 500:
        wait = retry_after_seconds(response.headers.get("Retry-After"))
        asks = f"; it asks to retry after {wait:g} s" if wait is not None else ""
        raise SourceError(f"{where} answered HTTP {status}{asks}", retryable=True, retry_after=wait)
    raise SourceError(f"{where} answered HTTP {status}")


def new_http_client() -> httpx.Client:
    """One client per batch of calendars: connection reuse without sharing across threads."""
    return httpx.Client(timeout=httpx.Timeout(READ_TIMEOUT, connect=CONNECT_TIMEOUT), follow_redirects=False)


def retry_after_seconds(value: str | None) -> float | None:
    """A Retry-After header in seconds (delta-seconds or an HTTP date); None if absent or unreadable."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
