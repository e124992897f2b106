"""The Google request budget is acquired per batch, not per request: a batch prepays one slot per
Google calendar in one acquisition and takes single slots only for requests beyond them."""

from __future__ import annotations

from mentorledger.sources.budget import PrepaidThrottle


def _throttle(expected: int, burst: int) -> tuple[PrepaidThrottle, list[int]]:
    acquired: list[int] = []
    return PrepaidThrottle(acquired.append, expected=expected, burst=burst), acquired


def test_a_batch_of_one_request_per_calendar_acquires_once() -> None:
    throttle, acquired = _throttle(expected=25, burst=60)
    for _ in range(25):
        throttle()
    assert acquired == [25]


def test_requests_beyond_the_prepayment_take_one_slot_each() -> None:
    throttle, acquired = _throttle(expected=3, burst=60)
    for _ in range(5):  # two calendars needed a second page
        throttle()
    assert acquired == [3, 1, 1]


def test_a_prepayment_never_exceeds_the_limits_burst() -> None:
    throttle, acquired = _throttle(expected=100, burst=10)
    for _ in range(12):
        throttle()
    assert acquired == [10, 1, 1]
    assert all(n <= 10 for n in acquired)


def test_nothing_is_acquired_before_the_first_request() -> None:
    _, acquired = _throttle(expected=5, burst=60)
    assert acquired == []
