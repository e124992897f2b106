"""The three REPORTs a calendar read needs, built with the ``caldav`` library's elements and sent
with its client (authentication, Basic sent up front so a quiet sync is one request, Digest when
the server asks for it):

- ``sync-collection`` (RFC 6578): what changed since a sync token (everything, without one), as
  hrefs with ETags; a deleted resource comes back as a 404 status.
- ``calendar-query`` with a time range (RFC 4791 7.8): the resources that overlap the window, with
  their ETags and, when asked, their data.
- ``calendar-multiget`` (RFC 4791 7.9): the data of the given resources, in chunks.
"""

from __future__ import annotations

import datetime as dt
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import requests
from caldav import DAVClient
from caldav.elements import cdav, dav
from caldav.lib import error

from mentorledger.errors import SourceError
from mentorledger.sources.trust import verify_for_requests

MULTIGET_CHUNK = 100
TIMEOUT_SECONDS = 60


class SyncTokenInvalidError(Exception):
    """The server no longer knows the sync token (or does not offer sync-collection at all)."""


@dataclass(slots=True)
class Listing:
    """What a REPORT found: href -> ETag (and data, when asked), hrefs gone, the new sync token."""

    etags: dict[str, str] = field(default_factory=dict)
    data: dict[str, str] = field(default_factory=dict)
    gone: set[str] = field(default_factory=set)
    sync_token: str | None = None


class Collection:
    """One calendar collection on one server, with one HTTP session (per batch, per server login)."""

    def __init__(self, client: DAVClient, url: str) -> None:
        self._client = client
        self.url = url if url.endswith("/") else url + "/"
        self.path = urllib.parse.urlsplit(self.url).path
        self.requests = 0

    def sync_collection(self, token: str | None) -> Listing:
        body = _xml(
            dav.SyncCollection(),
            dav.SyncToken(value=token or ""),
            dav.SyncLevel(value="1"),
            _xml(dav.Prop(), dav.GetEtag()),
        )
        try:
            response = self._report(body, depth=0)
        except error.AuthorizationError:
            raise SyncTokenInvalidError from None  # RFC 6578: 403 with DAV:valid-sync-token
        if response.status >= 400:  # 403/409 valid-sync-token, or no sync-collection at all
            raise SyncTokenInvalidError
        listing = self._listing(response, with_data=False)
        listing.sync_token = getattr(response, "sync_token", None) or listing.sync_token
        if not listing.sync_token:
            raise SyncTokenInvalidError  # a server that answers without a token cannot sync incrementally
        return listing

    def in_window(self, start: dt.datetime, end: dt.datetime, *, with_data: bool) -> Listing:
        prop = _xml(dav.Prop(), dav.GetEtag(), *([cdav.CalendarData()] if with_data else []))
        events = _xml(cdav.CompFilter("VEVENT"), cdav.TimeRange(start, end))
        query = _xml(
            cdav.CalendarQuery(), prop, _xml(cdav.Filter(), _xml(cdav.CompFilter("VCALENDAR"), events))
        )
        response = self._report(query, depth=1)
        _raise_for_status(response.status, self.url)
        return self._listing(response, with_data=with_data)

    def multiget(self, hrefs: Iterable[str]) -> Listing:
        found = Listing()
        wanted = sorted(set(hrefs))
        for i in range(0, len(wanted), MULTIGET_CHUNK):
            chunk = [
                dav.Href(value=urllib.parse.quote(h, safe="/@:+,;=~")) for h in wanted[i : i + MULTIGET_CHUNK]
            ]
            body = _xml(cdav.CalendarMultiGet(), _xml(dav.Prop(), dav.GetEtag(), cdav.CalendarData()), *chunk)
            response = self._report(body, depth=1)
            _raise_for_status(response.status, self.url)
            part = self._listing(response, with_data=True)
            found.etags.update(part.etags)
            found.data.update(part.data)
            found.gone |= part.gone
        return found

    def _report(self, root: Any, *, depth: int) -> Any:
        body = str(root)  # the element tree as an XML document
        self.requests += 1
        try:
            return self._client.report(self.url, body, depth)
        except error.AuthorizationError:
            raise
        except requests.Timeout:
            raise SourceError(f"{_where(self.url)} timed out", retryable=True) from None
        except requests.RequestException as exc:
            raise SourceError(
                f"cannot reach {_where(self.url)} ({exc.__class__.__name__})", retryable=True
            ) from None

    def _listing(self, response: Any, *, with_data: bool) -> Listing:
        listing = Listing()
        props = [dav.GetEtag(), *([cdav.CalendarData()] if with_data else [])]
        objects = response.expand_simple_props(props)
        statuses: dict[str, str | None] = getattr(response, "statuses", {})
        for href, values in objects.items():
            if href.rstrip("/") == self.path.rstrip("/"):
                continue  # some servers list the collection itself
            status = statuses.get(href) or ""
            if " 404 " in f" {status} ":
                listing.gone.add(href)
                continue
            etag = values.get(dav.GetEtag.tag)
            if etag:
                listing.etags[href] = etag
            data = values.get(cdav.CalendarData.tag)
            if data:
                listing.data[href] = data
        return listing


def _xml(parent: Any, *children: Any) -> Any:
    """An element of the caldav library with its children (its own ``+`` reads as list concatenation)."""
    for child in children:
        parent.append(child)
    return parent


def _where(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}/…"


def _raise_for_status(status: int, url: str) -> None:
    if status < 400:
        return
    if status == 404:
        raise SourceError(
            f"{_where(url)} has no calendar collection at that URL (HTTP 404); check the caldav URL"
        )
    if status == 429 or status >= 500:
        raise SourceError(f"{_where(url)} answered HTTP {status}", retryable=True)
    raise SourceError(f"{_where(url)} refused the calendar query (HTTP {status}); check the caldav URL")


def new_client(url: str, username: str | None, password: str | None) -> DAVClient:
    """A client for one server login. With credentials, Basic is sent with the first request (one
    round trip per quiet sync); a server that wants Digest answers 401 and the client switches."""
    auth = requests.auth.HTTPBasicAuth(username, password) if username and password else None
    return DAVClient(
        url=url,
        username=username,
        password=password,
        auth=auth,
        timeout=TIMEOUT_SECONDS,
        ssl_verify_cert=verify_for_requests(),
    )
