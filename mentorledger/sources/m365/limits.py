"""Microsoft's per-mailbox limits, kept in this process: at most 4 requests to one mailbox at a time
and 10,000 in any 10 minutes (per app and mailbox). Another process's requests are not seen here;
Graph answers those with 429 and ``Retry-After``, which the client honours."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager

CONCURRENT_PER_MAILBOX = 4
REQUESTS_PER_WINDOW = 10_000
WINDOW_SECONDS = 600.0


class MailboxLimiter:
    def __init__(
        self,
        *,
        concurrent: int = CONCURRENT_PER_MAILBOX,
        per_window: int = REQUESTS_PER_WINDOW,
        window: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._slots = threading.BoundedSemaphore(concurrent)
        self._per_window = per_window
        self._window = window
        self._clock = clock
        self._sleep = sleep
        self._sent: deque[float] = deque()
        self._lock = threading.Lock()

    @contextmanager
    def request(self) -> Iterator[None]:
        """Hold one of the mailbox's concurrent slots while a request runs; wait first if the last
        ``window`` seconds already saw ``per_window`` requests."""
        with self._slots:
            self._wait_for_window()
            yield

    def _wait_for_window(self) -> None:
        while True:
            with self._lock:
                now = self._clock()
                while self._sent and now - self._sent[0] >= self._window:
                    self._sent.popleft()
                if len(self._sent) < self._per_window:
                    self._sent.append(now)
                    return
                wait = self._window - (now - self._sent[0])
            self._sleep(max(wait, 0.01))


_limiters: dict[str, MailboxLimiter] = {}
_limiters_lock = threading.Lock()


def limiter_for(mailbox: str) -> MailboxLimiter:
    """The process-wide limiter of one mailbox (shared by every batch and thread)."""
    with _limiters_lock:
        limiter = _limiters.get(mailbox.lower())
        if limiter is None:
            limiter = _limiters[mailbox.lower()] = MailboxLimiter()
        return limiter
