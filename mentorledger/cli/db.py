"""``db create``, ``db where``, ``db adopt``: the ledger database itself."""

from __future__ import annotations

import os
from pathlib import Path

import typer
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, ProgrammingError

from mentorledger.cli.app import (
    CONFIG_ENV,
    ConfigOption,
    app,
    err,
    ledger_location,
    load,
    old_ledger,
    old_ledger_advice,
    out,
    shown,
)
from mentorledger.errors import UserError
from mentorledger.store.location import (
    DATABASE_URL_ENV,
    HOME_ENV,
    LedgerLocation,
    locate_ledger,
    move_ledger,
)
from mentorledger.store.reachability import unreachable

db_app = typer.Typer(
    name="db", help="The ledger database: create it, find it, move an old one.", no_args_is_help=True
)
app.add_typer(db_app, name="db")


def _location(config: Path | None) -> LedgerLocation:
    """The ledger a configuration uses; only its path is needed, so a file with mistakes still works."""
    location = locate_ledger(config_path=config)
    if config is None and location.is_default and not _named_home():
        raise UserError(
            f"which ledger? pass --config FILE.yaml (its ledger lives beside it), or set {CONFIG_ENV} "
            f"or {DATABASE_URL_ENV}"
        )
    return location


def _named_home() -> bool:
    return bool(os.environ.get(HOME_ENV))


@db_app.command("create")
def db_create(config: ConfigOption = None) -> None:
    """Create the ledger database if it does not exist (PostgreSQL: CREATE DATABASE; SQLite: the file)
    and bring its schema to the newest version. Running it again changes nothing."""
    from mentorledger.store.admin import ensure_database
    from mentorledger.store.db import database_url, engine_for

    location = _location(config)
    url = database_url(location.url)
    try:
        created = ensure_database(url)
    except OperationalError as exc:
        raise UserError(unreachable(url, exc)) from None
    except ProgrammingError as exc:
        reason = str(exc.orig).splitlines()[0] if exc.orig is not None else type(exc).__name__
        raise UserError(
            f"cannot create the database of {location.shown()}: {reason}; ask for CREATEDB rights, or have "
            "an administrator run createdb"
        ) from None
    engine_for(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        verb = "Created" if created else "Found"
        where = f"{parsed.host or 'localhost'}:{parsed.port or 5432}"
        out.print(
            f'{verb} the PostgreSQL database "{parsed.database}" on {where}; its schema is up to date.',
            highlight=False,
        )
    else:
        out.print(
            f"The SQLite ledger {location.shown()} is ready; its schema is up to date.", highlight=False
        )


@db_app.command("where")
def db_where(config: ConfigOption = None) -> None:
    """Which ledger this configuration uses, and why (environment, home, beside the file)."""
    location = _location(config)
    out.print(f"Ledger: {location.described()}", highlight=False, soft_wrap=True)
    if config is not None:
        loaded = load(config)
        legacy = old_ledger(loaded)
        if legacy is not None:
            err.print(
                f"[yellow]note[/yellow]: {old_ledger_advice(loaded, legacy)}", highlight=False, soft_wrap=True
            )


@db_app.command("adopt")
def db_adopt(config: ConfigOption = None) -> None:
    """Move a ledger from the old default place (./var/ of this folder) to where this configuration's
    ledger now lives (beside the configuration file, or under MENTORLEDGER_HOME)."""
    loaded = load(config)
    location = ledger_location(loaded)
    legacy = old_ledger(loaded)
    target = location.sqlite_path
    if legacy is None or target is None:
        raise UserError(
            "nothing to adopt: no ledger in ./var/ of this folder holds this configuration's calendars or "
            f"invites while its own ledger does not (its ledger: {location.described()})"
        )
    from mentorledger.store.db import dispose_all

    dispose_all()  # nothing of this process may hold the target open while it is replaced
    try:
        kept = move_ledger(legacy.path, target)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    out.print(
        f"Moved the ledger {shown(legacy.path)} ({legacy.describe()}) to {target}; the old file is kept as "
        f"{shown(kept)}: delete it once all is well.",
        highlight=False,
        soft_wrap=True,
    )
