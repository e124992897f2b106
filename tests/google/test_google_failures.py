"""Which Google failures are retried, and what a failed calendar's message says."""

from __future__ import annotations

import json

import httplib2
import pytest
from google.auth.exceptions import RefreshError, TransportError
from googleapiclient.errors import HttpError

from mentorledger.sources.google.failures import describe, retry_hint


def http_error(status: int, reason: str | None = None, retry_after: str | None = None) -> HttpError:
    headers = {"status": str(status)}
    if retry_after:
        headers["retry-after"] = retry_after
    body = {"error": {"code": status, "message": "x", "errors": [{"reason": reason}] if reason else []}}
    return HttpError(httplib2.Response(headers), json.dumps(body).encode())


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (429, None),
        (500, None),
        (502, "backendError"),
        (503, None),
        (403, "rateLimitExceeded"),
        (403, "userRateLimitExceeded"),
    ],
)
def test_transient_failures_are_retried(status: int, reason: str | None) -> None:
    assert retry_hint(http_error(status, reason)) == 0.0


def test_retry_after_is_passed_on_as_the_hint() -> None:
    assert retry_hint(http_error(429, "rateLimitExceeded", retry_after="12")) == 12.0


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (400, "badRequest"),
        (401, "authError"),
        (404, "notFound"),
        (403, "quotaExceeded"),
        (403, "forbidden"),
        (410, "fullSyncRequired"),
    ],
)
def test_permanent_failures_are_not_retried(status: int, reason: str) -> None:
    assert retry_hint(http_error(status, reason)) is None


def test_timeouts_and_connection_failures_are_retried() -> None:
    assert retry_hint(TimeoutError()) == 0.0
    assert retry_hint(ConnectionRefusedError()) == 0.0
    assert retry_hint(httplib2.ServerNotFoundError("dns")) == 0.0
    assert retry_hint(TransportError("token endpoint unreachable")) == 0.0


def test_refused_token_is_not_retried_and_says_what_to_check() -> None:
    exc = RefreshError("unauthorized_client: Client is unauthorized", {"error": "unauthorized_client"})
    assert retry_hint(exc) is None
    message = describe(exc, calendar="primary", owner="ana@med.example.edu").reason
    assert "unauthorized_client" in message
    assert "domain-wide delegation" in message
    assert "ana@med.example.edu" in message


def test_quota_exceeded_message_names_the_quota_and_what_to_do() -> None:
    message = describe(http_error(403, "quotaExceeded"), calendar="primary", owner="a@b.edu").reason
    assert "quota exceeded" in message
    assert "Google Cloud console" in message


def test_error_messages_never_quote_the_response_body() -> None:
    exc = HttpError(httplib2.Response({"status": "400"}), b'{"error": {"message": "Secret meeting title"}}')
    assert "Secret" not in describe(exc, calendar="primary", owner="a@b.edu").reason
