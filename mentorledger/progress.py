"""Process-local progress notifications, so a command line can show a live bar while a flow runs
its batches in threads of the same process. Remote workers have no listeners; publishing is free."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

Listener = Callable[[Any], None]
_listeners: list[Listener] = []
_lock = threading.Lock()


@contextmanager
def listening(listener: Listener) -> Iterator[None]:
    with _lock:
        _listeners.append(listener)
    try:
        yield
    finally:
        with _lock:
            _listeners.remove(listener)


def publish(event: Any) -> None:
    with _lock:
        listeners = list(_listeners)
    for listener in listeners:
        listener(event)
