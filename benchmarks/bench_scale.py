"""Institution scale on one machine: one run, one Markdown table row (``make bench N=1000``).

Generates an N-faculty institution (``benchmarks/institution.py``), then measures in this one run:

  baseline     icalendar.Calendar.from_ical + recurring_ical_events over the window, every file, in one
               process and in a pool of two (the naive parse every reader could write)
  full sync    ``mentorledger sync`` in a subprocess: wall time, instances/s, peak RSS (os.wait4)
  re-sync      unchanged, and after 1% of every calendar's meetings moved, as fractions of the full sync;
               the same for one Google (stand-in) and one Graph (stand-in) calendar of ``--events``
  reports      ``mentorledger hours``, the chair report (HTML + XLSX) of the biggest department and the
               school-wide report: wall time and peak RSS of each subprocess
  orchestration  time outside the core: an unchanged ``mentorledger sync`` minus the same re-sync run
               by the core alone (``sync_batch`` in a plain process), as a share of the full sync

Smaller calendars for a quick look: ``--series``, ``--singles``, ``--tagged`` (see ``Shape``).
Usage: .venv/bin/python benchmarks/bench_scale.py --faculty 100 [--keep DIR] [--header]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests/ holds the stand-in servers

from benchmarks.institution import (
    WINDOW,
    Shape,
    department_of,
    department_size,
    write_calendars,
    write_institution,
)
from benchmarks.stand_ins import resync_fractions

BIN = Path(sys.executable).parent
CORE_RESYNC = """
import sys
from mentorledger.config import load_config
from mentorledger.store.ledger import Ledger
from mentorledger.sync import SyncContext, sync_batch
config = load_config(sys.argv[1])
ledger = Ledger.open(config_path=config.source_path)
sync_batch(SyncContext(config=config, ledger=ledger, run_id="core-unchanged"), config.calendars)
"""
COLUMNS = [
    "N faculty",
    "instances",
    "full sync (inst/s)",
    "÷ 1-proc baseline",
    "÷ 2-proc baseline",
    "ICS unchanged ÷ full",
    "ICS 1% ÷ full",
    "Google unchanged / 1% ÷ full",
    "Graph unchanged / 1% ÷ full",
    "sync peak RSS",
    "`hours`",
    "chair report",
    "school report",
    "orchestration share",
]


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mb: float


def run(args: Sequence[str], env: dict[str, str]) -> Run:
    """A command in a subprocess: wall time and its own peak RSS from the OS (wait4's rusage)."""
    start = time.perf_counter()
    process = subprocess.Popen(list(args), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert process.stderr is not None
    errors = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):  # 1: something needs attention (e.g. a partial sync)
        raise SystemExit(f"{' '.join(args)} failed ({process.returncode}): {errors.decode()[-2000:]}")
    return Run(seconds, usage.ru_maxrss / 1024)  # Linux reports KiB


def expand(path: Path) -> int:
    """The baseline's work for one file: parse with icalendar, expand over the window."""
    import icalendar
    import recurring_ical_events

    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    return len(list(recurring_ical_events.of(calendar).between(WINDOW[0], WINDOW[1] + dt.timedelta(days=1))))


def baseline(files: list[Path], processes: int) -> tuple[float, int]:
    start = time.perf_counter()
    if processes == 1:
        instances = sum(map(expand, files))
    else:
        with ProcessPoolExecutor(processes) as pool:
            instances = sum(pool.map(expand, files, chunksize=max(1, len(files) // (processes * 8))))
    return time.perf_counter() - start, instances


def measure(root: Path, faculty: int, shape: Shape, events: int) -> list[str]:
    config = write_institution(root, faculty, shape)
    files = sorted((root / "calendars").glob("*.ics"))
    env = dict(
        os.environ,
        MENTORLEDGER_DATABASE_URL=f"sqlite:///{root / 'ledger.db'}",
        PREFECT_HOME=str(root / "prefect"),
    )
    one, instances = baseline(files, 1)
    two, _ = baseline(files, 2)
    sync = [str(BIN / "mentorledger"), "sync", "--config", str(config)]
    full = run(sync, env)
    unchanged = run(sync, env)
    core = run([sys.executable, "-c", CORE_RESYNC, str(config)], env)
    write_calendars(root, faculty, shape, edit=1)
    changed = run(sync, env)
    hours = run([str(BIN / "mentorledger"), "hours", "--config", str(config), "--format", "json"], env)
    department = department_of(0, department_size(faculty))
    report = [str(BIN / "mentorledger"), "report"]
    out = ["--config", str(config), "--format", "html", "--format", "xlsx", "--out", str(root / "out")]
    chair = run([*report, "chair", "--department", department, *out], env)
    school = run([*report, "school", *out], env)
    google, graph = resync_fractions(root / "stand-ins", events)
    outside = max(0.0, unchanged.seconds - core.seconds)
    return [
        f"{faculty:,}",
        f"{instances:,}",
        f"{instances / full.seconds:,.0f}",
        f"{one / full.seconds:.2f}×",
        f"{two / full.seconds:.2f}×",
        f"{unchanged.seconds / full.seconds:.1%}",
        f"{changed.seconds / full.seconds:.1%}",
        f"{google[0]:.1%} / {google[1]:.1%}",
        f"{graph[0]:.1%} / {graph[1]:.1%}",
        f"{full.peak_mb:.0f} MB",
        f"{hours.seconds:.1f} s, {hours.peak_mb:.0f} MB",
        f"{chair.seconds:.1f} s, {chair.peak_mb:.0f} MB",
        f"{school.seconds:.1f} s, {school.peak_mb:.0f} MB",
        f"{outside / full.seconds:.1%} ({outside:.1f} s)",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--faculty", type=int, default=100)
    parser.add_argument("--series", type=int, default=Shape.series)
    parser.add_argument("--weeks", type=int, default=Shape.weeks)
    parser.add_argument("--singles", type=int, default=Shape.singles)
    parser.add_argument("--tagged", type=int, default=Shape.tagged)
    parser.add_argument("--agenda", type=int, default=Shape.agenda)
    parser.add_argument("--events", type=int, default=2000, help="meetings of the Google and Graph calendars")
    parser.add_argument("--keep", type=Path, help="generate into this directory and keep it")
    parser.add_argument("--no-header", action="store_true", help="print the row only (to append to a table)")
    args = parser.parse_args()
    shape = Shape(args.series, args.weeks, args.singles, args.tagged, args.agenda)
    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or Path(tmp)
        row = measure(root, args.faculty, shape, args.events)
    if not args.no_header:
        print("| " + " | ".join(COLUMNS) + " |")
        print("|" + "---|" * len(COLUMNS))
    print("| " + " | ".join(row) + " |", flush=True)


if __name__ == "__main__":
    main()
