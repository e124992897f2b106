"""Several workers writing the same calendar at once (a batch re-run after its worker died) leave one
consistent ledger: every entry once, one calendar row, nothing lost; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mentorledger.counting import Category, Entry
from mentorledger.sources.protocol import Cursor
from mentorledger.store.concurrency import upsert_entries
from mentorledger.store.ledger import CalendarRef, CalendarState, Ledger, RunRecord
from mentorledger.store.schema import AuditRow, CalendarRow, CalendarRunRow, EntryRow

REF = CalendarRef(calendar_key="k" * 32, owner="ana@med.example.edu", kind="ics", label="cals/ana.ics")
WINDOW = (dt.datetime(2025, 7, 1, tzinfo=dt.UTC), dt.datetime(2026, 7, 1, tzinfo=dt.UTC))


def entries(n: int, *, minutes: int = 60) -> list[Entry]:
    start = dt.datetime(2025, 9, 1, 14, tzinfo=dt.UTC)
    return [
        Entry(
            source_key=f"src-{i:04d}",
            event_key=f"evt-{i:04d}",
            owner=REF.owner,
            start=start + dt.timedelta(days=i),
            end=start + dt.timedelta(days=i, minutes=minutes),
            category=Category.MENTEE,
            rule="mentee:ben@med.example.edu",
            group_id=None,
            participants=("ben@med.example.edu",),
        )
        for i in range(n)
    ]


def run_together(*jobs: Callable[[], object]) -> list[BaseException]:
    """Start the jobs at the same instant on their own threads; return what they raised."""
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def runner(job: Callable[[], object]) -> None:
        barrier.wait()
        try:
            job()
        except BaseException as exc:  # collected and asserted on below
            errors.append(exc)

    threads = [threading.Thread(target=runner, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def apply_job(ledger: Ledger, wanted: list[Entry], run_id: str) -> Callable[[], object]:
    started = dt.datetime.now(dt.UTC)
    return lambda: ledger.apply(
        REF,
        wanted,
        window=WINDOW,
        state=CalendarState(cursor=Cursor(1, data={"content_hash": "h"})),
        run=RunRecord(run_id, started, "synced"),
    )


def counts(ledger: Ledger) -> dict[str, int]:
    with Session(ledger.engine) as session:
        return {
            "calendars": session.scalar(select(func.count()).select_from(CalendarRow)) or 0,
            "entries": session.scalar(select(func.count()).select_from(EntryRow)) or 0,
            "active": session.scalar(select(func.count()).where(EntryRow.status == "active")) or 0,
            "created": session.scalar(select(func.count()).where(AuditRow.action == "created")) or 0,
            "runs": session.scalar(select(func.count()).select_from(CalendarRunRow)) or 0,
        }


def test_two_workers_applying_the_same_new_calendar_at_once_store_each_entry_once(database_url: str) -> None:
    ledger = Ledger.open(database_url)
    wanted = entries(40)

    errors = run_together(apply_job(ledger, wanted, "run-a"), apply_job(ledger, wanted, "run-b"))

    assert errors == []
    assert counts(ledger) == {"calendars": 1, "entries": 40, "active": 40, "created": 40, "runs": 2}


def test_many_concurrent_re_runs_of_a_batch_converge_on_the_newest_content(database_url: str) -> None:
    ledger = Ledger.open(database_url)
    ledger.apply(
        REF,
        entries(10),
        window=WINDOW,
        state=CalendarState(),
        run=RunRecord("first", dt.datetime.now(dt.UTC), "synced"),
    )
    edited = entries(12, minutes=90)  # every meeting longer, and two new ones

    errors = run_together(*(apply_job(ledger, edited, f"rerun-{i}") for i in range(4)))

    assert errors == []
    stored = ledger.entries([REF.calendar_key], *WINDOW)
    assert sorted(e.source_key for e in stored) == sorted(e.source_key for e in edited)
    assert {(e.end - e.start) for e in stored} == {dt.timedelta(minutes=90)}
    assert counts(ledger)["entries"] == 12


def test_inserting_an_entry_that_already_exists_updates_it_and_keeps_the_mentors_review(
    database_url: str,
) -> None:
    ledger = Ledger.open(database_url)
    (original,) = entries(1)
    ledger.apply(
        REF,
        [original],
        window=WINDOW,
        state=CalendarState(),
        run=RunRecord("r", dt.datetime.now(dt.UTC), "synced"),
    )
    with Session(ledger.engine) as session, session.begin():
        row = session.scalars(select(EntryRow)).one()
        row.review = "confirmed"
        calendar_id = row.calendar_id
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    duplicate = {
        "source_key": original.source_key,
        "calendar_id": calendar_id,
        "owner": original.owner,
        "event_key": original.event_key,
        "start_utc": original.start,
        "end_utc": original.end + dt.timedelta(minutes=30),
        "category": "tag",
        "rule": "tag:#mentoring",
        "group_id": None,
        "participants": [],
        "fingerprint": "changed",
        "status": "active",
        "first_seen_at": later,
        "updated_at": later,
        "removed_at": None,
    }

    with Session(ledger.engine) as session, session.begin():
        session.execute(upsert_entries(session), [duplicate])

    with Session(ledger.engine) as session:
        row = session.scalars(select(EntryRow)).one()
        assert (row.category, row.fingerprint, row.review) == ("tag", "changed", "confirmed")
        assert row.end_utc == original.end + dt.timedelta(minutes=30)
        assert row.first_seen_at < later
