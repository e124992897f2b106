from __future__ import annotations

import pytest

from mentorledger.store.ledger import Ledger


@pytest.fixture
def ledger(database_url: str) -> Ledger:
    """A fresh, migrated ledger (SQLite under tmp_path by default; see tests/conftest.py)."""
    return Ledger.open(database_url)
