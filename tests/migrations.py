"""Moving a test ledger's schema to a revision with Alembic, as the migration tests do."""

from __future__ import annotations

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import Engine

from mentorledger.store.db import MIGRATIONS


def migrate_to(engine: Engine, revision: str, *, down: bool = False) -> None:
    alembic_cfg = AlembicConfig()
    alembic_cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        alembic_cfg.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(alembic_cfg, revision)
