"""Capped, jittered exponential backoff for calls to calendar servers.

One policy object, used by every source, so "retry a flaky feed" means the same thing everywhere. The
sleep function is injectable so tests run instantly.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")
# A generator of our own: jitter never consumes (or depends on) the global random state.
_jitter = random.Random()


@dataclass(frozen=True, slots=True)
class Backoff:
    attempts: int = 4  # total tries, including the first
    base_seconds: float = 1.0
    cap_seconds: float = 30.0
    jitter: bool = True

    def delay(self, retry_number: int, *, hint: float | None = None) -> float:
        """Seconds to wait before retry ``retry_number`` (1-based); a server's Retry-After wins if larger."""
        ceiling = min(self.cap_seconds, self.base_seconds * 2 ** (retry_number - 1))
        wait = _jitter.uniform(ceiling / 2, ceiling) if self.jitter else ceiling
        if hint is not None:
            wait = max(wait, min(hint, self.cap_seconds))
        return wait


NO_RETRY = Backoff(attempts=1)


def call_with_retries(
    fn: Callable[[], T],
    *,
    policy: Backoff,
    retry_after: Callable[[BaseException], float | None],
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Call ``fn``; on an exception for which ``retry_after`` returns a number (seconds hint, 0 = none),
    wait and try again, up to ``policy.attempts`` tries. Other exceptions propagate at once."""
    for attempt in range(1, policy.attempts + 1):
        try:
            return fn()
        except Exception as exc:
            hint = retry_after(exc)
            if hint is None or attempt == policy.attempts:
                raise
            sleep(policy.delay(attempt, hint=hint or None))
    raise AssertionError("unreachable")  # pragma: no cover
