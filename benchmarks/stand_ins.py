"""Re-sync cost of the API sources, as fractions of their full sync: one Google calendar (the loopback
Calendar API stand-in the tests use) and one Microsoft 365 calendar (the HTTPS Graph stand-in), each of
``events`` meetings, synced by the core (full, unchanged, 1% moved). Used by ``bench_scale.py``."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from benchmarks.bench_sources import (
    OWNER,
    Row,
    Server,
    bench_config,
    graph_calendar,
    measure,
    one_percent_mover,
    start_of,
)
from mentorledger.config import Config
from mentorledger.store.ledger import Ledger
from tests.google.fakes import rsa_key_pair, service_account_info
from tests.google.server import FakeCalendarService, serve


def google_event(i: int, shift: int = 0) -> dict[str, Any]:
    start = start_of(i, shift)
    end = start + dt.timedelta(minutes=45)
    return {
        "kind": "calendar#event",
        "id": f"bench{i:06d}",
        "status": "confirmed",
        "iCalUID": f"bench-{i}@example.edu",
        "summary": "1:1 #mentoring" if i % 4 == 0 else "Clinic",
        "organizer": {"email": OWNER, "self": True},
        "start": {"dateTime": start.isoformat()},
        "end": {"dateTime": end.isoformat()},
        "updated": f"2025-06-01T00:00:{shift % 60:02d}Z",
    }


@contextmanager
def google_calendar(root: Path, events: int) -> Iterator[tuple[Config, Server]]:
    private, public = rsa_key_pair()
    service = FakeCalendarService(public_key_pem=public, page_size=250)
    service.put(OWNER, *(google_event(i) for i in range(events)))
    with serve(service) as base:
        key_file = root / "service-account.json"
        key_file.write_text(json.dumps(service_account_info(f"{base}/token", private)), encoding="utf-8")
        os.environ["MENTORLEDGER_GOOGLE_CREDENTIALS"] = str(key_file)
        config = bench_config(
            root / "google.yaml",
            f"google_api_endpoint: {base}/calendar/v3\ngoogle: {{requests_per_minute: 60000}}\n"
            + f"calendars:\n  - {{owner: {OWNER}, google: primary}}\n",
        )
        change = one_percent_mover(
            events, lambda moved, shift: service.put(OWNER, *(google_event(i, shift=shift) for i in moved))
        )
        yield config, Server(lambda: len(service.requests), lambda: 0.0, change)


def resync_fractions(root: Path, events: int) -> tuple[tuple[float, float], tuple[float, float]]:
    """((unchanged, 1% changed) of Google, the same of Graph), each as a fraction of its full sync."""
    fractions = []
    for name, calendar in (("google", google_calendar), ("graph", graph_calendar)):
        folder = root / name
        folder.mkdir(parents=True, exist_ok=True)
        ledger = Ledger.open(f"sqlite:///{folder / 'ledger.db'}")
        with calendar(folder, events) as (config, server):
            rows: list[Row] = measure(config, ledger, server)
        full = rows[0][1]
        fractions.append((rows[1][1] / full, rows[2][1] / full))
    return fractions[0], fractions[1]
