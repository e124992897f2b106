"""The coverage case (tests/data/cases/coverage): a school whose calendars stop syncing mid-year, with
people without calendars, future meetings, a prior year never synced, and departments of 4, 2 and 40
people, synced on a fixed timeline through the real sync engine (the ledger's clock is set per run).

Its hand-counted numbers and their stories are in the case's expected.yaml.
"""

from __future__ import annotations

import datetime as dt
import shutil
import threading
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from mentorledger.asof import resolve_as_of
from mentorledger.config import Config, load_config
from mentorledger.store.ledger import Ledger
from mentorledger.sync import SyncContext, sync_batch

CASE = Path(__file__).resolve().parent.parent / "data" / "cases" / "coverage"
EXPECTED: dict[str, Any] = yaml.safe_load((CASE / "expected.yaml").read_text(encoding="utf-8"))
TZ = ZoneInfo("America/New_York")
AS_OF = resolve_as_of(EXPECTED["as_of"], TZ)
START, END = dt.date(2025, 7, 1), dt.date(2026, 6, 30)
MEDICINE = 40
BEN_LAST_SYNC = dt.datetime(2026, 1, 15, 12, tzinfo=dt.UTC)
BEN_FAILS = dt.datetime(2026, 2, 1, 12, tzinfo=dt.UTC)
EVERYONE_SYNCS = dt.datetime(2026, 3, 5, 12, tzinfo=dt.UTC)


def medic(i: int) -> str:
    return f"m{i:02d}@case.example.edu"


def _medicine_calendar(i: int) -> str:
    """Mentor i's i one-hour meetings, one a day from 2025-07-01: a load of i hours."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//mentorledger tests//coverage case//EN"]
    for day in range(i):
        start = dt.datetime(2025, 7, 1, 8) + dt.timedelta(days=day)
        lines += [
            "BEGIN:VEVENT",
            f"UID:m{i:02d}-{day}",
            "DTSTAMP:20250601T000000Z",
            f"DTSTART;TZID=America/New_York:{start:%Y%m%dT%H%M%S}",
            f"DTEND;TZID=America/New_York:{start + dt.timedelta(hours=1):%Y%m%dT%H%M%S}",
            f"ORGANIZER:mailto:{medic(i)}",
            "SUMMARY:#mentoring huddle",
            "END:VEVENT",
        ]
    return "\r\n".join([*lines, "END:VCALENDAR", ""])


@dataclass(frozen=True)
class Case:
    config_path: Path
    config: Config
    ledger: Ledger


@dataclass
class Feed:
    """Ben's calendar as a feed on a loopback server, until it starts failing (503)."""

    body: bytes
    failing: bool = False
    url: str = ""
    requests: list[str] = field(default_factory=list)


@contextmanager
def ben_feed() -> Iterator[Feed]:
    feed = Feed((CASE / "calendars" / "ben.ics").read_bytes())

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            feed.requests.append(self.path)
            if feed.failing:
                self.send_error(503, "calendar server down")
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/calendar")
            self.end_headers()
            self.wfile.write(feed.body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    feed.url = f"http://127.0.0.1:{server.server_port}/ben.ics"
    try:
        yield feed
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def write_case(root: Path, ben_url: str) -> Path:
    """The case's files under ``root``, Ben's calendar at ``ben_url``, and the 40-mentor Medicine
    department added."""
    shutil.copytree(CASE, root)
    data = yaml.safe_load((root / "department.yaml").read_text(encoding="utf-8"))
    for calendar in data["calendars"]:
        if calendar["owner"] == "ben@case.example.edu":
            calendar["ics"] = ben_url
    data["sync"] = {"allow_private_addresses": True}  # Ben's feed is served on 127.0.0.1
    for i in range(1, MEDICINE + 1):
        (root / "calendars" / f"m{i:02d}.ics").write_text(_medicine_calendar(i), encoding="utf-8")
        data["people"].append(
            {"email": medic(i), "name": f"Medic {i:02d}", "department": "Medicine", "rank": "instructor"}
        )
        data["calendars"].append({"owner": medic(i), "ics": f"calendars/m{i:02d}.ics"})
    path = root / "department.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _sync(
    config: Config,
    database_url: str,
    at: dt.datetime,
    owners: Sequence[str] | None,
    *,
    exclude: Sequence[str] = (),
) -> list[str]:
    ledger = Ledger.open(database_url, clock=lambda: at)
    sources = [
        c for c in config.calendars if (owners is None or c.owner in owners) and c.owner not in exclude
    ]
    context = SyncContext(config=config, ledger=ledger, run_id=uuid.uuid4().hex, sleep=lambda _s: None)
    return [o.outcome for o in sync_batch(context, sources)]


def sync_case(root: Path, database_url: str) -> Case:
    """Write the case under ``root`` and sync it on the timeline of expected.yaml: Ben's feed syncs on
    Jan 15, then fails; everyone else but Eve syncs after the as-of date; Eve's never syncs."""
    ben = "ben@case.example.edu"
    with ben_feed() as feed:
        config_path = write_case(root, feed.url)
        config = load_config(config_path)
        assert _sync(config, database_url, BEN_LAST_SYNC, [ben]) == ["synced"]
        feed.failing = True
        assert _sync(config, database_url, BEN_FAILS, [ben]) == ["failed"]
        outcomes = _sync(config, database_url, EVERYONE_SYNCS, None, exclude=["eve@case.example.edu"])
    assert sorted(set(outcomes)) == ["failed", "synced"]
    assert outcomes.count("failed") == 1
    return Case(config_path, config, Ledger.open(database_url))
