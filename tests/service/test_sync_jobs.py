""" "Sync now" jobs in the ledger: progress from the calendar runs recorded under the job's run id, one
running job per set of calendars, and an in-process job whose web process died shown as interrupted."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from sqlalchemy import update
from sqlalchemy.orm import Session

from mentorledger import sync_jobs
from mentorledger.store.ledger import Ledger
from mentorledger.store.schema import SyncJobRow
from tests.reviews.support import department, event


def test_an_in_process_job_records_each_calendar_and_ends_completed(
    tmp_path: Path, database_url: str
) -> None:
    config = department(
        tmp_path, {"a.ics": [event("a", 6, "09:00", "10:00")], "b.ics": [event("b", 7, "09:00", "10:00")]}
    )
    ledger = Ledger.open(database_url)
    keys = sync_jobs.selected_keys(config, None)
    job_id = sync_jobs.start_in_process(config, ledger, calendar_keys=keys, requested_by="dean@x.edu")
    deadline = time.monotonic() + 30
    while (found := sync_jobs.job(ledger, job_id)) is not None and not found.finished:
        assert time.monotonic() < deadline, "the job never finished"
        time.sleep(0.05)
    assert found is not None
    assert (found.state, found.done, found.total, found.failed) == ("completed", 2, 2, 0)
    assert {r.outcome for r in found.results} == {"synced"}
    assert sync_jobs.selected_keys(config, keys[1]) == [keys[1]]
    assert sync_jobs.selected_keys(config, "not-a-calendar") == []


def test_one_running_job_per_set_of_calendars_until_it_falls_silent(
    tmp_path: Path, database_url: str
) -> None:
    ledger = Ledger.open(database_url)
    job_id = sync_jobs.create_job(
        ledger, run_id="r1", mode=sync_jobs.IN_PROCESS, requested_by="dean@x.edu", calendar_keys=["k1", "k2"]
    )
    assert sync_jobs.running_job(ledger, ["k2", "k1"]) == job_id
    assert sync_jobs.running_job(ledger, ["k1"]) is None
    long_ago = dt.datetime.now(dt.UTC) - sync_jobs.STALE_AFTER - dt.timedelta(minutes=1)
    with Session(ledger.engine) as session, session.begin():
        session.execute(update(SyncJobRow).where(SyncJobRow.id == job_id).values(requested_at=long_ago))
    found = sync_jobs.job(ledger, job_id)
    assert found is not None
    assert found.interrupted(dt.datetime.now(dt.UTC))
    assert sync_jobs.running_job(ledger, ["k1", "k2"]) is None
