"""The Prefect side of issue 11 on the test server: the monthly-mail flow sends each person one
message however often it runs; "sync now" through the sync deployment records its calendars under the
flow run's id and ends with the run; a chair who turned the report e-mail off gets none."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

import flows.on_demand as on_demand
from flows.digests import monthly_mail
from flows.sync_calendars import sync_calendars
from mentorledger import sync_jobs
from mentorledger.store.ledger import Ledger
from mentorledger.store.preferences import MailKind, set_preference
from mentorledger.web import sync_now
from tests.attestation.support import WITH_BEN, attesting_department, event
from tests.reviews.support import sync
from tests.smtpserver import smtp_server

pytestmark = pytest.mark.prefect


def test_the_monthly_mail_flow_sends_each_mentor_one_digest_however_often_it_runs(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with smtp_server() as inbox:
        config = attesting_department(
            tmp_path,
            [event("with-ben", 7, "09:00", "09:45", *WITH_BEN)],
            web={"public_url": "https://mentoring.example.edu"},
            smtp={
                "host": "127.0.0.1",
                "port": inbox.port,
                "security": "none",
                "from_address": "ml@med.example.edu",
            },
        )
        sync(config, Ledger.open(database_url))
        runs = [
            monthly_mail(
                config_path=str(config.source_path), kind="mentor", month="2025-10", database_url=database_url
            )
            for _ in range(2)
        ]
    assert runs[0]["sent"] == 7
    assert runs[0]["period"] == "2025-10"
    assert (runs[1]["sent"], runs[1]["already_sent"]) == (0, 7)
    assert set(Counter(to for recipients, _ in inbox.messages for to in recipients).values()) == {1}


def test_sync_now_through_the_deployment_records_under_the_flow_run_and_ends_with_it(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = attesting_department(tmp_path, [event("with-ben", 7, "09:00", "09:45", *WITH_BEN)])
    ledger = Ledger.open(database_url)
    started: list[dict[str, Any]] = []

    def fake_run_deployment(name: str, *, parameters: dict[str, Any], timeout: Any) -> Any:
        # Stands in for the server starting the deployment: the same flow, run here on the test server.
        started.append({"name": name, "timeout": timeout, **parameters})
        state = sync_calendars(
            config_path=str(config.source_path), database_url=database_url, **parameters, return_state=True
        )
        return SimpleNamespace(id=state.state_details.flow_run_id)

    monkeypatch.setattr(on_demand, "run_deployment", fake_run_deployment)
    monkeypatch.setattr(sync_now, "through_prefect", lambda: True)
    context = SimpleNamespace(config=config, ledger=ledger)
    keys = sync_jobs.selected_keys(config, None)
    job_id = sync_now.start(
        context, keys[:1], every=False, requested_by="dean@med.example.edu"
    )  # only config and ledger are read

    assert started == [{"name": "sync-calendars/calendar-shard", "timeout": 0, "calendars": keys[:1]}]
    job = sync_jobs.job(ledger, job_id)
    assert job is not None
    assert (job.mode, job.state, job.done, job.total) == ("prefect", "running", 1, 1)
    finished = sync_now.refreshed(ledger, job)  # asks the server how the flow run ended
    assert (finished.state, finished.error, [r.outcome for r in finished.results]) == (
        "completed",
        None,
        ["synced"],
    )


def test_a_chair_who_turned_the_report_mail_off_gets_none(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.effort_report import effort_report
    from tests.reports.department import email, sync_department, write_department

    department = write_department(tmp_path / "dept")
    sync_department(department, database_url)
    set_preference(Ledger.open(database_url), email("vicechair"), MailKind.CHAIR_REPORT, False)
    with smtp_server() as inbox:
        monkeypatch.setenv("MENTORLEDGER_SMTP_PORT", str(inbox.port))
        result = effort_report(
            config_path=str(department.config_path),
            department="Pediatrics",
            formats=["html"],
            out_dir=str(tmp_path / "out"),
            email=True,
            database_url=database_url,
        )
    assert result["emailed"] == [email("chair")]
    assert [to for to, _ in inbox.messages] == [[email("chair")]]
