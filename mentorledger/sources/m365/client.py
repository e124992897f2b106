"""Talking to Graph v1.0 over httpx: a bearer token, times in UTC, page size, retries.

Every request asks ``Prefer: outlook.timezone="UTC"`` (so times need no zone lookup) and
``odata.maxpagesize``. Links Graph returns (``@odata.nextLink``, ``@odata.deltaLink``) are followed
only on the configured endpoint: the token is never sent anywhere else. Before each request the
client takes a slot of the run's request budget and of the mailbox's own limits.
"""

from __future__ import annotations

import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx

from mentorledger import __version__
from mentorledger.errors import SourceError
from mentorledger.retry import Backoff, call_with_retries
from mentorledger.sources.m365.credentials import TokenSource
from mentorledger.sources.m365.failures import GraphError, retry_hint
from mentorledger.sources.m365.limits import limiter_for
from mentorledger.sources.m365.settings import GRAPH_HOSTS
from mentorledger.sources.trust import verify_for_httpx

PAGE_SIZE = 200
TIMEOUT = httpx.Timeout(60.0, connect=10.0)
PREFER = f'outlook.timezone="UTC", odata.maxpagesize={PAGE_SIZE}'


@dataclass(frozen=True, slots=True)
class Page:
    values: list[dict[str, Any]]
    next_link: str | None
    delta_link: str | None


class GraphClient:
    """One per batch (one thread): an httpx client, the app's token source and the batch's throttle."""

    def __init__(
        self,
        endpoint: str,
        tokens: TokenSource,
        *,
        throttle: Callable[[], None],
        backoff: Backoff,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.endpoint = endpoint
        self.graph_hosts = GRAPH_HOSTS | {urllib.parse.urlsplit(endpoint).hostname}
        self._tokens = tokens
        self._throttle = throttle
        self._backoff = backoff
        self._sleep = sleep
        self._http: httpx.Client | None = None
        self.requests = 0

    def on_endpoint(self, url: str) -> str | None:
        """The link to follow for a link Graph returned: as it is on the configured endpoint; moved onto
        it when it names Graph itself (behind a proxy, Graph's links name Graph); None otherwise, so the
        token never goes anywhere else."""
        if url.startswith(self.endpoint):
            return url
        parts, base = urllib.parse.urlsplit(url), urllib.parse.urlsplit(self.endpoint)
        version = "/" + base.path.strip("/").split("/")[-1] + "/"  # e.g. /v1.0/
        at = parts.path.find(version)
        if parts.scheme != "https" or parts.hostname not in self.graph_hosts or at < 0:
            return None
        rest = parts.path[at + len(version) :]
        return self.endpoint + rest + (f"?{parts.query}" if parts.query else "")

    def pages(self, url: str, *, mailbox: str) -> Iterator[Page]:
        """Every page from ``url`` on, until the one with the delta link."""
        while True:
            body = self.get(url, mailbox=mailbox)
            values = [v for v in body.get("value") or () if isinstance(v, dict)]
            page = Page(values, _link(body, "@odata.nextLink"), _link(body, "@odata.deltaLink"))
            yield page
            if page.next_link is None:
                return
            follow = self.on_endpoint(page.next_link)
            if follow is None:
                raise SourceError("Microsoft Graph sent a next-page link outside the configured endpoint")
            url = follow

    def get(self, url: str, *, mailbox: str) -> dict[str, Any]:
        def attempt() -> dict[str, Any]:
            self._throttle()
            with limiter_for(mailbox).request():
                self.requests += 1
                response = self._client().get(
                    url, headers={"Authorization": f"Bearer {self._tokens.token()}", "Prefer": PREFER}
                )
            if response.status_code >= 400:
                raise GraphError.of(response)
            try:
                body: Any = response.json()
            except ValueError:
                body = None
            if not isinstance(body, dict):
                raise SourceError("Microsoft Graph answered with something other than a JSON object")
            return body

        return call_with_retries(attempt, policy=self._backoff, retry_after=retry_hint, sleep=self._sleep)

    def _client(self) -> httpx.Client:
        if self._http is None:
            # Proxy variables are honoured (trust_env); the CA bundle is whichever the environment names.
            self._http = httpx.Client(
                timeout=TIMEOUT,
                headers={"User-Agent": f"mentorledger/{__version__}", "Accept": "application/json"},
                follow_redirects=False,
                verify=verify_for_httpx(),
            )
        return self._http

    def close(self) -> None:
        if self._http is not None:
            self._http.close()


def _link(body: dict[str, Any], key: str) -> str | None:
    value = body.get(key)
    return value if isinstance(value, str) and value else None
