"""How much does a sync cost, relative to just parsing the calendars?

Builds a synthetic department (calendars with weekly series, one-off meetings, overrides and noise),
then times, in this one run:

  baseline   icalendar.Calendar.from_ical of every file: the floor any reader pays
  first      a full sync through the core (parse, expand, count, write the ledger)
  unchanged  a re-sync where nothing changed (content hash: no parse, no entry writes)
  reparse    a re-sync after a rules change (parse and count again, entries unchanged: no writes)

and prints each as a ratio to the baseline. Usage:
    .venv/bin/python benchmarks/bench_sync.py [--calendars 40] [--events 300]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import icalendar

from mentorledger.config import load_config
from mentorledger.store.ledger import Ledger
from mentorledger.sync import SyncContext, sync_batch


def write_department(root: Path, calendars: int, events: int, seed: int = 7) -> Path:
    rng = random.Random(seed)
    people = [f"p{i}@bench.example.edu" for i in range(calendars)]
    (root / "cals").mkdir()
    for i, owner in enumerate(people):
        lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//bench//EN"]
        for j in range(events):
            start = dt.datetime(2025, 7, 1, 8) + dt.timedelta(days=rng.randrange(360), hours=rng.randrange(9))
            stamp = start.strftime("%Y%m%dT%H%M%S")
            other = people[(i + 1 + j % 3) % len(people)]
            lines += [
                "BEGIN:VEVENT",
                f"UID:{i}-{j}@bench",
                f"DTSTART;TZID=America/New_York:{stamp}",
                f"DURATION:PT{rng.choice([30, 45, 60])}M",
                f"SUMMARY:{rng.choice(['Clinic', 'Check-in #mentoring', 'Grand rounds', '1:1'])}",
                f"ORGANIZER:mailto:{owner}",
                f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:{other}",
                "DESCRIPTION:" + "Long agenda text. " * 10,
            ]
            if j % 25 == 0:
                lines.append("RRULE:FREQ=WEEKLY;COUNT=20")
            lines.append("END:VEVENT")
        lines.append("END:VCALENDAR")
        (root / "cals" / f"c{i}.ics").write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    roster = "\n".join(
        f"  - {{email: {p}, name: P{i}, department: D, rank: other}}" for i, p in enumerate(people)
    )
    rels = "\n".join(
        f"  - {{mentor: {people[i]}, mentee: {people[(i + 1) % len(people)]}, kind: dyad, start: 2025-07-01}}"
        for i in range(0, len(people), 2)
    )
    cals = "\n".join(f"  - {{owner: {p}, ics: cals/c{i}.ics}}" for i, p in enumerate(people))
    config = root / "bench.yaml"
    config.write_text(
        "institution: Bench\ntimezone: America/New_York\nwindow: {start: 2025-07-01, end: 2026-06-30}\n"
        f"people:\n{roster}\nrelationships:\n{rels}\ncalendars:\n{cals}\n",
        encoding="utf-8",
    )
    return config


def timed(label: str, fn: Callable[[], object]) -> tuple[str, float, object]:
    start = time.perf_counter()
    result = fn()
    return label, time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--calendars", type=int, default=40)
    parser.add_argument("--events", type=int, default=300)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        config_path = write_department(root, args.calendars, args.events)
        config = load_config(config_path)
        ledger = Ledger.open(f"sqlite:///{root / 'bench.db'}")
        files = sorted((root / "cals").glob("*.ics"))

        def baseline() -> int:
            return sum(len(icalendar.Calendar.from_ical(f.read_bytes()).subcomponents) for f in files)

        def sync(run_id: str, cfg: object = config) -> list[object]:
            return list(sync_batch(SyncContext(config=cfg, ledger=ledger, run_id=run_id), config.calendars))  # type: ignore[arg-type]

        rows = [timed("baseline: icalendar parse only", baseline)]
        rows.append(timed("first sync (parse, expand, count, write)", lambda: sync("first")))
        rows.append(timed("re-sync, nothing changed", lambda: sync("unchanged")))
        changed = config.model_copy(
            update={"counting": config.counting.model_copy(update={"keywords": ["1:1"]})}
        )
        rows.append(timed("re-sync after a rules change (reparse)", lambda: sync("reparse", changed)))

    base = rows[0][1]
    print(f"{args.calendars} calendars x {args.events} events (plus weekly series)")
    for label, seconds, _ in rows:
        print(f"  {label:<44} {seconds * 1000:9.1f} ms   {seconds / base:6.2f} x baseline")
    outcomes = rows[2][2]
    assert isinstance(outcomes, list)
    unchanged = sum(1 for o in outcomes if getattr(o, "outcome", "") == "unchanged")
    print(f"  unchanged re-sync skipped parsing for {unchanged}/{len(outcomes)} calendars")


if __name__ == "__main__":
    main()
