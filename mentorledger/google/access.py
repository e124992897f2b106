"""How a batch reaches Google: credentials, the API endpoint, a request throttle, and HTTP objects.

Kept free of Google imports so that code paths without Google calendars never load them. The Prefect
layer builds one per batch (one thread) and passes a throttle that takes a slot of the run-wide rate
limit; the core itself knows nothing of Prefect. Every calendar gets its own ``httplib2.Http``, so no
HTTP object is ever shared between threads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mentorledger.google.credentials import credentials_from_environment
from mentorledger.retry import Backoff

if TYPE_CHECKING:
    from mentorledger.google.credentials import GoogleCredentials

DEFAULT_TIMEOUT_SECONDS = 60.0
# Google asks clients to back off exponentially on rate limits; a few more tries than for an ICS feed.
GOOGLE_BACKOFF = Backoff(attempts=6, base_seconds=1.0, cap_seconds=32.0)


def rate_limit_shape(requests_per_minute: int) -> tuple[int, float]:
    """(slots, slot decay per second) of a rate limit that admits at most ``requests_per_minute``
    requests in any 60 seconds: a small burst, refilled at the remaining rate. (A budget of 1 per minute
    still needs a positive decay, so it admits 2 in the very first minute.)"""
    burst = max(1, requests_per_minute // 10)
    return burst, max(requests_per_minute - burst, 1) / 60.0


class PrepaidThrottle:
    """A batch's share of the run-wide request budget, acquired per batch rather than per request.

    The first request of a batch takes ``expected`` slots at once (one per Google calendar in it: an
    incremental sync is usually one request per calendar, so one acquisition covers the batch); each
    request beyond them takes one more slot. ``acquire(n)`` blocks until n slots are free; a prepayment
    never exceeds the limit's burst, or it could never be granted."""

    def __init__(self, acquire: Callable[[int], None], *, expected: int, burst: int) -> None:
        self._acquire = acquire
        self._next = max(1, min(expected, burst))
        self._credit = 0

    def __call__(self) -> None:
        if self._credit == 0:
            self._acquire(self._next)
            self._credit, self._next = self._next, 1
        self._credit -= 1


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
