"""A department for the crash and concurrency cases: its feeds in two versions (the second moves,
removes and adds events), a child process that syncs it with the core engine, and the ledger's
content as a comparable value (what a clean run leaves, without ids, clocks or run ids)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mentorledger.store.ledger import Ledger
from mentorledger.store.schema import AuditRow, CalendarRow, CalendarRunRow, CoverageRow, EntryRow

CALENDARS = 10
EVENTS = 50
REPO = Path(__file__).resolve().parents[2]


def feed(i: int, version: int) -> str:
    """Calendar ``i``: weekly series and single meetings with the next person; version 2 moves every
    third event an hour, drops every fifth and adds a few."""
    owner, other = f"p{i}@med.example.edu", f"p{(i + 1) % CALENDARS}@med.example.edu"
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//reliability//EN"]
    count = EVENTS + (5 if version == 2 else 0)
    for j in range(count):
        if version == 2 and j % 5 == 4:
            continue
        start = dt.datetime(2025, 7, 7, 9) + dt.timedelta(days=(j * 5) % 340, hours=j % 7)
        if version == 2 and j % 3 == 0:
            start += dt.timedelta(hours=1)
        lines += [
            "BEGIN:VEVENT",
            f"UID:{i}-{j}@reliability",
            f"DTSTART;TZID=America/New_York:{start:%Y%m%dT%H%M%S}",
            "DURATION:PT45M",
            f"SUMMARY:{'Check-in #mentoring' if j % 2 else '1:1'}",
            f"ORGANIZER:mailto:{owner}",
            f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:{other}",
            *(["RRULE:FREQ=WEEKLY;COUNT=10"] if j % 10 == 0 else []),
            "END:VEVENT",
        ]
    return "\r\n".join([*lines, "END:VCALENDAR"]) + "\r\n"


def write_department(root: Path, version: int = 1) -> Path:
    (root / "cals").mkdir(parents=True, exist_ok=True)
    write_feeds(root, version)
    people = "\n".join(
        f"  - {{email: p{i}@med.example.edu, name: P{i}, department: Medicine, rank: professor}}"
        for i in range(CALENDARS)
    )
    relationships = "\n".join(
        f"  - {{mentor: p{i}@med.example.edu, mentee: p{(i + 1) % CALENDARS}@med.example.edu, "
        "kind: dyad, start: 2025-07-01}"
        for i in range(CALENDARS)
    )
    calendars = "\n".join(
        f"  - {{owner: p{i}@med.example.edu, ics: cals/c{i}.ics}}" for i in range(CALENDARS)
    )
    config = root / "department.yaml"
    config.write_text(
        "institution: Reliability School of Medicine\ntimezone: America/New_York\n"
        "window: {start: 2025-07-01, end: 2026-06-30}\ncounting: {tags: ['#mentoring']}\n"
        f"people:\n{people}\nrelationships:\n{relationships}\ncalendars:\n{calendars}\n",
        encoding="utf-8",
    )
    return config


def write_feeds(root: Path, version: int) -> None:
    for i in range(CALENDARS):
        (root / "cals" / f"c{i}.ics").write_text(feed(i, version), encoding="utf-8")


def start_sync(config: Path, database_url: str, run_id: str) -> subprocess.Popen[str]:
    """``tests.reliability.sync_child`` in its own process; it prints "ready" before it starts."""
    return subprocess.Popen(
        [sys.executable, "-m", "tests.reliability.sync_child", str(config), database_url, run_id],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_ready(process: subprocess.Popen[str]) -> None:
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.strip() == "ready", (line, process.stderr.read() if process.stderr else "")


def finish(process: subprocess.Popen[str]) -> None:
    """Wait for the sync to end; it must have synced every calendar."""
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr
    assert "synced" in stdout, stdout


def content(database_url: str) -> dict[str, Any]:
    """Everything a sync decides, as sorted lists: entries, calendars' states, covered spans and the
    audit (a change recorded by a run that died must not stay, nor be recorded twice)."""
    ledger = Ledger.open(database_url)
    with Session(ledger.engine) as session:
        keys = dict(session.execute(select(CalendarRow.id, CalendarRow.calendar_key)).tuples().all())
        entries = sorted(
            (
                r.source_key,
                keys[r.calendar_id],
                r.owner,
                r.event_key,
                r.start_utc.isoformat(),
                r.end_utc.isoformat(),
                r.category,
                r.rule,
                r.group_id,
                tuple(r.participants),
                r.fingerprint,
                r.revision,
                r.status,
                r.review,
            )
            for r in session.scalars(select(EntryRow))
        )
        calendars = sorted(
            (
                r.calendar_key,
                r.owner,
                r.kind,
                r.label,
                r.rules_fingerprint,
                repr(r.cursor),
                r.last_error,
                r.consecutive_failures,
                r.synced_window_start,
                r.synced_window_end,
            )
            for r in session.scalars(select(CalendarRow))
        )
        coverage = sorted(
            (keys[r.calendar_id], r.start_utc, r.end_utc) for r in session.scalars(select(CoverageRow))
        )
        audit = sorted(
            (keys[r.calendar_id], r.source_key, r.action, repr(r.before), repr(r.after))
            for r in session.scalars(select(AuditRow))
        )
    return {"entries": entries, "calendars": calendars, "coverage": coverage, "audit": audit}


def runs_recorded_twice(database_url: str) -> list[tuple[str, int]]:
    """(run, calendar) pairs with more than one outcome row: a calendar a run recorded twice."""
    with Session(Ledger.open(database_url).engine) as session:
        pairs = session.execute(select(CalendarRunRow.run_id, CalendarRunRow.calendar_id)).tuples().all()
    counted: dict[tuple[str, int], int] = {}
    for pair in pairs:
        counted[pair] = counted.get(pair, 0) + 1
    return [pair for pair, n in counted.items() if n > 1]
