from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # the icsbuild and support helpers

from mentorledger.store.ledger import Ledger


@pytest.fixture
def ledger(database_url: str) -> Ledger:
    """A fresh, migrated ledger (SQLite under tmp_path by default; see tests/conftest.py)."""
    return Ledger.open(database_url)
