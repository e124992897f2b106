"""Revision 0009_attestation adds its tables on top of 0005_coverage and its downgrade drops exactly them."""

from __future__ import annotations

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import inspect

from mentorledger.store.db import MIGRATIONS, engine_for

TABLES = {"attestations", "mail_links", "mail_preferences", "mail_deliveries", "sync_jobs"}


def test_attestation_tables_come_and_go_with_their_revision(database_url: str) -> None:
    engine = engine_for(database_url)
    assert set(inspect(engine).get_table_names()) >= TABLES
    alembic_cfg = AlembicConfig()
    alembic_cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        alembic_cfg.attributes["connection"] = connection
        command.downgrade(alembic_cfg, "0005_coverage")
    tables = set(inspect(engine).get_table_names())
    assert not TABLES & tables
    assert {"entries", "review_audit", "calendar_coverage"} <= tables
    with engine.begin() as connection:
        alembic_cfg.attributes["connection"] = connection
        command.upgrade(alembic_cfg, "0009_attestation")
    assert set(inspect(engine).get_table_names()) >= TABLES
