"""The 0004_reviews_manual revision upgrades and downgrades cleanly on the test backend."""

from __future__ import annotations

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import inspect

from mentorledger.store.db import MIGRATIONS, engine_for

TABLES = {"manual_entries", "review_audit", "web_login_links", "web_login_requests", "web_sessions"}


def test_review_and_sign_in_tables_come_and_go_with_their_revision(database_url: str) -> None:
    engine = engine_for(database_url)
    assert set(inspect(engine).get_table_names()) >= TABLES
    alembic_cfg = AlembicConfig()
    alembic_cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        alembic_cfg.attributes["connection"] = connection
        command.downgrade(alembic_cfg, "0002_invites")
    tables = set(inspect(engine).get_table_names())
    assert not TABLES & tables
    assert {"entries", "invite_sessions"} <= tables
    with engine.begin() as connection:
        alembic_cfg.attributes["connection"] = connection
        command.upgrade(alembic_cfg, "0004_reviews_manual")
    assert set(inspect(engine).get_table_names()) >= TABLES
