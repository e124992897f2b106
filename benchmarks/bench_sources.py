"""What does a re-sync of a Microsoft 365, CalDAV or ICS calendar cost, relative to its full sync?

For each source, one calendar of ``--events`` meetings (a quarter of them mentoring) is served by the
same servers the tests use (the HTTPS Graph stand-in; a real Radicale on loopback) or, for ICS, written
as an Exchange-style file (Windows TZID with its VTIMEZONE; every tenth meeting a weekly series of ten,
with one moved occurrence), then, in this one run:

  full        the first sync: every event read, counted and written
  unchanged   a re-sync where nothing changed (target: one request, no entry writes)
  1% changed  a re-sync after 1% of the events (ICS: of the series) moved (target: at most 5% of the
              full sync)

and prints each as a ratio to the full sync, with the requests each made. Usage:
    .venv/bin/python benchmarks/bench_sources.py [--events 2000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the test servers live in tests/

from mentorledger.config import Config, load_config
from mentorledger.store.ledger import Ledger
from mentorledger.sync import CalendarOutcome, SyncContext, sync_batch
from tests.caldav.radicale_server import make_calendar, radicale_server
from tests.m365.server import FakeGraph, serve
from tests.tls import make_test_ca

OWNER, MENTEE = "p0@bench.example.edu", "p1@bench.example.edu"
HEAD = f"""\
institution: Bench
timezone: America/New_York
window: {{start: 2025-07-01, end: 2026-06-30}}
people:
  - {{email: {OWNER}, name: P0, department: D, rank: other}}
  - {{email: {MENTEE}, name: P1, department: D, rank: other}}
relationships:
  - {{mentor: {OWNER}, mentee: {MENTEE}, kind: dyad, start: 2025-07-01}}
"""


def start_of(i: int, shift: int = 0) -> dt.datetime:
    return dt.datetime(2025, 7, 2, 13, tzinfo=dt.UTC) + dt.timedelta(hours=i * 4 + shift)


def graph_event(i: int, shift: int = 0) -> dict[str, Any]:
    start = start_of(i, shift)
    return {
        "id": f"AAMkAGb{i:06d}",
        "type": "singleInstance",
        "iCalUId": f"bench-{i}@example.edu",
        "subject": "1:1" if i % 4 == 0 else "Clinic",
        "start": {"dateTime": f"{start:%Y-%m-%dT%H:%M:%S}.0000000", "timeZone": "UTC"},
        "end": {
            "dateTime": f"{start + dt.timedelta(minutes=45):%Y-%m-%dT%H:%M:%S}.0000000",
            "timeZone": "UTC",
        },
        "isAllDay": False,
        "isCancelled": False,
        "showAs": "busy",
        "organizer": {"emailAddress": {"address": OWNER}},
        "attendees": [
            {
                "status": {"response": "accepted"},
                "emailAddress": {"address": MENTEE if i % 4 == 0 else "x@else.org"},
            }
        ],
        "responseStatus": {"response": "organizer"},
        "lastModifiedDateTime": f"2025-06-01T00:00:{shift % 60:02d}Z",
    }


def vevent(i: int, shift: int = 0) -> str:
    start = start_of(i, shift)
    other = MENTEE if i % 4 == 0 else "x@else.org"
    return (
        f"BEGIN:VEVENT\r\nUID:bench-{i}@example.edu\r\nDTSTAMP:20250601T000000Z\r\nSEQUENCE:{shift}\r\n"
        f"DTSTART:{start:%Y%m%dT%H%M%SZ}\r\nDTEND:{start + dt.timedelta(minutes=45):%Y%m%dT%H%M%SZ}\r\n"
        f"SUMMARY:{'1:1' if i % 4 == 0 else 'Clinic'}\r\nORGANIZER:mailto:{OWNER}\r\n"
        f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:{other}\r\nEND:VEVENT\r\n"
    )


EXCHANGE_ZONE = (
    "BEGIN:VTIMEZONE\r\nTZID:Eastern Standard Time\r\nBEGIN:STANDARD\r\nDTSTART:16010101T020000\r\n"
    "TZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r\nRRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=1SU;BYMONTH=11\r\n"
    "END:STANDARD\r\nBEGIN:DAYLIGHT\r\nDTSTART:16010101T020000\r\nTZOFFSETFROM:-0500\r\n"
    "TZOFFSETTO:-0400\r\nRRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=2SU;BYMONTH=3\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n"
)


def exchange_vevent(i: int, shift: int = 0) -> str:
    """One Exchange-style meeting in Eastern Standard Time; every tenth a weekly series of ten with its
    third occurrence moved by an hour (a master and an override sharing the UID)."""
    start = (start_of(i, shift) - dt.timedelta(hours=4)).replace(tzinfo=None)
    other = MENTEE if i % 4 == 0 else "x@else.org"

    def event(begin: dt.datetime, extra: str) -> str:
        return (
            f"BEGIN:VEVENT\r\nUID:bench-{i}@example.edu\r\nDTSTAMP:20250601T000000Z\r\nSEQUENCE:{shift}\r\n"
            f"DTSTART;TZID=Eastern Standard Time:{begin:%Y%m%dT%H%M%S}\r\n"
            f"DTEND;TZID=Eastern Standard Time:{begin + dt.timedelta(minutes=45):%Y%m%dT%H%M%S}\r\n{extra}"
            f"SUMMARY:{'1:1' if i % 4 == 0 else 'Clinic'}\r\nORGANIZER:mailto:{OWNER}\r\n"
            f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:{other}\r\nEND:VEVENT\r\n"
        )

    if i % 10:
        return event(start, "")
    moved = start + dt.timedelta(weeks=2)
    return event(start, "RRULE:FREQ=WEEKLY;COUNT=10\r\n") + event(
        moved + dt.timedelta(hours=1), f"RECURRENCE-ID;TZID=Eastern Standard Time:{moved:%Y%m%dT%H%M%S}\r\n"
    )


def exchange_calendar(events: str) -> str:
    """An ICS file as Exchange writes one: its PRODID and Eastern Standard Time VTIMEZONE around
    ``events`` (``exchange_vevent``s); the one shape every ICS benchmark reads."""
    head = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:Microsoft Exchange Server 2010\r\n"
    return head + EXCHANGE_ZONE + events + "END:VCALENDAR\r\n"


def calendar_of(events: str) -> bytes:
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//EN\r\n{events}END:VCALENDAR\r\n".encode()


def timed(fn: Callable[[], list[CalendarOutcome]]) -> tuple[float, CalendarOutcome]:
    start = time.perf_counter()
    (outcome,) = fn()
    return time.perf_counter() - start, outcome


Row = tuple[str, float, float, int, CalendarOutcome]  # label, seconds, server seconds, requests, outcome


def measure(config: Config, ledger: Ledger, server: Server) -> list[Row]:
    def sync(run: str) -> list[CalendarOutcome]:
        return sync_batch(SyncContext(config=config, ledger=ledger, run_id=run), config.calendars)

    rows = []
    for label, before, repeat in (
        ("full", None, 1),
        ("unchanged", None, 5),
        ("1% changed", server.change, 5),
    ):
        runs = []
        for n in range(repeat):  # the median of a few runs: the machine is shared
            if before is not None:
                before()
            seen, busy = server.requests(), server.seconds()
            seconds, outcome = timed(lambda label=label, n=n: sync(f"{label}-{n}"))
            runs.append((label, seconds, server.seconds() - busy, server.requests() - seen, outcome))
        rows.append(sorted(runs, key=lambda run: run[1])[len(runs) // 2])
    return rows


@dataclass
class Server:
    requests: Callable[[], int]
    seconds: Callable[[], float]  # time spent inside the server so far
    change: Callable[[], None]  # move 1% of the events


def bench_config(path: Path, calendars: str) -> Config:
    """The bench department (``HEAD``) with one source's settings and calendars after it, written to
    ``path`` and loaded: every stand-in calendar is configured this way."""
    path.write_text(HEAD + calendars, encoding="utf-8")
    return load_config(path)


def one_percent_mover(events: int, move: Callable[[range, int], None]) -> Callable[[], None]:
    """A stand-in's ``Server.change``: each call has ``move(moved, shift)`` put every hundredth of the
    ``events`` (1%) again, ``shift`` hours later than they started, one hour more each call, so every
    call changes them."""
    shifts = iter(range(1, 1000))

    def change() -> None:
        move(range(0, events, 100), next(shifts))

    return change


@contextmanager
def graph_calendar(root: Path, events: int) -> Iterator[tuple[Config, Server]]:
    ca = make_test_ca(root / "tls")
    os.environ["SSL_CERT_FILE"] = os.environ["REQUESTS_CA_BUNDLE"] = str(ca.ca_file)
    service = FakeGraph(page_size=200)
    assert service.secret is not None
    os.environ["MENTORLEDGER_MICROSOFT_CLIENT_SECRET"] = service.secret
    service.put(OWNER, *(graph_event(i) for i in range(events)))
    with serve(service, ca) as base:
        config = bench_config(
            root / "m365.yaml",
            f"microsoft: {{tenant_id: {service.tenant}, client_id: {service.client_id}, authority: '{base}', "
            + f"graph_endpoint: '{base}/v1.0/'}}\ncalendars:\n  - {{owner: {OWNER}, m365: primary}}\n",
        )
        change = one_percent_mover(
            events, lambda moved, shift: service.put(OWNER, *(graph_event(i, shift=shift) for i in moved))
        )
        yield config, Server(lambda: len(service.graph_requests()), lambda: service.server_seconds, change)


@contextmanager
def caldav_calendar(root: Path, events: int) -> Iterator[tuple[Config, Server]]:
    import requests

    with radicale_server(root / "radicale", None) as server:
        url = make_calendar(server.base, "/bench/", None)
        for i in range(events):  # one resource per meeting, as clients store them
            requests.put(f"{url}b{i}.ics", data=calendar_of(vevent(i)), timeout=30)
        config = bench_config(root / "caldav.yaml", f"calendars:\n  - {{owner: {OWNER}, caldav: '{url}'}}\n")

        def move(moved: range, shift: int) -> None:
            for i in moved:
                requests.put(f"{url}b{i}.ics", data=calendar_of(vevent(i, shift=shift)), timeout=30)

        change = one_percent_mover(events, move)
        yield config, Server(lambda: len(server.seen), lambda: server.server_seconds, change)


@contextmanager
def ics_calendar(root: Path, events: int) -> Iterator[tuple[Config, Server]]:
    root.mkdir(parents=True, exist_ok=True)
    shifts = dict.fromkeys(range(events), 0)

    def write() -> None:
        body = "".join(exchange_vevent(i, shift) for i, shift in shifts.items())
        (root / "feed.ics").write_text(exchange_calendar(body), encoding="utf-8")

    def change() -> None:  # 1% of the meetings, one in ten of them a series, as in the whole file
        for k, i in enumerate(range(0, events, 100)):
            shifts[i + k % 10] += 1
        write()

    write()
    config = bench_config(root / "ics.yaml", f"calendars:\n  - {{owner: {OWNER}, ics: feed.ics}}\n")
    yield config, Server(lambda: 0, lambda: 0.0, change)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--only", choices=("m365", "caldav", "ics"), help="measure one source only")
    args = parser.parse_args()
    os.environ.pop("MENTORLEDGER_CALDAV_CREDENTIALS", None)
    results: dict[str, list[Row]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for kind, name, calendar in (
            ("m365", "Microsoft 365 (Graph stand-in)", graph_calendar),
            ("caldav", "CalDAV (Radicale)", caldav_calendar),
            ("ics", "ICS file (Exchange-style)", ics_calendar),
        ):
            if args.only not in (None, kind):
                continue
            ledger = Ledger.open(f"sqlite:///{root / (name[:6] + '.db')}")
            with calendar(root / name[:6], args.events) as (config, server):
                results[name] = measure(config, ledger, server)
    print(f"one calendar of {args.events} meetings; ratios are to the same source's full sync")
    print("  (mentorledger's side = wall time minus time inside the server, where it is measured)")
    for name, rows in results.items():
        full, full_server = rows[0][1], rows[0][2]
        print(f"  {name}")
        for label, seconds, server_seconds, requests, outcome in rows:
            writes = outcome.created + outcome.updated + outcome.removed
            ours = (seconds - server_seconds) / (full - full_server)
            print(
                f"    {label:<11} {seconds * 1000:8.1f} ms  {seconds / full:6.3f} x full  "
                f"mentorledger's side {ours:6.3f} x  {requests:3d} requests  {writes:4d} entry writes  ({outcome.outcome})"
            )
    print(json.dumps({name: round(rows[2][1] / rows[0][1], 4) for name, rows in results.items()}))


if __name__ == "__main__":
    main()
