"""What a failed call to Google means: retry it, start over without a sync token, or give up on the
calendar with a message an administrator can act on.

Retried (capped, jittered backoff): HTTP 429, 5xx, 403 ``rateLimitExceeded`` / ``userRateLimitExceeded``,
timeouts and dropped connections, and token-endpoint failures google-auth marks retryable. Not retried:
400, 401, 404, other 403s (``quotaExceeded`` included: a daily quota does not come back in seconds) and
refused tokens (revoked access, missing delegation). 410 means the sync token expired.
Messages carry Google's reason codes, never response bodies, which could quote event data.
"""

from __future__ import annotations

import http.client
import json
from typing import Any

from mentorledger.errors import SourceError

RATE_LIMIT_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded", "RATE_LIMIT_EXCEEDED"})
QUOTA_REASONS = frozenset({"quotaExceeded", "dailyLimitExceeded", "QUOTA_EXCEEDED"})


class SyncTokenExpiredError(Exception):
    """Google answered 410 Gone: the sync (or page) token is no longer valid; a full sync is needed."""


def http_status(exc: BaseException) -> int | None:
    """The HTTP status of a googleapiclient HttpError, else None."""
    resp = getattr(exc, "resp", None)
    status = getattr(resp, "status", None)
    try:
        return int(status) if status is not None else None
    except (TypeError, ValueError):
        return None


def reasons(exc: BaseException) -> set[str]:
    """Google's machine-readable reasons in an error response (both the v1 ``errors[].reason`` and the
    newer ``details[].reason`` / ``status`` shapes)."""
    content = getattr(exc, "content", b"")
    try:
        body = json.loads(content.decode("utf-8") if isinstance(content, bytes) else str(content))
    except (ValueError, UnicodeDecodeError):
        return set()
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return {error} if isinstance(error, str) else set()
    found = {str(item.get("reason")) for item in error.get("errors") or () if isinstance(item, dict)}
    found |= {str(item.get("reason")) for item in error.get("details") or () if isinstance(item, dict)}
    if error.get("status"):
        found.add(str(error["status"]))
    found.discard("None")
    return found


def _retry_after(exc: BaseException) -> float:
    resp: Any = getattr(exc, "resp", None)
    try:
        value = resp.get("retry-after") if resp is not None else None
        return max(0.0, float(value)) if value else 0.0
    except (TypeError, ValueError, AttributeError):
        return 0.0


def retry_hint(exc: BaseException) -> float | None:
    """For ``call_with_retries``: seconds the server asked us to wait (0 = no hint) if the call is worth
    repeating, None if it is not."""
    status = http_status(exc)
    if status is not None:
        if status == 429 or status >= 500:
            return _retry_after(exc)
        if status == 403 and reasons(exc) & RATE_LIMIT_REASONS and not reasons(exc) & QUOTA_REASONS:
            return _retry_after(exc)
        return None
    if _is_refresh_error(exc):
        return 0.0 if getattr(exc, "retryable", False) else None
    # Timeouts, refused or dropped connections, TLS failures, DNS, token endpoint unreachable.
    if isinstance(exc, OSError | http.client.HTTPException) or _is_transport_error(exc):
        return 0.0
    return None


def describe(exc: BaseException, *, calendar: str, owner: str) -> SourceError:
    """The one-line reason a calendar failed, saying what to do about it."""
    status = http_status(exc)
    why = sorted(reasons(exc))
    codes = f" ({', '.join(why)})" if why else ""
    if status is not None:
        if status == 403 and set(why) & QUOTA_REASONS:
            return SourceError(
                f"Google Calendar API quota exceeded{codes}; the calendar was not synced. Wait for the "
                "quota to reset or raise it in the Google Cloud console, and lower google.requests_per_minute"
            )
        if status == 429 or (status == 403 and set(why) & RATE_LIMIT_REASONS):
            return SourceError(
                f"Google Calendar kept rate-limiting requests (HTTP {status}{codes}) after retries; "
                "lower google.requests_per_minute or sync again later"
            )
        if status == 401:
            return SourceError(
                f"Google refused the credentials (HTTP 401{codes}); access may have been revoked: "
                "renew the token or check the service account's domain-wide delegation"
            )
        if status == 403:
            return SourceError(
                f"Google denied access to calendar {calendar!r} of {owner} (HTTP 403{codes}); check that "
                "the calendar is shared with the owner and the scope is granted"
            )
        if status == 404:
            return SourceError(
                f"Google has no calendar {calendar!r} for {owner} (HTTP 404); check the calendar id "
                "(use 'primary' for the owner's main calendar)"
            )
        if status >= 500:
            return SourceError(
                f"Google Calendar kept failing (HTTP {status}) after retries; sync again later"
            )
        return SourceError(f"Google rejected the request for calendar {calendar!r} (HTTP {status}{codes})")
    if _is_refresh_error(exc):
        return SourceError(
            f"Google refused an access token for {owner} ({_refresh_reason(exc)}); check that the service "
            "account's client id has domain-wide delegation for the calendar.events.readonly scope, that "
            "the user exists, or that the authorized-user token has not been revoked"
        )
    if retry_hint(exc) is not None:
        return SourceError(f"cannot reach Google Calendar ({exc.__class__.__name__}) after retries")
    return SourceError(f"Google Calendar request failed ({exc.__class__.__name__})")


def _is_refresh_error(exc: BaseException) -> bool:
    from google.auth.exceptions import RefreshError

    return isinstance(exc, RefreshError)


def _is_transport_error(exc: BaseException) -> bool:
    import httplib2
    from google.auth.exceptions import TransportError

    return isinstance(exc, TransportError | httplib2.HttpLib2Error)


def _refresh_reason(exc: BaseException) -> str:
    """The OAuth error code (e.g. ``unauthorized_client``, ``invalid_grant``) without anything secret."""
    for arg in getattr(exc, "args", ()):
        if isinstance(arg, dict) and isinstance(arg.get("error"), str):
            return str(arg["error"])[:80]
    text = str(exc.args[0]) if getattr(exc, "args", ()) else ""
    code = text.split(":", 1)[0].strip()
    return code[:80] if code and " " not in code else "token refused"
