"""Creating (and, for tests, dropping) PostgreSQL databases for the service: Prefect's and the ledger's.

``make server`` runs ``python -m mentorledger.store.admin create URL [--migrate]``: the database is
created when missing (idempotent), and ``--migrate`` brings a ledger to the newest schema.
"""

from __future__ import annotations

import argparse
import re

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

from mentorledger.errors import UserError
from mentorledger.store.db import engine_for

_SAFE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


def _admin_url(url: URL) -> URL:
    """The same server, its ``postgres`` maintenance database, through psycopg (not asyncpg)."""
    return url.set(drivername="postgresql+psycopg", database="postgres", query={})


def _name(url: URL) -> str:
    name = url.database or ""
    if not _SAFE_NAME.match(name):
        raise UserError(f"database name {name!r} must be letters, digits and _ (at most 63)")
    return name


def ensure_database(url: str) -> bool:
    """Create the PostgreSQL database of ``url`` when it does not exist; True if it was created."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return False  # SQLite files are created on first use
    name = _name(parsed)
    engine = create_engine(_admin_url(parsed), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            exists = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
            if not exists:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
            return not exists
    finally:
        engine.dispose()


def drop_database(url: str) -> None:
    """Drop the PostgreSQL database of ``url`` (and end its sessions); for tests' throw-away databases."""
    parsed = make_url(url)
    name = _name(parsed)
    engine = create_engine(_admin_url(parsed), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m mentorledger.store.admin")
    sub = parser.add_subparsers(dest="command", required=True)
    create = sub.add_parser("create", help="create a PostgreSQL database if it is missing")
    create.add_argument("url")
    create.add_argument("--migrate", action="store_true", help="also migrate it as a mentorledger ledger")
    args = parser.parse_args(argv)
    created = ensure_database(args.url)
    shown = make_url(args.url).render_as_string(hide_password=True)
    print(f"{'created' if created else 'exists'}: {shown}")
    if args.migrate:
        engine_for(args.url)
        print(f"migrated: {shown}")


if __name__ == "__main__":
    main()
