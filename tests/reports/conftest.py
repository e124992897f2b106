"""Report fixtures: the fixture department, synced once per test into the test's own ledger."""

from __future__ import annotations

from pathlib import Path

import pytest

from mentorledger.store.ledger import Ledger
from tests.reports.department import Department, sync_department, write_department


@pytest.fixture
def department(tmp_path: Path) -> Department:
    return write_department(tmp_path / "dept")


@pytest.fixture
def ledger(department: Department, database_url: str) -> Ledger:
    return sync_department(department, database_url)
