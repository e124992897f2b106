"""Fixtures of the reliability suite: a fresh ledger, and a second empty ledger of the test's backend
(for the clean run a faulty one is compared with)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from mentorledger.store.db import dispose_all
from mentorledger.store.ledger import Ledger


@pytest.fixture
def ledger(database_url: str) -> Ledger:
    """A fresh, migrated ledger (SQLite under tmp_path by default; see tests/conftest.py)."""
    return Ledger.open(database_url)


@pytest.fixture
def clean_database_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """An empty ledger beside ``database_url``, on the same backend (a schema of its own on PostgreSQL)."""
    if make_url(database_url).get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'clean-ledger.db'}"
        return
    base, _, options = database_url.partition("?")
    schema = f"c_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    kept = "&".join(o for o in options.split("&") if o and not o.startswith("options="))
    yield f"{base}?{kept + '&' if kept else ''}options=-csearch_path%3D{schema}"
    dispose_all()
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()
