"""How much does importing a roster cost, relative to checking the configuration it produces?

Writes an HR export of N people (default 1,000) with the titles and header names real exports use,
then times, in this one run:

  baseline   check_config of the imported configuration (what `validate` pays for that roster)
  first      `import people` into a starter configuration: read, map, round-trip, write, check
  again      the same import once more (every person matched, nothing to change)
  update     an import where every tenth person's title changed

and prints each as a ratio to the baseline. Usage:
    .venv/bin/python benchmarks/bench_import.py [--people 1000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from mentorledger.config import check_config
from mentorledger.roster.merge import plan_people
from mentorledger.roster.people import read_people
from mentorledger.roster.yamlfile import RosterFile, write
from mentorledger.starter import starter_config

TITLES = (
    "Assistant Professor of Pediatrics",
    "Assoc. Prof.",
    "PGY-2",
    "Clinical Fellow",
    "Professor and Chair",
)
COLUMNS: dict[str, str | None] = {}


def export(path: Path, people: int, changed_every: int = 0) -> Path:
    rows = []
    for i in range(people):
        title = TITLES[(i + (1 if changed_every and i % changed_every == 0 else 0)) % len(TITLES)]
        rows.append(f"{1000 + i},Last{i},First{i},Person.{i}@Bench.example.EDU,Dept {i % 12},{title}")
    path.write_text(
        "Employee ID,Last Name,First Name,E-mail Address,Dept,Job Title\n" + "\n".join(rows) + "\n"
    )
    return path


def timed(what: Callable[[], object], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        began = time.perf_counter()
        what()
        best = min(best, time.perf_counter() - began)
    return best


def run_import(config: Path, csv_file: Path) -> None:
    people = read_people(csv_file, COLUMNS)
    plan = plan_people(RosterFile(config), people.records)
    if plan.changes:
        write(config, plan)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        config = root / "department.yaml"
        starter = starter_config("Bench School of Medicine", "America/New_York")
        hr = export(root / "hr.csv", args.people)
        changed = export(root / "changed.csv", args.people, changed_every=10)

        def first() -> None:
            config.write_text(starter, encoding="utf-8")
            run_import(config, hr)

        first_time = timed(first)
        baseline = timed(lambda: check_config(config))
        again = timed(lambda: run_import(config, hr))

        def update() -> None:
            run_import(config, changed)
            run_import(config, hr)  # back, so every repetition changes the same tenth

        update_time = timed(update) / 2
    print(f"{args.people} people; baseline (check_config of the result): {baseline * 1000:.0f} ms")
    for name, seconds in (("first", first_time), ("again", again), ("update", update_time)):
        print(f"  {name:<7} {seconds * 1000:7.0f} ms  {seconds / baseline:5.1f}x baseline")


if __name__ == "__main__":
    main()
