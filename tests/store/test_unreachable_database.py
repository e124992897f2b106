"""A PostgreSQL ledger that cannot be opened is one line saying which and what to do, and
`mentorledger db create` makes a database that does not exist yet."""

from __future__ import annotations

import json
import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from mentorledger.errors import UserError
from mentorledger.store.admin import drop_database
from mentorledger.store.db import dispose_all
from mentorledger.store.ledger import Ledger
from tests.clirunner import run_cli
from tests.conftest import DEFAULT_POSTGRES_URL, fail_in_ci_else_skip, postgres_unreachable


@pytest.fixture
def server() -> str:
    """The test PostgreSQL server's URL (its `test` database); skipped loudly outside CI without one."""
    url = os.environ.get("MENTORLEDGER_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    error = postgres_unreachable(url)
    if error is not None:
        fail_in_ci_else_skip(
            f"PostgreSQL at {url} is not reachable ({error})",
            f"SKIPPING: these tests need PostgreSQL at {url} ({error})",
        )
    return url


@pytest.fixture
def missing_database(server: str) -> Iterator[str]:
    """The URL of a database that does not exist yet on the test server (dropped afterwards)."""
    url = (
        make_url(server).set(database=f"ml_new_{uuid.uuid4().hex[:10]}").render_as_string(hide_password=False)
    )
    yield url
    dispose_all()
    drop_database(url)


def test_a_server_that_is_down_is_one_line_naming_host_and_port() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(UserError) as caught:
        Ledger.open(f"postgresql+psycopg://postgres@127.0.0.1:{port}/mentorledger")
    assert str(caught.value) == (
        f'cannot connect to PostgreSQL at 127.0.0.1:{port} for database "mentorledger" (server down or '
        "unreachable); start it, or fix the host and port in MENTORLEDGER_DATABASE_URL"
    )


def test_a_database_that_does_not_exist_says_how_to_create_it(missing_database: str) -> None:
    url = make_url(missing_database)
    host, port = url.host, url.port or 5432
    with pytest.raises(UserError) as caught:
        Ledger.open(missing_database)
    assert str(caught.value) == (
        f'PostgreSQL database "{url.database}" does not exist on {host}:{port}; create it with `mentorledger db '
        f"create` (it uses the same MENTORLEDGER_DATABASE_URL) or `createdb -h {host} -p {port} {url.database}`"
    )


def test_db_create_makes_the_missing_database_and_commands_then_work(
    missing_database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "dept.yaml"
    config.write_text(
        "institution: X\ntimezone: UTC\npeople:\n  - {email: a@x.edu, name: A, department: D, rank: other}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("MENTORLEDGER_DATABASE_URL", missing_database)

    before = run_cli(capsys, "hours", "--config", str(config), "--format", "json")
    created = run_cli(capsys, "db", "create", "--config", str(config))
    again = run_cli(capsys, "db", "create", "--config", str(config))
    after = run_cli(capsys, "hours", "--config", str(config), "--format", "json")

    assert before.code == 2
    assert before.stderr.count("\n") == 1
    assert "does not exist on " in before.stderr
    assert "; create it with `mentorledger db create`" in before.stderr
    assert created.code == 0, created.stderr
    assert created.stdout.startswith("Created the PostgreSQL database ")
    assert again.stdout.startswith("Found the PostgreSQL database ")
    assert after.code == 0, after.stderr
    assert json.loads(after.stdout)["mentors"] == []
