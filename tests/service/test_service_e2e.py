"""End to end, as an institution runs it: a real Prefect server on PostgreSQL, a process worker, two
task workers, the ``hourly-sync`` deployment from prefect.yaml, slow loopback ICS feeds, and a task
worker killed with SIGKILL in the middle of a run. The ledger must end exactly as a clean run leaves it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from mentorledger.config import load_config
from mentorledger.counting import RuleBook, count_instances, window_bounds
from mentorledger.hours import compute_hours
from mentorledger.sources.ics.parse import parse_ics
from mentorledger.store.admin import drop_database, ensure_database
from mentorledger.store.ledger import Ledger
from mentorledger.store.schema import CalendarRunRow
from mentorledger.sync import calendar_ref
from tests.conftest import DEFAULT_POSTGRES_URL, ROOT, fail_in_ci_else_skip, postgres_unreachable
from tests.service.stack import SlowFeeds, Stack, free_port, healthy, wait_until

pytestmark = pytest.mark.service

CALENDARS = 24
BATCH_SIZE = 2  # 12 batches: enough in flight that the killed worker is always busy
FEED_DELAY = 0.5  # seconds per feed request: a batch takes ~1 s
VERSIONS = {1: (3, 60), 2: (5, 30)}  # version -> (weekly meetings, minutes each)
BIN = Path(sys.executable).parent


def ics(i: int, version: int) -> bytes:
    count, minutes = VERSIONS[version]
    start = dt.datetime(2025, 10, 1, 9 + i % 8, 0)
    end = start + dt.timedelta(minutes=minutes)
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//e2e//EN\r\nBEGIN:VEVENT\r\n"
        f"UID:checkin-{i}\r\nDTSTART;TZID=America/New_York:{start:%Y%m%dT%H%M%S}\r\n"
        f"DTEND;TZID=America/New_York:{end:%Y%m%dT%H%M%S}\r\nRRULE:FREQ=WEEKLY;COUNT={count}\r\n"
        f"ORGANIZER:mailto:m{i:02d}@med.example.edu\r\n"
        f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:s{i:02d}@med.example.edu\r\n"
        "SUMMARY:Check-in\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


def write_department(root: Path, feeds_url: str) -> Path:
    people = []
    relationships = []
    calendars = []
    for i in range(CALENDARS):
        people.append(
            f"  - {{email: m{i:02d}@med.example.edu, name: M{i}, department: Peds, rank: professor}}"
        )
        people.append(
            f"  - {{email: s{i:02d}@med.example.edu, name: S{i}, department: Peds, rank: resident}}"
        )
        relationships.append(
            f"  - {{mentor: m{i:02d}@med.example.edu, mentee: s{i:02d}@med.example.edu, kind: dyad, "
            "start: 2025-07-01}"
        )
        calendars.append(f"  - {{owner: m{i:02d}@med.example.edu, ics: '{feeds_url}/c{i}.ics'}}")
    path = root / "department.yaml"
    path.write_text(
        "institution: E2E School of Medicine\ntimezone: America/New_York\n"
        "window: {start: 2025-07-01, end: 2026-06-30}\n"
        "sync: {allow_private_addresses: true}\n"  # the feeds are served on 127.0.0.1
        "people:\n" + "\n".join(people) + "\nrelationships:\n" + "\n".join(relationships) + "\n"
        "calendars:\n" + "\n".join(calendars) + "\n",
        encoding="utf-8",
    )
    return path


def expected_mentors(version: int) -> list[dict[str, Any]]:
    """Worked out from the test data, not by the code under test: one meeting series per mentor."""
    count, minutes = VERSIONS[version]
    return [
        {
            "email": f"m{i:02d}@med.example.edu",
            "minutes": count * minutes,
            "by_category": {"group": 0, "mentee": count * minutes, "tag": 0},
            "entries": count,
            # Rules 8 and 9: no one reviewed or added anything, so every minute awaits review.
            "confirmed_minutes": 0,
            "pending_minutes": count * minutes,
            "manual_minutes": 0,
        }
        for i in range(CALENDARS)
    ]


def clean_entries(config_path: Path, feeds: SlowFeeds) -> set[tuple[str, str, str, str]]:
    """What a clean sync of the current feeds stores: the core's reading and counting, in memory."""
    config = load_config(config_path)
    book = RuleBook(config)
    window = window_bounds(book.window, book.tz)
    wanted = set()
    for i, source in enumerate(config.calendars):
        parsed = parse_ics(feeds.calendars[f"c{i}.ics"], start=window[0], end=window[1], fallback_tz=book.tz)
        counted = count_instances(
            parsed.instances, owner=source.owner, calendar_key=calendar_ref(source).calendar_key, book=book
        )
        wanted |= {
            (e.source_key, e.start.isoformat(), e.end.isoformat(), str(e.category)) for e in counted.entries
        }
    return wanted


def ledger_entries(config_path: Path, database_url: str) -> set[tuple[str, str, str, str]]:
    config = load_config(config_path)
    keys = [calendar_ref(s).calendar_key for s in config.calendars]
    window = window_bounds(RuleBook(config).window, RuleBook(config).tz)
    stored = Ledger.open(database_url).entries(keys, *window, include_excluded=True)
    return {(e.source_key, e.start.isoformat(), e.end.isoformat(), str(e.category)) for e in stored}


def hours(config_path: Path, database_url: str) -> list[dict[str, Any]]:
    mentors: list[dict[str, Any]] = compute_hours(
        load_config(config_path), Ledger.open(database_url)
    ).as_json()["mentors"]
    return sorted(mentors, key=lambda m: m["email"])


def runs_recorded(database_url: str, run_id: str) -> int:
    with Session(Ledger.open(database_url).engine) as session:
        return session.scalar(select(func.count()).where(CalendarRunRow.run_id == run_id)) or 0


class Api:
    def __init__(self, url: str) -> None:
        self.client = httpx.Client(base_url=url, timeout=30)

    def start(self, deployment: str, parameters: dict[str, Any]) -> str:
        found = self.client.get(f"/deployments/name/{deployment}")
        found.raise_for_status()
        created = self.client.post(
            f"/deployments/{found.json()['id']}/create_flow_run", json={"parameters": parameters}
        )
        created.raise_for_status()
        run_id: str = created.json()["id"]
        return run_id

    def state(self, flow_run_id: str) -> dict[str, Any]:
        response = self.client.get(f"/flow_runs/{flow_run_id}")
        response.raise_for_status()
        state: dict[str, Any] = response.json()["state"] or {}
        return state

    def finished(self, flow_run_id: str) -> dict[str, Any] | None:
        state = self.state(flow_run_id)
        return state if state.get("type") in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED") else None

    def crashed_task_runs(self) -> list[dict[str, Any]]:
        response = self.client.post(
            "/task_runs/filter", json={"task_runs": {"state": {"type": {"any_": ["CRASHED"]}}}}
        )
        response.raise_for_status()
        runs: list[dict[str, Any]] = response.json()
        return runs


def postgres_admin_url() -> str:
    url = os.environ.get("MENTORLEDGER_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    error = postgres_unreachable(url)
    if error is not None:
        message = f"the service test needs PostgreSQL at {url} for the Prefect server ({error})"
        fail_in_ci_else_skip(message, f"SKIPPING SERVICE TEST: {message}")
    return url


def test_service_syncs_on_task_workers_and_a_killed_worker_loses_and_doubles_nothing(
    tmp_path: Path, database_url: str
) -> None:
    admin = make_url(postgres_admin_url())
    prefect_db = admin.set(
        drivername="postgresql+asyncpg", database=f"prefect_e2e_{uuid.uuid4().hex[:10]}", query={}
    )
    prefect_db_url = prefect_db.render_as_string(hide_password=False)
    port = free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    logs = tmp_path / "logs"
    logs.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "MENTORLEDGER_"))}
    env.update(
        {
            "PREFECT_HOME": str(tmp_path / "prefect-home"),
            "PREFECT_API_URL": api_url,
            "PREFECT_LOCAL_STORAGE_PATH": str(tmp_path / "prefect-storage"),  # shared result storage
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_UI_ENABLED": "false",
            "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "5",  # schedule the hourly runs soon
            "PREFECT_WORKER_QUERY_SECONDS": "2",
            "PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW": "ignore",  # background tasks log locally
            "MENTORLEDGER_DATABASE_URL": database_url,
            "MENTORLEDGER_HOME": str(ROOT),
            "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        }
    )
    stack = Stack(ROOT, logs, env)
    ensure_database(prefect_db_url)
    try:
        with SlowFeeds(FEED_DELAY) as feeds:
            config_path = write_department(tmp_path, feeds.base_url)
            env["MENTORLEDGER_CONFIG"] = str(config_path)
            for i in range(CALENDARS):
                feeds.calendars[f"c{i}.ics"] = ics(i, 1)
            _run_scenario(stack, api_url, prefect_db_url, port, config_path, feeds, database_url)
    finally:
        stack.stop_all()
        drop_database(prefect_db_url)
    for service in stack.services:  # nothing the test started is left running (once SIGKILL has landed)
        wait_until(
            lambda s=service: not _group_alive(s.process.pid), timeout=30, what=f"{service.name} to exit"
        )


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def _run_scenario(
    stack: Stack,
    api_url: str,
    prefect_db_url: str,
    port: int,
    config_path: Path,
    feeds: SlowFeeds,
    database_url: str,
) -> None:
    prefect = str(BIN / "prefect")
    began = time.monotonic()
    timings: dict[str, float] = {}

    def mark(what: str) -> None:
        timings[what] = round(time.monotonic() - began, 1)

    server = stack.start(
        "server",
        prefect,
        "server",
        "start",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        extra_env={"PREFECT_API_DATABASE_CONNECTION_URL": prefect_db_url},
    )
    try:
        wait_until(
            lambda: healthy(api_url) or not server.alive(), timeout=150, interval=1, what="Prefect server"
        )
        assert server.alive(), server.tail()
        mark("server healthy")
        stack.run(prefect, "work-pool", "create", "mentorledger-process", "--type", "process")
        serve = (prefect, "task", "serve", "tasks/sync.py:sync_calendar_batch", "--limit", "2")
        doomed = stack.start("task-worker-1", *serve)
        stack.start("task-worker-2", *serve)
        stack.start(
            "worker", prefect, "worker", "start", "--pool", "mentorledger-process", "--type", "process"
        )
        stack.run(prefect, "--no-prompt", "deploy", "-n", "hourly-sync", timeout=180)
        mark("deployed")

        api = Api(api_url)
        parameters = {"batch_size": BATCH_SIZE, "batch_timeout": 6, "queue_timeout": 15}

        # 1. An hourly run on the task workers fills the ledger.
        first = api.start("sync-calendars/hourly-sync", parameters)
        state = wait_until(lambda: api.finished(first), timeout=240, interval=1, what="the first sync run")
        assert state["type"] == "COMPLETED", state
        assert hours(config_path, database_url) == expected_mentors(1)
        mark("run 1 done")

        # 2. Every feed changes; one task worker dies (SIGKILL) while batches are in flight.
        for i in range(CALENDARS):
            feeds.calendars[f"c{i}.ics"] = ics(i, 2)
        second = api.start("sync-calendars/hourly-sync", parameters)
        wait_until(
            lambda: runs_recorded(database_url, second) > 0, timeout=240, what="the first batch of run 2"
        )
        doomed.kill_hard()
        mark("task worker killed")
        state = wait_until(lambda: api.finished(second), timeout=240, interval=1, what="the second sync run")
        assert state["type"] == "COMPLETED", state
        mark("run 2 done")

        assert api.crashed_task_runs(), "the killed worker's batches were never noticed and re-queued"
        assert hours(config_path, database_url) == expected_mentors(2)  # nothing lost, nothing doubled
        assert ledger_entries(config_path, database_url) == clean_entries(config_path, feeds)

        # 3. A clean embedded run (no task workers) of the same configuration finds nothing to change.
        feeds.delay = 0
        embedded = stack.run(
            str(BIN / "mentorledger"), "sync", "--config", str(config_path), "--batch-size", "50", timeout=180
        )
        assert f"{CALENDARS} unchanged" in embedded.stdout, embedded.stdout + embedded.stderr
        mark("embedded run done")

        # 4. On demand: one person's calendar through the queue (the surviving task worker takes it),
        #    and the health view with the next scheduled run of the deployment.
        feeds.calendars["c3.ics"] = ics(3, 1)
        resync = stack.run(
            str(BIN / "mentorledger"),
            "resync",
            "--config",
            str(config_path),
            "--calendar",
            "m03@med.example.edu",
        )
        assert "Synced 1 calendars: 1 synced" in resync.stdout, resync.stdout + resync.stderr
        resynced_at = dt.datetime.now(dt.UTC)
        assert hours(config_path, database_url)[3] == expected_mentors(1)[3]
        status = json.loads(
            stack.run(
                str(BIN / "mentorledger"), "status", "--config", str(config_path), "--format", "json"
            ).stdout
        )
        assert status["prefect"] == "connected"
        # The server's scheduler made the deployment's hourly runs: the next one is within the hour.
        upcoming = [r for r in status["scheduled_runs"] if r["deployment"] == "sync-calendars/hourly-sync"]
        assert upcoming, status["scheduled_runs"]
        next_start = dt.datetime.fromisoformat(upcoming[0]["expected_start"])
        assert next_start - dt.datetime.now(dt.UTC) <= dt.timedelta(hours=1)
        assert (next_start.minute, next_start.second) == (0, 0)
        outcomes = {c["owner"]: c["last_outcome"] for c in status["calendars"]}
        # The deployment's real hourly schedule stays active: when the test spans the top of the hour,
        # a scheduled run syncs every calendar after the resync and finds m03 unchanged too.
        scheduled_run_since = all(
            dt.datetime.fromisoformat(c["last_success_at"]) > resynced_at for c in status["calendars"]
        )
        assert outcomes.pop("m03@med.example.edu") == ("unchanged" if scheduled_run_since else "synced")
        assert set(outcomes.values()) == {"unchanged"}  # the embedded (or scheduled) run's verdict
        assert all(c["healthy"] for c in status["calendars"])
        mark("resync and status done")
    except BaseException:
        print(stack.diagnostics())
        raise
    finally:
        print(f"service test timings (s since server start): {timings}")
