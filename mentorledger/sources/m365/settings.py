"""Where the app's tokens and Graph's answers come from: the ``microsoft:`` section, overridden by
``MENTORLEDGER_MICROSOFT_AUTHORITY`` and ``MENTORLEDGER_MICROSOFT_GRAPH_ENDPOINT`` (proxies, tests).
Both must be HTTPS: msal refuses anything else, and a bearer token never travels in clear text."""

from __future__ import annotations

import os
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass

from mentorledger.config import Config, MicrosoftSettings
from mentorledger.errors import SourceError

AUTHORITY_ENV = "MENTORLEDGER_MICROSOFT_AUTHORITY"
GRAPH_ENDPOINT_ENV = "MENTORLEDGER_MICROSOFT_GRAPH_ENDPOINT"
DEFAULT_AUTHORITY = "https://login.microsoftonline.com"
# Graph's own hosts (global and national clouds) are their tokens' audience; any other host (a proxy,
# a test stand-in) forwards to global Graph, whose audience its tokens must carry.
GRAPH_HOSTS = frozenset(
    {"graph.microsoft.com", "graph.microsoft.us", "dod-graph.microsoft.us", "microsoftgraph.chinacloudapi.cn"}
)


@dataclass(frozen=True, slots=True)
class Endpoints:
    authority: str  # e.g. https://login.microsoftonline.com (no tenant, no trailing slash)
    graph: str  # e.g. https://graph.microsoft.com/v1.0/ (always with a trailing slash)
    scope: str  # e.g. https://graph.microsoft.com/.default
    tenant_id: str
    client_id: str
    requests_per_minute: int

    @property
    def tenant_authority(self) -> str:
        return f"{self.authority}/{self.tenant_id}"

    @property
    def custom_authority(self) -> bool:
        """A national cloud, an offline stand-in: msal must not ask login.microsoftonline.com about it."""
        return self.authority.lower() != DEFAULT_AUTHORITY


def settings_of(config: Config) -> MicrosoftSettings:
    if config.microsoft is None:
        raise SourceError("a Microsoft 365 calendar needs the microsoft: section (tenant_id, client_id)")
    return config.microsoft


def endpoints(config: Config, environ: Mapping[str, str] | None = None) -> Endpoints:
    env = os.environ if environ is None else environ
    settings = settings_of(config)
    authority = _https(env.get(AUTHORITY_ENV, "").strip() or settings.authority, AUTHORITY_ENV).rstrip("/")
    graph = _https(env.get(GRAPH_ENDPOINT_ENV, "").strip() or settings.graph_endpoint, GRAPH_ENDPOINT_ENV)
    configured = urllib.parse.urlsplit(settings.graph_endpoint)
    audience = configured.hostname if configured.hostname in GRAPH_HOSTS else "graph.microsoft.com"
    return Endpoints(
        authority=authority,
        graph=graph if graph.endswith("/") else graph + "/",
        scope=f"https://{audience}/.default",
        tenant_id=settings.tenant_id,
        client_id=settings.client_id,
        requests_per_minute=settings.requests_per_minute,
    )


def _https(url: str, variable: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() != "https" or not parts.hostname:
        raise SourceError(
            f"{url!r} is not an https URL; Microsoft endpoints are HTTPS only (check {variable})"
        )
    return url
