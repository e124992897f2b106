"""``mentorledger sync`` end to end over a department whose calendars live in Microsoft 365 (the HTTPS
Graph stand-in) and on a CalDAV server (a real Radicale): first sync, edits on the servers, an
incremental sync, expired delta links (410), a full re-read; ``hours`` equal to the rules each time."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from prefect import get_client

from tests.caldav.conftest import ACCOUNT, Department, department  # noqa: F401 (fixture)
from tests.caldav.radicale_server import put_resource
from tests.clirunner import run_cli
from tests.google.department import ANA, BEN, CARA, EXPECTED, PEOPLE, caldav_resources, graph_id, meetings
from tests.m365.conftest import Graph, graph  # noqa: F401 (fixture)
from tests.m365.fakes import load_department

pytestmark = pytest.mark.prefect


def hours(capsys: pytest.CaptureFixture[str], config: Path) -> dict[str, Any]:
    result = run_cli(capsys, "hours", "--config", str(config), "--format", "json")
    assert result.code == 0, result.stderr
    mentors = json.loads(result.stdout)["mentors"]
    return {m["email"]: {k: m[k] for k in ("minutes", "by_category", "entries")} for m in mentors}


def write_config(root: Path, graph_base: str, cara_collection: str) -> Path:
    path = root / "department.yaml"
    path.write_text(
        PEOPLE
        + "microsoft:\n"
        + "  tenant_id: 00000000-0000-0000-0000-000000000000\n"
        + "  client_id: 11111111-1111-1111-1111-111111111111\n"
        + f"  authority: {graph_base}\n"
        + f"  graph_endpoint: {graph_base}/v1.0/\n"
        + "  requests_per_minute: 6000\n"
        + "calendars:\n"
        + f"  - {{owner: {ANA}, m365: primary}}\n"
        + f"  - {{owner: {CARA}, caldav: '{cara_collection}'}}\n"
        + f"  - {{owner: {BEN}, m365: primary}}\n",
        encoding="utf-8",
    )
    return path


def test_sync_reads_graph_and_caldav_then_only_their_edits_then_survives_expired_delta_links(
    tmp_path: Path,
    database_url: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    graph: Graph,  # noqa: F811
    department: Department,  # noqa: F811
) -> None:
    monkeypatch.setenv("MENTORLEDGER_DATABASE_URL", database_url)
    load_department(graph.service)
    graph.service.page_size = 4
    config = write_config(tmp_path, graph.base, department.collections[CARA])

    first = run_cli(capsys, "sync", "--config", str(config))
    assert first.code == 0, first.stderr
    assert "3 synced" in first.stdout
    assert hours(capsys, config) == EXPECTED
    assert graph.service.secret not in first.stdout + first.stderr

    # Edits on the servers: Ana's 11-05 1:1 runs 90 minutes and her tagged meeting is deleted (Graph);
    # Cara's 12-24 check-in is cancelled (CalDAV: the series resource gains an EXDATE).
    events = {e.body["id"]: e.body for e in graph.service.calendars[(ANA, "primary")].values()}
    longer = events[graph_id("ana-ben-weekly", "-20251105T1500")]
    graph.service.put(
        ANA,
        {
            **longer,
            "type": "exception",
            "end": {"dateTime": "2025-11-05T16:30:00.0000000", "timeZone": "UTC"},
        },
    )
    graph.service.delete(ANA, graph_id("tagged-overlap"))
    series = next(m for m in meetings()[CARA] if m.uid == "cara-fay")
    series.cancelled = [1]
    put_resource(
        department.collections[CARA], "cara-fay.ics", caldav_resources([series])["cara-fay.ics"], ACCOUNT
    )
    seen = len(graph.service.graph_requests())
    department.server.seen.clear()

    second = run_cli(capsys, "sync", "--config", str(config))
    assert second.code == 0, second.stderr
    assert "2 synced, 1 unchanged" in second.stdout
    assert all("$deltatoken" in s.query for s in graph.service.graph_requests()[seen:])
    assert department.server.reports() == ["sync-collection", "calendar-multiget"]
    edited = {
        ANA: {"minutes": 435, "by_category": {"group": 90, "mentee": 345, "tag": 0}, "entries": 7},
        CARA: {"minutes": 150, "by_category": {"group": 90, "mentee": 60, "tag": 0}, "entries": 3},
        BEN: EXPECTED[BEN],
    }
    assert hours(capsys, config) == edited

    # Graph forgets every delta link: 410, then a full read of each Microsoft calendar.
    graph.service.expire_delta_links()
    seen = len(graph.service.graph_requests())
    third = run_cli(capsys, "sync", "--config", str(config))
    assert third.code == 0, third.stderr
    assert "2 synced, 1 unchanged" in third.stdout  # the Microsoft calendars re-read, CalDAV unchanged
    resync = graph.service.graph_requests()[seen:]
    assert sum(1 for s in resync if "$deltatoken" in s.query) == 2
    assert sum(1 for s in resync if "startDateTime" in s.query) == 2
    assert hours(capsys, config) == edited

    with get_client(sync_client=True) as client:
        limit = client.read_global_concurrency_limit_by_name("microsoft-graph-requests")
    assert (limit.limit, limit.slot_decay_per_second) == (600, (6000 - 600) / 60)
