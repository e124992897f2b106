"""Configuration loading at institution scale: a generated roster of N people (with relationships,
peer groups and one ICS calendar each) parsed, validated and cross-checked, with the C YAML parser
and with the pure-Python one, timed in the same run.

    python benchmarks/bench_config.py [N]        # default 20,000 people
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from mentorledger.config import loading


def write_roster(root: Path, people: int) -> Path:
    """A configuration the size of a large institution, written the way the import commands write it."""
    emails = [f"p{i}@bench.example.edu" for i in range(people)]
    (root / "cals").mkdir(exist_ok=True)
    lines = [
        "institution: Bench School of Medicine",
        "timezone: America/New_York",
        "window: {start: 2025-07-01, end: 2026-06-30}",
        "people:",
    ]
    for i, email in enumerate(emails):
        lines += [
            f"  - email: {email}",
            f"    name: Person {i}",
            f"    department: Dept {i % 40}",
            "    rank: other",
        ]
    lines.append("relationships:")
    for i in range(0, people, 2):
        lines += [
            f"  - mentor: {emails[i]}",
            f"    mentee: {emails[(i + 1) % people]}",
            "    kind: dyad",
            "    start: 2025-07-01",
        ]
    lines.append("calendars:")
    for i, email in enumerate(emails):
        (root / "cals" / f"c{i}.ics").write_bytes(b"")
        lines += [f"  - owner: {email}", f"    ics: cals/c{i}.ics"]
    config = root / "bench.yaml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config


def timed(fn: object, *args: object) -> float:
    """CPU seconds of one call (steadier than wall time on a shared machine)."""
    start = time.process_time()
    fn(*args)  # type: ignore[operator]
    return time.process_time() - start


def main() -> None:
    people = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    with tempfile.TemporaryDirectory() as tmp:
        config = write_roster(Path(tmp), people)
        text = config.read_text(encoding="utf-8")
        c_parse = timed(loading.parse_yaml, text)
        py_parse = timed(loading.parse_yaml, text, False)
        check = timed(loading.check_config, config)
        size = len(text.encode()) // 1024
        print(f"config of {people:,} people ({size:,} KB)")
        print(f"  parse, C loader:        {c_parse:6.2f} CPU-s")
        print(f"  parse, Python loader:   {py_parse:6.2f} CPU-s  ({py_parse / c_parse:.1f}x the C loader)")
        print(f"  parse+validate+check:   {check:6.2f} CPU-s")


if __name__ == "__main__":
    main()
