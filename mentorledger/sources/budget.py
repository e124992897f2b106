"""Sharing a run-wide request budget between batches without a round trip per request.

A source whose server limits requests per app (Google, Microsoft Graph) declares a ``RequestBudget``;
the orchestration layer turns it into a rate limit that every batch and worker draws on. Each draw is
itself a call to the orchestration server, so a batch prepays once for what it expects to need.
"""

from __future__ import annotations

from collections.abc import Callable

from mentorledger.sources.protocol import RequestBudget, Runtime


def rate_limit_shape(requests_per_minute: int) -> tuple[int, float]:
    """(slots, slot decay per second) of a rate limit that admits at most ``requests_per_minute``
    requests in any 60 seconds: a small burst, refilled at the remaining rate. (A budget of 1 per minute
    still needs a positive decay, so it admits 2 in the very first minute.)"""
    burst = max(1, requests_per_minute // 10)
    return burst, max(requests_per_minute - burst, 1) / 60.0


class PrepaidThrottle:
    """A batch's share of the run-wide request budget, acquired per batch rather than per request.

    The first request of a batch takes ``expected`` slots at once (one per calendar of the source in
    it: an incremental sync is usually one request per calendar, so one acquisition covers the batch);
    each request beyond them takes one more slot. ``acquire(n)`` blocks until n slots are free; a
    prepayment never exceeds the limit's burst, or it could never be granted."""

    def __init__(self, acquire: Callable[[int], None], *, expected: int, burst: int) -> None:
        self._acquire = acquire
        self._next = max(1, min(expected, burst))
        self._credit = 0

    def __call__(self) -> None:
        if self._credit == 0:
            self._acquire(self._next)
            self._credit, self._next = self._next, 1
        self._credit -= 1


def batch_throttle(runtime: Runtime, budget: RequestBudget, *, calendars: int) -> PrepaidThrottle:
    """The throttle one batch calls before each request of ``budget``."""
    burst, _decay = rate_limit_shape(budget.requests_per_minute)
    return PrepaidThrottle(
        lambda slots: runtime.take(budget.name, slots), expected=max(1, calendars), burst=burst
    )
