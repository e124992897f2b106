"""A small pool of worker processes whose jobs run within budgets: a job over budget is terminated.

``concurrent.futures`` cannot stop one running job, so a calendar that parses forever would hold a
worker (and its batch) forever. Here each worker is one process with a pipe; a job reports the phase
it is in (``phase("parse")``), each phase has a wall-clock budget from the moment it starts, and a
worker whose job overruns is killed and replaced before the next job. Jobs wait for an idle worker,
so any number of threads (batches) can share one pool of as many workers as there are cores.

Workers start with ``forkserver`` (``spawn`` where that does not exist): the parent runs Prefect's
threads, and forking a process with threads can copy a held lock into the child. A worker keeps the
last shared context it was sent (the configuration), so it is sent once per worker, not per job.
"""

from __future__ import annotations

import atexit
import contextlib
import multiprocessing
import os
import queue
import threading
import time
import traceback
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.context import SpawnContext
from multiprocessing.process import BaseProcess
from typing import Any, cast

Job = Callable[[Any, Any], Any]  # (shared context, payload) -> result
_phase_hook: ContextVar[Callable[[str], None] | None] = ContextVar("phase_hook", default=None)


def enter_phase(name: str) -> None:
    """Tell the pool the running job has moved on to phase ``name`` (its budget starts now); outside
    a worker, nothing happens. Sources call this when a calendar is downloaded and parsing begins."""
    hook = _phase_hook.get()
    if hook is not None:
        hook(name)


class OverdueError(Exception):
    """A job ran past the budget of its phase; its worker was terminated."""

    def __init__(self, phase: str, seconds: float) -> None:
        self.phase = phase
        self.seconds = seconds
        super().__init__(f"over the {seconds:g} s budget of {phase}")


class WorkerLostError(Exception):
    """The worker running a job died (killed from outside, out of memory, a crash in C code)."""


class JobFailedError(Exception):
    """The job raised something that could not be sent back; ``kind`` is its class name, ``frames``
    its traceback's frames (never its message: messages can quote calendar text)."""

    def __init__(self, kind: str, frames: str) -> None:
        self.kind = kind
        self.frames = frames
        super().__init__(kind)


def _start_method() -> str:
    methods = multiprocessing.get_all_start_methods()
    return "forkserver" if "forkserver" in methods else "spawn"


def _serve(conn: Connection) -> None:
    """A worker's loop: run each job it is sent, report its phases, send back its result."""
    contexts: dict[str, Any] = {}
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        fn, key, context, payload, passthrough = message
        if context is not None:
            contexts = {key: context}
        _phase_hook.set(lambda name: conn.send(("phase", name)))
        try:
            result = fn(contexts[key], payload)
            conn.send(("done", result))
        except Exception as exc:  # the job's failure goes back to the parent, the worker lives on
            if isinstance(exc, passthrough):
                with contextlib.suppress(Exception):
                    conn.send(("raised", exc))
                    continue
            frames = "".join(traceback.format_tb(exc.__traceback__))
            conn.send(("failed", (exc.__class__.__name__, frames)))


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection
    context_key: str | None = None

    def stop(self) -> None:
        self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


class WorkerPool:
    """``size`` worker processes; ``run`` blocks until a worker is free, then until the job is done,
    it raises, or it overruns a budget."""

    def __init__(self, size: int, *, preload: tuple[str, ...] = ()) -> None:
        self.size = max(1, size)
        self._mp = cast(SpawnContext, multiprocessing.get_context(_start_method()))  # same interface
        if preload and self._mp.get_start_method() == "forkserver":
            self._mp.set_forkserver_preload(list(preload))
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._all: list[_Worker] = []
        for _ in range(self.size):
            self._idle.put(self._start())

    def _start(self) -> _Worker:
        parent, child = self._mp.Pipe(duplex=True)
        process = self._mp.Process(target=_serve, args=(child,), daemon=True, name="mentorledger-worker")
        process.start()
        child.close()
        worker = _Worker(process, parent)
        with self._lock:
            self._all.append(worker)
        return worker

    def _retire(self, worker: _Worker) -> None:
        with self._lock:
            if worker in self._all:
                self._all.remove(worker)
        worker.stop()

    def run(
        self,
        fn: Job,
        payload: Any,
        *,
        context: tuple[str, Any],
        budgets: Mapping[str, float],
        first_phase: str,
        passthrough: tuple[type[Exception], ...] = (),
    ) -> Any:
        """Run ``fn(context, payload)`` in a worker. Each phase (``first_phase``, then whatever the job
        enters with ``enter_phase``) may last ``budgets[phase]`` seconds from when it starts; past that the worker is terminated (and replaced) and
        ``OverdueError`` is raised. The job's exceptions of the ``passthrough`` classes are re-raised
        here; any other is ``JobFailedError`` with the worker's traceback frames."""
        worker = self._idle.get()
        key, shared = context
        reusable = False
        try:
            job = (fn, key, shared if worker.context_key != key else None, payload, passthrough)
            worker.conn.send(job)
            worker.context_key = key
            kind, value = self._wait(worker, budgets, first_phase)
            reusable = True  # finished, or raised: either way the worker is idle and well
        except (EOFError, OSError):
            raise WorkerLostError() from None
        finally:
            self._idle.put(worker if reusable else self._replace(worker))
        if kind == "raised":
            raise value
        if kind == "failed":
            raise JobFailedError(*value)
        return value

    def _replace(self, worker: _Worker) -> _Worker:
        self._retire(worker)
        return self._start()

    def _wait(self, worker: _Worker, budgets: Mapping[str, float], phase: str) -> tuple[str, Any]:
        """The job's last message (done, raised or failed), following its phases; OverdueError past one."""
        deadline = time.monotonic() + budgets[phase]
        while True:
            if not worker.conn.poll(max(0.0, deadline - time.monotonic())):
                raise OverdueError(phase, budgets[phase])
            kind, value = worker.conn.recv()
            if kind != "phase":
                return kind, value
            phase = value
            deadline = time.monotonic() + budgets[phase]

    def pids(self) -> list[int]:
        """The worker processes' ids (for measuring them from outside)."""
        with self._lock:
            return [w.process.pid for w in self._all if w.process.pid is not None]

    def close(self) -> None:
        with self._lock:
            workers, self._all = list(self._all), []
        for worker in workers:
            worker.stop()


_shared: WorkerPool | None = None
_shared_lock = threading.Lock()


def shared_pool(size: int | None = None) -> WorkerPool:
    """The process's one pool (as many workers as cores unless ``size`` says), started on first use
    and stopped at exit: every batch thread of a run shares it, so the cores are never oversubscribed."""
    global _shared
    with _shared_lock:
        wanted = size or os.cpu_count() or 1
        if _shared is not None and _shared.size != wanted:
            _shared.close()
            _shared = None
        if _shared is None:
            _shared = WorkerPool(wanted, preload=("mentorledger.sync", "mentorledger.sources.ics"))
            atexit.register(_shared.close)
        return _shared
