"""The worker pool stops a job over the budget of its phase, replaces the worker, and goes on."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator

import pytest

from mentorledger.workers import JobFailedError, OverdueError, WorkerLostError, WorkerPool, enter_phase

SHORT = {"start": 30.0, "parse": 0.5}


def _echo(context: str, payload: int) -> tuple[str, int, int]:
    return context, payload, os.getpid()


def _sleep_in(context: str, phase: str) -> None:
    if phase != "start":
        enter_phase(phase)
    time.sleep(60)


def _raise(context: str, payload: str) -> None:
    raise LookupError(payload)


def _fail(context: str, payload: str) -> None:
    raise ValueError(payload)


def _die(context: str, payload: None) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


@pytest.fixture(scope="module")
def pool() -> Iterator[WorkerPool]:
    workers = WorkerPool(1)
    yield workers
    workers.close()


def _run(pool: WorkerPool, fn: object, payload: object, budgets: dict[str, float] = SHORT) -> object:
    return pool.run(  # type: ignore[arg-type]
        fn, payload, context=("k", "shared"), budgets=budgets, first_phase="start", passthrough=(LookupError,)
    )


def test_a_job_gets_the_shared_context_and_its_payload(pool: WorkerPool) -> None:
    assert _run(pool, _echo, 7)[:2] == ("shared", 7)  # type: ignore[index]


def test_a_job_over_the_budget_of_the_phase_it_entered_is_stopped_and_its_worker_replaced(
    pool: WorkerPool,
) -> None:
    before = _run(pool, _echo, 1)[2]  # type: ignore[index]
    with pytest.raises(OverdueError) as stopped:
        _run(pool, _sleep_in, "parse")
    after = _run(pool, _echo, 2)

    assert stopped.value.phase == "parse"
    assert after[:2] == ("shared", 2)  # type: ignore[index]
    assert after[2] != before  # type: ignore[index]
    assert len(pool.pids()) == 1


def test_a_job_over_the_first_phase_budget_names_that_phase(pool: WorkerPool) -> None:
    with pytest.raises(OverdueError) as stopped:
        _run(pool, _sleep_in, "start", {"start": 0.5})
    assert stopped.value.phase == "start"


def test_a_job_that_raises_raises_here_and_keeps_its_worker(pool: WorkerPool) -> None:
    before = _run(pool, _echo, 1)[2]  # type: ignore[index]
    with pytest.raises(LookupError, match="no such calendar"):
        _run(pool, _raise, "no such calendar")
    assert _run(pool, _echo, 1)[2] == before  # type: ignore[index]


def test_a_worker_that_dies_is_reported_and_replaced(pool: WorkerPool) -> None:
    with pytest.raises(WorkerLostError):
        _run(pool, _die, None)
    assert _run(pool, _echo, 3)[:2] == ("shared", 3)  # type: ignore[index]


def test_any_other_exception_comes_back_by_class_and_frames_only(pool: WorkerPool) -> None:
    with pytest.raises(JobFailedError) as failed:
        _run(pool, _fail, "Title: secret meeting")
    assert failed.value.kind == "ValueError"
    assert "_fail" in failed.value.frames
    assert "secret meeting" not in failed.value.frames
