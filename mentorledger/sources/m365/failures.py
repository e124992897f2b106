"""What Graph's errors mean for one calendar, in one line that says what to fix.

Retried (with ``Retry-After``): 429, 503, 504 and other 5xx, timeouts and dropped connections. A
delta link Graph no longer knows (410 Gone, or ``syncStateNotFound`` / ``resyncRequired``) is not an
error: the calendar is read in full again. Messages carry Graph's error code, never a body's text.
"""

from __future__ import annotations

from typing import Any

import httpx

from mentorledger.errors import SourceError

RESYNC_CODES = frozenset({"syncstatenotfound", "resyncrequired", "syncstateinvalid"})
PERMISSION = "Calendars.ReadBasic.All (or Calendars.Read) application permission with admin consent"


class DeltaExpiredError(Exception):
    """The stored delta link is no longer valid: read the calendar in full."""


class GraphError(Exception):
    """A Graph response that is not a success, with its status, error code and Retry-After."""

    def __init__(self, status: int, code: str, retry_after: float | None) -> None:
        super().__init__(f"HTTP {status} {code}")
        self.status = status
        self.code = code
        self.retry_after = retry_after

    @classmethod
    def of(cls, response: httpx.Response) -> GraphError:
        code = ""
        try:
            body: Any = response.json()
            error = body.get("error") if isinstance(body, dict) else None
            if isinstance(error, dict) and isinstance(error.get("code"), str):
                code = error["code"][:80]
        except ValueError:
            pass
        return cls(response.status_code, code, _seconds(response.headers.get("Retry-After")))

    @property
    def resync(self) -> bool:
        return self.status == 410 or self.code.lower() in RESYNC_CODES

    @property
    def retryable(self) -> bool:
        return self.status == 429 or self.status >= 500


def _seconds(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None


def retry_hint(exc: BaseException) -> float | None:
    """For ``call_with_retries``: the seconds Graph asked for (0 = no hint), or None: do not retry."""
    if isinstance(exc, GraphError):
        return (exc.retry_after or 0.0) if exc.retryable else None
    if isinstance(exc, httpx.TimeoutException | httpx.TransportError):
        return 0.0
    return None


def describe(exc: BaseException, *, owner: str, calendar: str) -> SourceError:
    """The one-line reason a calendar failed."""
    if isinstance(exc, httpx.TimeoutException | httpx.TransportError):
        return SourceError(
            f"cannot reach Microsoft Graph ({exc.__class__.__name__}) after retries; sync again later"
        )
    assert isinstance(exc, GraphError)
    code = f" {exc.code}" if exc.code else ""
    status = exc.status
    if status == 401:
        return SourceError(
            f"Microsoft Graph refused the app's token (HTTP 401{code}); check that the app registration "
            f"has the {PERMISSION}"
        )
    if status == 403:
        return SourceError(
            f"Microsoft Graph denied the app access to the calendar of {owner} (HTTP 403{code}); grant the "
            f"app the {PERMISSION}, and include this mailbox in the app's Exchange Online RBAC scope or "
            "application access policy"
        )
    if status == 404:
        what = "the mailbox" if calendar == "primary" else f"calendar {calendar!r} in the mailbox"
        return SourceError(
            f"Microsoft Graph has no {what} of {owner} (HTTP 404{code}); check the owner's address (an "
            "Exchange Online mailbox) and the calendar id (primary for the default calendar)"
        )
    if status == 429:
        return SourceError(
            f"Microsoft Graph kept throttling requests for {owner} (HTTP 429{code}) after retries; lower "
            "microsoft.requests_per_minute or sync again later"
        )
    if status >= 500:
        return SourceError(
            f"Microsoft Graph kept failing (HTTP {status}{code}) after retries; sync again later"
        )
    return SourceError(
        f"Microsoft Graph rejected the request for the calendar of {owner} (HTTP {status}{code})"
    )
