"""Does a full sync use every core? One process against the worker pool, on the same files, one run.

Builds a synthetic department of ICS calendars (``bench_sync.write_department``), then syncs it in
full into a fresh ledger twice: once in this process alone (no pool), once with the worker pool the
``mentorledger sync`` command uses (``--workers``, default one per core). For each it prints wall
time, CPU seconds (this process and its workers) and cores used (CPU / wall), and the pool's wall
time as a ratio to the one-process run. Usage:
    .venv/bin/python benchmarks/bench_workers.py [--calendars 100] [--events 300] [--workers N]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_sync import write_department

from mentorledger.config import load_config
from mentorledger.store.ledger import Ledger
from mentorledger.sync import SyncContext, sync_batch
from mentorledger.workers import WorkerPool


@dataclass(frozen=True)
class Run:
    label: str
    wall: float
    cpu: float
    entries: int

    @property
    def cores(self) -> float:
        return self.cpu / self.wall if self.wall else 0.0


def _cpu() -> float:
    """CPU seconds of this process so far."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


def _workers_cpu(pool: WorkerPool) -> float:
    """CPU seconds of the pool's workers so far (Linux: /proc; they are the fork server's children,
    not ours, so ``RUSAGE_CHILDREN`` never sees them)."""
    total = 0
    for pid in pool.pids():
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def full_sync(root: Path, config_path: Path, label: str, workers: int | None) -> Run:
    config = load_config(config_path)
    ledger = Ledger.open(f"sqlite:///{root / (label.replace(' ', '-') + '.db')}")
    started, cpu = time.perf_counter(), _cpu()
    pool = WorkerPool(workers, preload=("mentorledger.sync", "mentorledger.sources.ics")) if workers else None
    try:
        idle = _workers_cpu(pool) if pool else 0.0  # what starting them cost, before any calendar
        context = SyncContext(config=config, ledger=ledger, run_id=label, pool=pool)
        outcomes = sync_batch(context, config.calendars)
        wall = time.perf_counter() - started
        cpu = _cpu() - cpu + (_workers_cpu(pool) - idle if pool else 0.0)
    finally:
        if pool is not None:
            pool.close()
    failed = [o for o in outcomes if not o.ok]
    if failed:
        raise SystemExit(f"{label}: {len(failed)} calendars failed: {failed[0].error}")
    return Run(label, wall, cpu, sum(o.entries for o in outcomes))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--calendars", type=int, default=100)
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        config_path = write_department(root, args.calendars, args.events)
        one = full_sync(root, config_path, "one process", None)
        pool = full_sync(root, config_path, f"{args.workers} workers", args.workers)

    if one.entries != pool.entries:
        raise SystemExit(
            f"the runs disagree: {one.entries} entries in one process, {pool.entries} with workers"
        )
    print(f"full sync of {args.calendars} ICS calendars x {args.events} events, {os.cpu_count()} cores")
    for run in (one, pool):
        print(
            f"  {run.label:<14} wall {run.wall:7.2f} s   CPU {run.cpu:7.2f} s   cores used {run.cores:4.2f}"
            f"   wall {run.wall / one.wall:5.2f} x one process   throughput {one.wall / run.wall:5.2f} x"
        )


if __name__ == "__main__":
    main()
