"""A sync killed with SIGKILL at random points, then run again, leaves the ledger exactly as one clean
run does (SQLite, and PostgreSQL with ``--backend=postgresql``); two syncs of the same calendars at
once leave it as one (on both backends: several workers share one PostgreSQL ledger in service mode, and
a sync started from the terminal during a scheduled one shares the SQLite file).

The scenario is the hard one: the ledger already holds the first version of every feed, and the
feeds change (moved, removed and added events), so a kill can land in the middle of updates and
removals as well as inserts. Kill points are drawn from a seeded generator over the time a clean
sync of the same feeds takes; the seed is in every failure message.
"""

from __future__ import annotations

import os
import random
import signal
import time
from pathlib import Path

from tests.reliability.department import (
    content,
    finish,
    runs_recorded_twice,
    start_sync,
    wait_ready,
    write_department,
    write_feeds,
)

KILLS = 3
SEED = int(os.environ.get("MENTORLEDGER_RELIABILITY_SEED", "20261201"))


def timed_sync(config: Path, database_url: str, run_id: str) -> float:
    """A sync run to its end; returns how long the syncing itself took (imports excluded)."""
    process = start_sync(config, database_url, run_id)
    wait_ready(process)
    started = time.monotonic()
    finish(process)
    return time.monotonic() - started


def test_a_sync_killed_at_random_points_then_rerun_equals_a_clean_run(
    tmp_path: Path, database_url: str, clean_database_url: str
) -> None:
    config = write_department(tmp_path, version=1)
    first = [start_sync(config, url, "first") for url in (clean_database_url, database_url)]
    for process in first:
        finish(process)
    write_feeds(tmp_path, version=2)
    clean_seconds = timed_sync(config, clean_database_url, "second")
    expected = content(clean_database_url)

    rng = random.Random(SEED)
    delays = sorted(rng.uniform(0, clean_seconds) for _ in range(KILLS))
    killed = 0
    for n, delay in enumerate(delays):
        process = start_sync(config, database_url, f"killed-{n}")
        wait_ready(process)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=30)
        killed += process.returncode == -signal.SIGKILL
    story = f"seed {SEED}, kills after {delays} s of a {clean_seconds:.2f} s sync"
    assert killed >= 1, f"every sync finished before its kill ({story})"
    timed_sync(config, database_url, "rerun")
    assert content(database_url) == expected, story
    assert runs_recorded_twice(database_url) == []


def test_two_syncs_at_once_equal_one(tmp_path: Path, database_url: str, clean_database_url: str) -> None:
    config = write_department(tmp_path, version=1)
    timed_sync(config, clean_database_url, "one")
    expected = content(clean_database_url)
    both = [start_sync(config, database_url, run_id) for run_id in ("a", "b")]
    for process in both:
        wait_ready(process)
    for process in both:
        finish(process)
    assert content(database_url) == expected
    assert runs_recorded_twice(database_url) == []
