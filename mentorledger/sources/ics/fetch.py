"""Fetching ICS feeds: local files and http(s) URLs, with conditional GET.

A feed that has not changed since the last sync answers 304 (or has the same content hash), so the
sync can skip parsing it. Private feed URLs carry secret tokens: they are never logged, only
``redact_url`` forms are.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import httpx

from mentorledger import __version__
from mentorledger.errors import SourceError
from mentorledger.redaction import redact_url

MAX_FEED_BYTES = 100 * 1024 * 1024
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)


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
    return Fetched(data, Validators(), content_hash(data))


def fetch_url(url: str, previous: Validators, client: httpx.Client) -> Fetched:
    """GET a feed, conditionally; raise SourceError (retryable for timeouts, 429 and 5xx)."""
    headers = {"User-Agent": f"mentorledger/{__version__}", "Accept": "text/calendar, */*;q=0.5"}
    if previous.etag:
        headers["If-None-Match"] = previous.etag
    if previous.last_modified:
        headers["If-Modified-Since"] = previous.last_modified
    where = redact_url(url)
    try:
        with client.stream("GET", url, headers=headers) as response:
            if response.status_code == 304:
                return Fetched(None, previous, None)
            _raise_for_status(response, where)
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > MAX_FEED_BYTES:
                    raise SourceError(
                        f"{where} is larger than {MAX_FEED_BYTES // 2**20} MiB; not a calendar feed?"
                    )
                chunks.append(chunk)
            data = b"".join(chunks)
            validators = Validators(response.headers.get("ETag"), response.headers.get("Last-Modified"))
    except httpx.TimeoutException:
        raise SourceError(f"{where} timed out", retryable=True) from None
    except httpx.TransportError as exc:
        raise SourceError(f"cannot reach {where} ({exc.__class__.__name__})", retryable=True) from None
    return Fetched(data, validators, content_hash(data))


def _raise_for_status(response: httpx.Response, where: str) -> None:
    status = response.status_code
    if status < 400:
        return
    if status in (401, 403):
        raise SourceError(f"{where} refused access (HTTP {status}); check that the feed URL is current")
    if status in (404, 410):
        raise SourceError(f"{where} has no calendar at that address (HTTP {status}); check the feed URL")
    if status == 429 or status >= 500:
        raise SourceError(f"{where} answered HTTP {status}", retryable=True)
    raise SourceError(f"{where} answered HTTP {status}")


def new_http_client() -> httpx.Client:
    """One client per batch of calendars: connection reuse without sharing across threads."""
    return httpx.Client(timeout=DEFAULT_TIMEOUT, follow_redirects=True, max_redirects=5)
