"""The 0002_invites revision upgrades and downgrades cleanly on the test backend."""

from __future__ import annotations

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import inspect

from mentorledger.store.db import MIGRATIONS, engine_for


def test_invite_tables_come_and_go_with_their_revision(database_url: str) -> None:
    engine = engine_for(database_url)
    assert {"invite_sessions", "invite_deliveries"} <= set(inspect(engine).get_table_names())
    alembic_cfg = AlembicConfig()
    alembic_cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        alembic_cfg.attributes["connection"] = connection
        command.downgrade(alembic_cfg, "0001")
    tables = set(inspect(engine).get_table_names())
    assert "invite_sessions" not in tables
    assert "entries" in tables
    with engine.begin() as connection:
        alembic_cfg.attributes["connection"] = connection
        command.upgrade(alembic_cfg, "0002_invites")
    assert "invite_sessions" in set(inspect(engine).get_table_names())
