""" "Sync now" from the web app: a job per request, its progress and outcome, in the ledger.

A job names the calendars it syncs and the ``run_id`` its calendar runs are recorded under
(``calendar_runs``), so any web worker reads the same progress: how many of its calendars have an
outcome yet, and which failed and why. Two ways to run one:

- **through Prefect** (a server is configured): the orchestration layer starts a run of the sync
  deployment; the run's id is the job's ``run_id`` (the flow records its calendars under it), and the
  job ends with the flow run (``finish``).
- **in-process** (no server): ``start_in_process`` runs the core sync engine (``sync_batch``) on a
  background thread of the web process, so the request that started it returns at once.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from mentorledger.config import Config
from mentorledger.store.ledger import Ledger
from mentorledger.store.schema import CalendarRow, CalendarRunRow, SyncJobRow
from mentorledger.sync import SyncContext, calendar_ref, sync_batch

PREFECT, IN_PROCESS = "prefect", "in-process"
RUNNING, COMPLETED, FAILED = "running", "completed", "failed"
STALE_AFTER = dt.timedelta(minutes=30)  # an in-process job silent this long: its web process has gone
_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CalendarResult:
    owner: str
    calendar: str
    outcome: str
    error: str | None


@dataclass(frozen=True, slots=True)
class Job:
    id: int
    run_id: str
    mode: str
    state: str
    requested_by: str
    requested_at: dt.datetime
    finished_at: dt.datetime | None
    error: str | None
    calendar_keys: tuple[str, ...]
    results: list[CalendarResult] = field(default_factory=list)
    last_activity: dt.datetime | None = None  # when its latest calendar finished (or it was started)

    @property
    def total(self) -> int:
        return len(self.calendar_keys)

    @property
    def done(self) -> int:
        return len(self.results)

    @property
    def failed(self) -> int:
        return sum(1 for r in self.results if r.outcome == "failed")

    @property
    def finished(self) -> bool:
        return self.state != RUNNING

    def interrupted(self, now: dt.datetime) -> bool:
        """An in-process job with no calendar finished for STALE_AFTER: its web process has gone."""
        last = max(self.requested_at, self.last_activity or self.requested_at)
        return self.mode == IN_PROCESS and not self.finished and now - last > STALE_AFTER


def selected_keys(config: Config, calendar_key: str | None) -> list[str]:
    """One configured calendar's key, or every calendar's (None); [] for a key not configured."""
    keys = [calendar_ref(source).calendar_key for source in config.calendars]
    if calendar_key is None:
        return keys
    return [calendar_key] if calendar_key in keys else []


def create_job(
    ledger: Ledger, *, run_id: str, mode: str, requested_by: str, calendar_keys: Sequence[str]
) -> int:
    with Session(ledger.engine) as session, session.begin():
        result = session.execute(
            insert(SyncJobRow)
            .values(
                run_id=run_id,
                requested_by=requested_by,
                requested_at=dt.datetime.now(dt.UTC),
                calendar_keys=list(calendar_keys),
                mode=mode,
                state=RUNNING,
            )
            .returning(SyncJobRow.id)
        )
        return int(result.scalar_one())


def finish(ledger: Ledger, job_id: int, state: str, error: str | None = None) -> None:
    with Session(ledger.engine) as session, session.begin():
        session.execute(
            update(SyncJobRow)
            .where(SyncJobRow.id == job_id, SyncJobRow.state == RUNNING)
            .values(state=state, error=error, finished_at=dt.datetime.now(dt.UTC))
        )


def job(ledger: Ledger, job_id: int) -> Job | None:
    """The job and the outcome of each of its calendars so far (the latest per calendar)."""
    with Session(ledger.engine) as session:
        row = session.get(SyncJobRow, job_id)
        if row is None:
            return None
        latest = (
            select(func.max(CalendarRunRow.id))
            .where(CalendarRunRow.run_id == row.run_id)
            .group_by(CalendarRunRow.calendar_id)
        )
        rows = session.execute(
            select(
                CalendarRow.owner,
                CalendarRow.label,
                CalendarRunRow.outcome,
                CalendarRunRow.error,
                CalendarRunRow.finished_at,
            )
            .join(CalendarRow, CalendarRunRow.calendar_id == CalendarRow.id)
            .where(CalendarRunRow.id.in_(latest), CalendarRow.calendar_key.in_(list(row.calendar_keys)))
            .order_by(CalendarRunRow.id)
        ).all()
        results = [CalendarResult(owner, label, outcome, error) for owner, label, outcome, error, _ in rows]
        return Job(
            row.id,
            row.run_id,
            row.mode,
            row.state,
            row.requested_by,
            row.requested_at,
            row.finished_at,
            row.error,
            tuple(row.calendar_keys),
            results,
            max((finished for *_, finished in rows), default=None),
        )


def running_job(ledger: Ledger, calendar_keys: Sequence[str]) -> int | None:
    """A job still running over exactly these calendars (and not interrupted)."""
    now = dt.datetime.now(dt.UTC)
    wanted = sorted(calendar_keys)
    with Session(ledger.engine) as session:
        ids = list(
            session.scalars(
                select(SyncJobRow.id)
                .where(SyncJobRow.state == RUNNING)
                .order_by(SyncJobRow.id.desc())
                .limit(20)
            )
        )
    for job_id in ids:
        found = job(ledger, job_id)
        if found is not None and sorted(found.calendar_keys) == wanted and not found.interrupted(now):
            return job_id
    return None


def start_in_process(
    config: Config, ledger: Ledger, *, calendar_keys: Sequence[str], requested_by: str
) -> int:
    """A job synced by the core engine on a background thread of this process; returns its id."""
    run_id = f"web-{uuid.uuid4()}"
    job_id = create_job(
        ledger, run_id=run_id, mode=IN_PROCESS, requested_by=requested_by, calendar_keys=calendar_keys
    )
    wanted = set(calendar_keys)
    sources = [s for s in config.calendars if calendar_ref(s).calendar_key in wanted]

    def work() -> None:
        try:
            sync_batch(SyncContext(config=config, ledger=ledger, run_id=run_id), sources)
        except Exception as exc:  # a bug or an outage: the job says so; the log has the frames
            _log.exception("sync job %s failed", job_id)
            finish(ledger, job_id, FAILED, f"the sync stopped ({exc.__class__.__name__}); see the log")
            return
        finish(ledger, job_id, COMPLETED)

    threading.Thread(target=work, name=f"sync-job-{job_id}", daemon=True).start()
    return job_id
