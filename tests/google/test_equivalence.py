"""The same department read as ICS files, from Google Calendar (a loopback server speaking Calendar v3
and OAuth), from Microsoft Graph (an HTTPS stand-in for Entra ID and Graph v1.0) and from CalDAV (a
real Radicale) gives byte-identical ``hours --format json``, and the hand-computed hours."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from mentorledger.config import Config, load_config
from mentorledger.store.ledger import Ledger
from mentorledger.sync import SyncContext, sync_batch
from tests.caldav.conftest import Department, department  # noqa: F401 (fixture)
from tests.clirunner import run_cli
from tests.google.department import (
    EXPECTED,
    meetings,
    to_google,
    write_caldav_department,
    write_google_department,
    write_ics_department,
)
from tests.google.fakes import rsa_key_pair, service_account_info
from tests.google.server import FakeCalendarService, serve
from tests.m365.conftest import Graph, graph  # noqa: F401 (fixture)
from tests.m365.fakes import department_config, load_department


def test_ics_files_google_graph_and_caldav_give_byte_identical_hours(
    tmp_path: Path,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    graph: Graph,  # noqa: F811
    department: Department,  # noqa: F811
) -> None:
    monkeypatch.setenv("MENTORLEDGER_DATABASE_URL", database_url)
    private, public = rsa_key_pair()
    service = FakeCalendarService(public_key_pem=public, page_size=4)
    for owner, items in meetings().items():
        service.put(owner, *to_google(items, owner))
    load_department(graph.service)
    ledger = Ledger.open(database_url)
    configs: dict[str, Config] = {}
    dropped: dict[str, list[dict[str, int]]] = {}
    with serve(service) as base:
        key_file = tmp_path / "service-account.json"
        key_file.write_text(json.dumps(service_account_info(f"{base}/token", private)), encoding="utf-8")
        monkeypatch.setenv("MENTORLEDGER_GOOGLE_CREDENTIALS", str(key_file))
        configs["google"] = load_config(write_google_department(tmp_path, f"{base}/calendar/v3"))
        configs["ics"] = load_config(write_ics_department(tmp_path))
        configs["m365"] = department_config(tmp_path, graph.base)
        configs["caldav"] = load_config(write_caldav_department(tmp_path, department.collections))
        for kind, config in configs.items():
            outcomes = sync_batch(SyncContext(config=config, ledger=ledger, run_id=kind), config.calendars)
            assert [o.outcome for o in outcomes] == ["synced"] * 3, (kind, [o.error for o in outcomes])
            dropped[kind] = [o.dropped for o in outcomes]

    printed = {}
    as_of = dt.datetime.now(dt.UTC).isoformat()  # one instant: hours at two instants may differ
    for kind, config in configs.items():
        result = run_cli(
            capsys, "hours", "--config", str(config.source_path), "--format", "json", "--as-of", as_of
        )
        assert result.code == 0, result.stderr
        printed[kind] = result.stdout
    assert printed["google"] == printed["ics"] == printed["m365"] == printed["caldav"]
    mentors = json.loads(printed["ics"])["mentors"]
    assert {m["email"]: {k: m[k] for k in ("minutes", "by_category", "entries")} for m in mentors} == EXPECTED
    # The same rule drops the same events, whichever source they came from (Google also lists the
    # series' deleted occurrence, as a cancelled instance: one more "cancelled" for Ana).
    assert dropped["ics"] == dropped["m365"] == dropped["caldav"]
    assert dropped["google"][0] == {**dropped["ics"][0], "cancelled": 1}
    assert dropped["google"][1:] == dropped["ics"][1:]
    # every Google calendar was read as its owner, with the read-only events scope
    assert sorted(g["sub"] for g in service.grants) == sorted(meetings())
    assert {g["scope"] for g in service.grants} == {
        "https://www.googleapis.com/auth/calendar.events.readonly"
    }
