"""Shared fixtures: a fresh ledger database per test, on SQLite or (``--backend=postgresql``) PostgreSQL.

The whole suite runs on SQLite; the PostgreSQL run (``--backend=postgresql``) runs every test whose
ledger is the backend under test, i.e. every test that uses the ``database_url`` (or ``backend``)
fixture, directly or through other fixtures. A test that never touches that ledger (a parser, a fuzzer,
a page builder) cannot behave differently there, so it is not run twice. On PostgreSQL every test gets
its own schema, so tests stay independent and fast; outside CI an unreachable server skips the
PostgreSQL run loudly.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import pytest
from sqlalchemy import create_engine, text

from mentorledger.store.db import dispose_all

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
ROOT = Path(__file__).resolve().parent.parent


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--backend",
        choices=["sqlite", "postgresql"],
        default=os.environ.get("MENTORLEDGER_TEST_BACKEND", "sqlite"),
        help="ledger database for the tests (PostgreSQL URL: MENTORLEDGER_TEST_POSTGRES_URL)",
    )


def pytest_report_header(config: pytest.Config) -> str:
    return f"mentorledger ledger backend: {config.getoption('--backend')}"


BACKEND_FIXTURES = frozenset({"database_url", "backend"})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On the PostgreSQL run, deselect the tests that do not use the backend under test."""
    if config.getoption("--backend") != "postgresql":
        return
    kept, deselected = [], []
    for item in items:
        uses_backend = BACKEND_FIXTURES & set(getattr(item, "fixturenames", ()))
        (kept if uses_backend or item.get_closest_marker("postgres") else deselected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


def _postgres_url() -> str:
    return os.environ.get("MENTORLEDGER_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)


def postgres_unreachable(url: str) -> str | None:
    """Why the PostgreSQL server at ``url`` cannot serve a test (the class of the error a ``SELECT 1``
    met), or None when it answers: every test that needs the server asks it this one way."""
    try:
        with create_engine(url).connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:
        return exc.__class__.__name__
    return None


def fail_in_ci_else_skip(failure: str, skip: str) -> NoReturn:
    """Stop a test whose server is missing: CI starts every server, so there it is a failure; on a
    developer's machine it is a loud skip."""
    if os.environ.get("CI"):
        pytest.fail(failure, pytrace=False)
    pytest.skip(skip)


@pytest.fixture(scope="session")
def backend(pytestconfig: pytest.Config) -> str:
    chosen: str = pytestconfig.getoption("--backend")
    if chosen == "postgresql":
        error = postgres_unreachable(_postgres_url())
        if error is not None:
            message = f"PostgreSQL at {_postgres_url()} is not reachable ({error})"
            fail_in_ci_else_skip(
                f"{message}; .ci/run should have started it", f"SKIPPING POSTGRESQL RUN: {message}"
            )
    return chosen


@pytest.fixture
def database_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A ledger URL that no other test uses."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'ledger.db'}"
        dispose_all()
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(_postgres_url())
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in _postgres_url() else "?"
    yield f"{_postgres_url()}{separator}options=-csearch_path%3D{schema}"
    dispose_all()
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()
