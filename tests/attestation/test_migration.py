"""Revision 0009_attestation adds its tables on top of 0005_coverage and its downgrade drops exactly them."""

from __future__ import annotations

from sqlalchemy import inspect

from mentorledger.store.db import engine_for
from tests.migrations import migrate_to

TABLES = {"attestations", "mail_links", "mail_preferences", "mail_deliveries", "sync_jobs"}


def test_attestation_tables_come_and_go_with_their_revision(database_url: str) -> None:
    engine = engine_for(database_url)
    assert set(inspect(engine).get_table_names()) >= TABLES
    migrate_to(engine, "0005_coverage", down=True)
    tables = set(inspect(engine).get_table_names())
    assert not TABLES & tables
    assert {"entries", "review_audit", "calendar_coverage"} <= tables
    migrate_to(engine, "0009_attestation")
    assert set(inspect(engine).get_table_names()) >= TABLES
