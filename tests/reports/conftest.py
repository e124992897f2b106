"""Report fixtures: the fixture department, synced once per test into the test's own ledger."""

from __future__ import annotations

from pathlib import Path

import pytest

from mentorledger.reports.chair_data import ChairReport, build_chair_report
from mentorledger.store.ledger import Ledger
from tests.reports.case_school import AS_OF, Case, sync_case
from tests.reports.department import Department, sync_department, write_department


@pytest.fixture
def department(tmp_path: Path) -> Department:
    return write_department(tmp_path / "dept")


@pytest.fixture
def ledger(department: Department, database_url: str) -> Ledger:
    return sync_department(department, database_url)


@pytest.fixture
def case(tmp_path: Path, database_url: str) -> Case:
    """The coverage case, synced on its timeline (tests/data/cases/coverage)."""
    return sync_case(tmp_path / "school", database_url)


@pytest.fixture
def cardiology(case: Case) -> ChairReport:
    """The case's Cardiology report as of 2026-03-01."""
    return build_chair_report(case.config, case.ledger, "Cardiology", as_of=AS_OF)
