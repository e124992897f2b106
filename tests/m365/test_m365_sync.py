"""Microsoft 365 calendars through the HTTPS stand-in for Entra ID and Graph v1.0, with real msal."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from mentorledger.config import Config, load_config
from mentorledger.store.ledger import Ledger
from mentorledger.store.schema import EntryRow
from mentorledger.sync import CalendarOutcome, SyncContext, sync_batch
from tests.google.department import (
    ANA,
    BEN,
    CARA,
    EXPECTED,
    graph_id,
    meetings,
    to_graph,
    write_m365_department,
)
from tests.ledger_checks import audit_rows, hours_by_mentor
from tests.m365.conftest import Graph
from tests.m365.fakes import Sleeps, department_config, load_department

TENANT = "00000000-0000-0000-0000-000000000000"


@pytest.fixture
def ledger(database_url: str) -> Ledger:
    return Ledger.open(database_url)


def sync(config: Config, ledger: Ledger, run_id: str, sleeps: Sleeps | None = None) -> list[CalendarOutcome]:
    """Outcomes in configuration order: Ana, Cara, Ben."""
    context = SyncContext(
        config=config, ledger=ledger, run_id=run_id, sleep=sleeps if sleeps is not None else Sleeps()
    )
    return sync_batch(context, config.calendars)


def test_first_sync_pages_to_the_delta_link_reads_each_master_once_and_counts_like_ics(
    tmp_path: Path, graph: Graph, ledger: Ledger
) -> None:
    load_department(graph.service)
    graph.service.page_size = 3
    config = department_config(tmp_path, graph.base)

    outcomes = sync(config, ledger, "r1")

    assert [o.outcome for o in outcomes] == ["synced"] * 3, [o.error for o in outcomes]
    assert hours_by_mentor(config, ledger) == EXPECTED
    seen = graph.service.seen
    # msal with a custom authority and instance_discovery=False: tenant discovery, then one token.
    assert [(s.method, s.path) for s in seen[:2]] == [
        ("GET", f"/{TENANT}/v2.0/.well-known/openid-configuration"),
        ("POST", f"/{TENANT}/oauth2/v2.0/token"),
    ]
    assert not [s for s in seen[2:] if not s.path.startswith("/v1.0/")]
    assert graph.service.grants == [{"scope": "https://graph.microsoft.com/.default", "kind": "secret"}]
    ana = [s for s in graph.service.graph_requests() if ANA in s.path]
    assert ana[0].query == {"startDateTime": "2025-07-01T04:00:00Z", "endDateTime": "2026-07-01T04:00:00Z"}
    assert len([s for s in ana if "$skiptoken" in s.query]) >= 2  # followed nextLink more than once
    assert all('outlook.timezone="UTC"' in s.prefer and "odata.maxpagesize=" in s.prefer for s in ana)
    masters = [s.path for s in graph.service.graph_requests() if "/events/" in s.path]
    assert sorted(masters) == sorted(
        [
            f"/v1.0/users/{ANA}/events/{graph_id('ana-ben-weekly', '-master')}",
            f"/v1.0/users/{CARA}/events/{graph_id('cara-fay', '-master')}",
        ]
    )


def test_an_unchanged_calendar_resyncs_with_one_request_and_no_entry_writes(
    tmp_path: Path, graph: Graph, ledger: Ledger
) -> None:
    load_department(graph.service)
    config = department_config(tmp_path, graph.base)
    sync(config, ledger, "r1")
    before, audit = len(graph.service.graph_requests()), audit_rows(ledger)

    outcomes = sync(config, ledger, "r2")

    assert [o.outcome for o in outcomes] == ["unchanged"] * 3
    again = graph.service.graph_requests()[before:]
    assert len(again) == 3  # one delta request per calendar, nothing else (no master read, no token)
    assert all("$deltatoken" in s.query for s in again)
    assert audit_rows(ledger) == audit
    assert sum(o.created + o.updated + o.removed for o in outcomes) == 0


def test_edits_come_back_through_the_delta_link_and_deletions_as_removed(
    tmp_path: Path, graph: Graph, ledger: Ledger
) -> None:
    load_department(graph.service)
    config = department_config(tmp_path, graph.base)
    sync(config, ledger, "r1")
    events = {e.body["id"]: e.body for e in graph.service.calendars[(ANA, "primary")].values()}
    # The 11-05 1:1 now runs 90 minutes; the tagged meeting is deleted; the circle meeting is cancelled.
    occurrence = events[graph_id("ana-ben-weekly", "-20251105T1500")]
    longer = {
        **occurrence,
        "type": "exception",
        "end": {"dateTime": "2025-11-05T16:30:00.0000000", "timeZone": "UTC"},
    }
    cancelled = {**events[graph_id("circle-nov")], "isCancelled": True}
    graph.service.put(ANA, longer, cancelled)
    graph.service.delete(ANA, graph_id("tagged-overlap"))
    before = len(graph.service.graph_requests())

    ana, cara, ben = sync(config, ledger, "r2")

    assert (ana.outcome, ana.updated, ana.removed, ana.created) == ("synced", 1, 2, 0)
    assert (ben.outcome, cara.outcome) == ("unchanged", "unchanged")
    assert ana.dropped == {"cancelled": 2}  # the cancelled meeting and the deletion
    assert not [s for s in graph.service.graph_requests()[before:] if "/events/" in s.path]  # masters kept
    # 315 mentee + 30 (the longer 1:1); the circle's 90 group and the tag's 30 are gone.
    assert hours_by_mentor(config, ledger)[ANA] == {
        "minutes": 345,
        "by_category": {"group": 0, "mentee": 345, "tag": 0},
        "entries": 6,
    }


def test_an_expired_delta_link_reads_the_calendar_in_full_keeping_reviews_and_audit(
    tmp_path: Path, graph: Graph, ledger: Ledger
) -> None:
    load_department(graph.service)
    config = department_config(tmp_path, graph.base)
    sync(config, ledger, "r1")
    with Session(ledger.engine) as session, session.begin():
        session.execute(update(EntryRow).values(review="confirmed"))
    audit = audit_rows(ledger)
    graph.service.expire_delta_links()
    before = len(graph.service.graph_requests())

    outcomes = sync(config, ledger, "r2")

    again = graph.service.graph_requests()[before:]
    assert sum(1 for s in again if "$deltatoken" in s.query) == 3  # each answered 410 syncStateNotFound
    assert sum(1 for s in again if "startDateTime" in s.query) == 3  # then a new round from the start
    assert [(o.outcome, o.created, o.updated, o.removed) for o in outcomes] == [("synced", 0, 0, 0)] * 3
    assert audit_rows(ledger) == audit
    with Session(ledger.engine) as session:
        assert set(session.scalars(select(EntryRow.review))) == {"confirmed"}
    assert hours_by_mentor(config, ledger) == EXPECTED
    assert [o.outcome for o in sync(config, ledger, "r3")] == ["unchanged"] * 3  # the new link works


def test_throttling_is_waited_out_as_retry_after_asks(tmp_path: Path, graph: Graph, ledger: Ledger) -> None:
    load_department(graph.service)
    config = department_config(tmp_path, graph.base)
    graph.service.failures = [(429, "7"), (503, "2")]
    sleeps = Sleeps()

    outcomes = sync(config, ledger, "r1", sleeps)

    assert [o.outcome for o in outcomes] == ["synced"] * 3
    assert len(sleeps) == 2
    assert sleeps[0] >= 7
    assert sleeps[1] >= 2
    assert hours_by_mentor(config, ledger) == EXPECTED


def test_a_mailbox_the_app_may_not_read_fails_alone_saying_what_to_fix(
    tmp_path: Path, graph: Graph, ledger: Ledger
) -> None:
    load_department(graph.service)
    graph.service.denied = {BEN}
    config = department_config(tmp_path, graph.base)

    ana, cara, ben = sync(config, ledger, "r1")

    assert (ana.outcome, cara.outcome) == ("synced", "synced")
    assert ben.outcome == "failed"
    assert ben.error is not None
    assert f"denied the app access to the calendar of {BEN} (HTTP 403 ErrorAccessDenied)" in ben.error
    assert "Calendars.ReadBasic.All" in ben.error
    assert "application access policy" in ben.error
    assert set(hours_by_mentor(config, ledger)) == {ANA, CARA}


def test_a_wrong_secret_fails_each_calendar_with_entras_error_code_and_never_the_secret(
    tmp_path: Path, graph: Graph, ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_department(graph.service)
    monkeypatch.setenv("MENTORLEDGER_MICROSOFT_CLIENT_SECRET", "not-the-secret-0042")
    config = department_config(tmp_path, graph.base)

    outcomes = sync(config, ledger, "r1")

    assert [o.outcome for o in outcomes] == ["failed"] * 3
    for outcome in outcomes:
        assert outcome.error is not None
        assert "invalid_client, AADSTS7000215" in outcome.error
        assert "not-the-secret-0042" not in outcome.error


def _certificate(directory: Path) -> tuple[Path, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mentorledger app")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    cert_pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    path = directory / "app.pem"
    path.write_text(key_pem + cert_pem, encoding="utf-8")
    return path, cert_pem


def test_a_certificate_credential_signs_a_client_assertion(
    tmp_path: Path, graph: Graph, ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_department(graph.service)
    path, cert_pem = _certificate(tmp_path)
    graph.service.secret, graph.service.certificate_pem = None, cert_pem
    monkeypatch.delenv("MENTORLEDGER_MICROSOFT_CLIENT_SECRET")
    monkeypatch.setenv("MENTORLEDGER_MICROSOFT_CERTIFICATE", str(path))
    config = department_config(tmp_path, graph.base)

    outcomes = sync(config, ledger, "r1")

    assert [o.outcome for o in outcomes] == ["synced"] * 3, [o.error for o in outcomes]
    assert [g["kind"] for g in graph.service.grants] == ["certificate"]


def test_the_environment_overrides_the_endpoints_and_the_token_stays_for_graph(
    tmp_path: Path, graph: Graph, ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_department(graph.service)
    config = department_config(
        tmp_path,
        graph.base,
        **{
            f"authority: {graph.base}": "authority: https://login.microsoftonline.us",
            f"{graph.base}/v1.0/": "https://graph.microsoft.us/v1.0/",
        },
    )
    monkeypatch.setenv("MENTORLEDGER_MICROSOFT_AUTHORITY", graph.base)
    monkeypatch.setenv("MENTORLEDGER_MICROSOFT_GRAPH_ENDPOINT", f"{graph.base}/v1.0/")

    outcomes = sync(config, ledger, "r1")

    assert [o.outcome for o in outcomes] == ["synced"] * 3, [o.error for o in outcomes]
    assert graph.service.grants == [{"scope": "https://graph.microsoft.us/.default", "kind": "secret"}]


def test_a_calendar_id_reads_that_calendar_and_a_missing_one_says_what_to_check(
    tmp_path: Path, graph: Graph, ledger: Ledger
) -> None:
    graph.service.put(ANA, *graph_events_of(ANA), calendar="AAMkAGwork==")
    graph.service.put_masters(ANA, *to_graph(meetings()[ANA], ANA)[1])
    config = load_config(write_m365_department(tmp_path, graph.base, calendar="AAMkAGwork=="))

    ana, _cara, ben = sync(config, ledger, "r1")

    assert ana.outcome == "synced", ana.error
    assert hours_by_mentor(config, ledger)[ANA] == EXPECTED[ANA]
    assert f"/v1.0/users/{ANA}/calendars/AAMkAGwork==/calendarView/delta" in {
        s.path for s in graph.service.graph_requests()
    }
    assert ben.outcome == "failed"
    assert ben.error is not None
    assert f"no calendar 'AAMkAGwork==' in the mailbox of {BEN} (HTTP 404 ErrorItemNotFound)" in ben.error


def graph_events_of(owner: str) -> list[dict[str, Any]]:
    return to_graph(meetings()[owner], owner)[0]


def test_an_unreadable_event_is_reported_and_the_rest_is_saved(
    tmp_path: Path, graph: Graph, ledger: Ledger
) -> None:
    load_department(graph.service)
    broken = {
        **graph_events_of(BEN)[0],
        "id": "AAMkAGbroken",
        "iCalUId": "broken-1",
        "start": {"timeZone": "UTC"},
    }
    graph.service.put(BEN, broken)
    config = department_config(tmp_path, graph.base)

    _ana, _cara, ben = sync(config, ledger, "r1")

    assert ben.outcome == "partial"
    assert ben.error == "1 event(s) could not be read; the rest were saved"
    (problem,) = ben.problems
    assert problem.startswith("event ")
    assert "AAMkAGbroken" not in problem
    assert hours_by_mentor(config, ledger)[BEN] == EXPECTED[BEN]
    before = len(graph.service.graph_requests())
    _ana, _cara, ben = sync(config, ledger, "r2")
    assert ben.outcome == "partial"  # the cursor was not kept: read in full, reported again
    ben_requests = [s for s in graph.service.graph_requests()[before:] if BEN in s.path]
    assert "startDateTime" in ben_requests[0].query
    assert json.dumps(ben.problems) == json.dumps([problem])


@pytest.mark.parametrize("only", ["SSL_CERT_FILE", "REQUESTS_CA_BUNDLE"])
def test_either_ca_variable_alone_is_trusted_by_every_client(
    tmp_path: Path, graph: Graph, ledger: Ledger, monkeypatch: pytest.MonkeyPatch, only: str
) -> None:
    load_department(graph.service)
    for name in ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE"):
        if name != only:
            monkeypatch.delenv(name)
    config = department_config(tmp_path, graph.base)

    outcomes = sync(config, ledger, "r1")

    assert [o.outcome for o in outcomes] == ["synced"] * 3, [o.error for o in outcomes]


def test_links_that_name_graph_itself_are_followed_on_the_configured_endpoint(
    tmp_path: Path, graph: Graph, ledger: Ledger
) -> None:
    load_department(graph.service)
    graph.service.page_size = 3
    graph.service.link_base = "https://graph.microsoft.com"  # a proxy in front of Graph
    config = department_config(tmp_path, graph.base)

    assert [o.outcome for o in sync(config, ledger, "r1")] == ["synced"] * 3
    assert [o.outcome for o in sync(config, ledger, "r2")] == ["unchanged"] * 3
    assert hours_by_mentor(config, ledger) == EXPECTED


def test_a_link_to_another_host_is_never_followed(tmp_path: Path, graph: Graph, ledger: Ledger) -> None:
    load_department(graph.service)
    graph.service.page_size = 3
    graph.service.link_base = "https://graph.evil.example.org"
    config = department_config(tmp_path, graph.base)

    ana, _cara, _ben = sync(config, ledger, "r1")

    assert ana.outcome == "failed"
    assert ana.error == "Microsoft Graph sent a next-page link outside the configured endpoint"
