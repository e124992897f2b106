"""Opening the ledger database: the URL (``location`` decides which), SQLite settings, migrations applied
on first use, and one line instead of a traceback when the database cannot be reached."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, ProgrammingError

from mentorledger.errors import UserError
from mentorledger.store.location import DATABASE_URL_ENV, locate_ledger
from mentorledger.store.reachability import unreachable

__all__ = ["DATABASE_URL_ENV", "database_url", "dispose_all", "engine_for", "migrate"]
MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
_MIGRATION_LOCK_ID = 7_302_615_481  # PostgreSQL advisory lock: one process migrates at a time
# The newest migration in migrations/versions (a test checks it against the scripts): a ledger already
# there is opened without loading Alembic, which costs a reading command a good part of its start-up.
HEAD_REVISION = "0009_attestation"

_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def database_url(explicit: str | None = None, *, config_path: Path | None = None) -> str:
    """The ledger's URL by the one rule of ``location`` (explicit, environment, home, beside the
    configuration), normalised: psycopg for PostgreSQL, an absolute path (folder created) for SQLite."""
    url = locate_ledger(explicit, config_path=config_path).url
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise UserError(
            f"{DATABASE_URL_ENV}: {url!r} is not a database URL (e.g. postgresql+psycopg://host/db)"
        ) from None
    if parsed.drivername == "postgresql" or parsed.drivername == "postgres":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        path = Path(parsed.database).expanduser().resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        parsed = parsed.set(database=str(path))
    return parsed.render_as_string(hide_password=False)


def engine_for(url: str | None = None, *, config_path: Path | None = None) -> Engine:
    """A process-wide engine per URL, with the schema migrated to the newest version.

    A database that cannot be reached (server down, database missing, access refused) is a UserError
    of one line saying which and what to do, not a traceback."""
    resolved = database_url(url, config_path=config_path)
    with _lock:
        engine = _engines.get(resolved)
        if engine is None:
            engine = _create(resolved)
            try:
                migrate(engine)
            except OperationalError as exc:
                engine.dispose()
                raise UserError(unreachable(resolved, exc)) from None
            _engines[resolved] = engine
    return engine


def _create(url: str) -> Engine:
    """The engine for ``url``. JSON columns are decoded with orjson: a report reads the participants
    of every entry of the year, and the standard library's decoder was a third of reading them."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(
            url, connect_args={"timeout": 60, "check_same_thread": False}, json_deserializer=_json_loads
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")  # readers never block the writer
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=60000")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, json_deserializer=_json_loads)


def _json_loads(text: str | bytes) -> Any:
    """orjson's decoder, falling back to the standard library's for what only it accepts (NaN and
    Infinity, which ``json.dumps`` writes), so stored documents read as they always did. (orjson reads
    integers beyond 64 bits as floats; the ledger stores none: counts, ids and text.)"""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def migrate(engine: Engine) -> None:
    """Bring the schema to head. Safe to call from several processes at once."""
    if _at_head(engine):
        return
    from alembic import command
    from alembic.config import Config as AlembicConfig

    alembic_cfg = AlembicConfig()
    alembic_cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _MIGRATION_LOCK_ID})
        elif engine.dialect.name == "sqlite":  # take the write lock first: a second process waits here
            connection.exec_driver_sql("BEGIN IMMEDIATE")  # and then finds the schema at head
        alembic_cfg.attributes["connection"] = connection
        command.upgrade(alembic_cfg, "head")


def _at_head(engine: Engine) -> bool:
    """Whether the schema is already at ``HEAD_REVISION`` (a new database has no version table yet).
    Only reads: anything else, including a database to create or upgrade, takes ``migrate``'s locked
    path."""
    with engine.connect() as connection:
        try:
            versions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
        except (OperationalError, ProgrammingError):
            return False
    return list(versions) == [HEAD_REVISION]


def dispose_all() -> None:
    """Close every pooled connection (tests, and processes that fork)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()
