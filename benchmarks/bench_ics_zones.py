"""What does reading Exchange's Windows TZID with zoneinfo save? One Exchange-style ICS file
(``--events`` meetings in ``Eastern Standard Time`` with its VTIMEZONE; every tenth a weekly series of
ten) parsed and expanded over the sync window, with the zone mapping and, in the same run, without it
(dateutil's VTIMEZONE zone, as icalendar builds it). Prints both and their ratio. Usage:
    .venv/bin/python benchmarks/bench_ics_zones.py [--events 2000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path
from unittest import mock
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_sources import exchange_calendar, exchange_vevent
from mentorledger.sources.ics import parse as parse_module

WINDOW = (dt.datetime(2025, 7, 1, 4, tzinfo=dt.UTC), dt.datetime(2026, 7, 1, 4, tzinfo=dt.UTC))


def seconds(data: bytes, repeat: int) -> tuple[float, int]:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        parsed = parse_module.parse_ics(
            data, start=WINDOW[0], end=WINDOW[1], fallback_tz=ZoneInfo("America/New_York")
        )
        runs.append(time.perf_counter() - start)
    return sorted(runs)[len(runs) // 2], len(parsed.instances)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    data = exchange_calendar("".join(exchange_vevent(i) for i in range(args.events))).encode()
    seconds(data, 1)  # warm-up: imports, the zone decision (made once per process and definition)
    mapped, count = seconds(data, args.repeat)
    with mock.patch.object(parse_module, "read_known_zones_as_zoneinfo", lambda calendar, _window: calendar):
        plain, plain_count = seconds(data, args.repeat)
    assert count == plain_count
    print(f"one Exchange-style file, {args.events} meetings, {count} instances in the window")
    print(f"  dateutil VTIMEZONE zone  {plain * 1000:8.1f} ms  1.000 x")
    print(f"  zoneinfo                 {mapped * 1000:8.1f} ms  {mapped / plain:.3f} x")


if __name__ == "__main__":
    main()
