"""How a batch reaches Google: credentials, a request throttle, and HTTP objects.

Kept free of Google imports so that code paths without Google calendars never load them. One is built
per batch (one thread), with a throttle that takes slots of the run-wide request budget through the
runtime the orchestration layer provides. Every calendar gets its own ``httplib2.Http``, so no HTTP
object is ever shared between threads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mentorledger.retry import Backoff
from mentorledger.sources.google.credentials import credentials_from_environment

if TYPE_CHECKING:
    from mentorledger.sources.google.credentials import GoogleCredentials

DEFAULT_TIMEOUT_SECONDS = 60.0
# Google asks clients to back off exponentially on rate limits; a few more tries than for an ICS feed.
GOOGLE_BACKOFF = Backoff(attempts=6, base_seconds=1.0, cap_seconds=32.0)


def no_throttle() -> None:
    """The throttle outside Prefect (tests, library use): no run-wide budget to respect."""


@dataclass(slots=True)
class GoogleAccess:
    """What syncing Google calendars needs beyond the configuration. ``load_credentials`` is called at
    most once per successful load; ``http_for`` returns a fresh authorised HTTP object for an owner
    (tests pass one that serves canned responses). ``backoff`` None means the batch's policy."""

    load_credentials: Callable[[], GoogleCredentials] = credentials_from_environment
    throttle: Callable[[], None] = no_throttle
    http_for: Callable[[GoogleCredentials, str], Any] | None = None
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS
    backoff: Backoff | None = None
    _credentials: GoogleCredentials | None = field(default=None, init=False, repr=False)
    _per_owner: dict[str, Any] = field(default_factory=dict, init=False, repr=False)

    def credentials(self) -> GoogleCredentials:
        if self._credentials is None:
            self._credentials = self.load_credentials()
        return self._credentials

    def http(self, owner: str) -> Any:
        """A new HTTP object for one calendar of ``owner``, authorised as the owner."""
        credentials = self.credentials()
        if self.http_for is not None:
            return self.http_for(credentials, owner)
        import google_auth_httplib2
        import httplib2

        # An owner's access token is reused by their other calendars in this batch; the HTTP object is not.
        if owner not in self._per_owner:
            self._per_owner[owner] = credentials.for_owner(owner)
        return google_auth_httplib2.AuthorizedHttp(
            self._per_owner[owner], http=httplib2.Http(timeout=self.timeout_seconds)
        )
