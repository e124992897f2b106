"""A real Radicale with the equivalence department, one collection per owner under one service
account, and the credentials file that names it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.caldav.radicale_server import Radicale, make_calendar, put_resource, radicale_server
from tests.google.department import caldav_resources, meetings

ACCOUNT = ("faculty", "app-specific-pass-1")


@dataclass
class Department:
    server: Radicale
    collections: dict[str, str]  # owner -> collection URL


@pytest.fixture
def department(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Department]:
    monkeypatch.delenv("MENTORLEDGER_CALDAV_CREDENTIALS_BLOCK", raising=False)
    with radicale_server(tmp_path / "radicale", {ACCOUNT[0]: ACCOUNT[1]}) as server:
        collections = {}
        for owner, items in meetings().items():
            url = make_calendar(server.base, f"/{ACCOUNT[0]}/{owner.split('@')[0]}/", ACCOUNT)
            for name, ics in caldav_resources(items).items():
                put_resource(url, name, ics, ACCOUNT)
            collections[owner] = url
        credentials = tmp_path / "caldav-credentials.json"
        credentials.write_text(
            json.dumps([{"url": f"{server.base}/", "username": ACCOUNT[0], "password": ACCOUNT[1]}]),
            encoding="utf-8",
        )
        monkeypatch.setenv("MENTORLEDGER_CALDAV_CREDENTIALS", str(credentials))
        server.seen.clear()
        yield Department(server, collections)
