"""Where the ledger is: one rule for every command, flow, task, worker and the web app.

The ledger belongs to a configuration, not to the folder a command happens to be started from:

1. an explicit URL (a flow's ``database_url`` parameter);
2. ``MENTORLEDGER_DATABASE_URL`` (any SQLAlchemy URL, e.g. PostgreSQL for a service);
3. ``$MENTORLEDGER_HOME/var/mentorledger.db`` when ``MENTORLEDGER_HOME`` is set (a service's home:
   prefect.yaml's workers run there);
4. ``<folder of the configuration file>/var/mentorledger.db``, the same from any working folder.

Before this rule the default was ``./var/mentorledger.db`` in whatever folder a command ran in. Such
an old ledger is never adopted silently: when the ledger this rule picks holds none of the
configuration's calendars and the old location does, ``legacy_ledger`` finds it so that commands can
say so in one line (and ``mentorledger db adopt`` moves it deliberately).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

DATABASE_URL_ENV = "MENTORLEDGER_DATABASE_URL"
HOME_ENV = "MENTORLEDGER_HOME"
LEDGER_FILE = "mentorledger.db"
STATE_FOLDER = "var"


@dataclass(frozen=True, slots=True)
class LedgerLocation:
    """A ledger URL and why it was chosen (for messages: "ledger X, beside the configuration")."""

    url: str
    origin: str

    @property
    def is_default(self) -> bool:
        """Chosen by rule 3 or 4 (a SQLite file mentorledger placed), not named by the user."""
        return self.origin in (ORIGIN_HOME, ORIGIN_CONFIG, ORIGIN_CWD)

    @property
    def sqlite_path(self) -> Path | None:
        parsed = make_url(self.url)
        if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
            return None
        return Path(parsed.database).expanduser().resolve()

    def shown(self) -> str:
        """The location as a person reads it: a file path, or the URL without its password."""
        path = self.sqlite_path
        if path is not None:
            return str(path)
        return make_url(self.url).render_as_string(hide_password=True)

    def described(self) -> str:
        return f"{self.shown()} ({self.origin})"


ORIGIN_EXPLICIT = "given to the flow run"
ORIGIN_ENV = f"from {DATABASE_URL_ENV}"
ORIGIN_HOME = f"under {HOME_ENV}"
ORIGIN_CONFIG = "beside the configuration file"
ORIGIN_CWD = "in the current folder"


def state_dir(config_path: Path | None) -> Path:
    """The folder mentorledger keeps its files in for a configuration: its default ledger and logs."""
    home = os.environ.get(HOME_ENV)
    if home:
        return Path(home).expanduser().resolve() / STATE_FOLDER
    if config_path is not None:
        return Path(config_path).expanduser().resolve().parent / STATE_FOLDER
    return Path.cwd() / STATE_FOLDER  # no configuration known: only admin tools get here


def locate_ledger(explicit: str | None = None, *, config_path: Path | None = None) -> LedgerLocation:
    """The one rule (see the module docstring): which ledger a command, flow or page uses."""
    if explicit:
        return LedgerLocation(explicit, ORIGIN_EXPLICIT)
    from_env = os.environ.get(DATABASE_URL_ENV)
    if from_env:
        return LedgerLocation(from_env, ORIGIN_ENV)
    folder = state_dir(config_path)
    if os.environ.get(HOME_ENV):
        origin = ORIGIN_HOME
    else:
        origin = ORIGIN_CONFIG if config_path is not None else ORIGIN_CWD
    return LedgerLocation(f"sqlite:///{folder / LEDGER_FILE}", origin)


@dataclass(frozen=True, slots=True)
class LegacyLedger:
    """A ledger at the old default place that holds calendars or sent invites of this configuration."""

    path: Path
    calendars: int
    groups: int = 0

    def describe(self) -> str:
        held = []
        if self.calendars:
            held.append(f"{self.calendars} calendar{'s' if self.calendars != 1 else ''}")
        if self.groups:
            held.append(f"the sent invites of {self.groups} group{'s' if self.groups != 1 else ''}")
        return " and ".join(held)


def legacy_ledger(
    location: LedgerLocation, calendar_keys: Collection[str], group_ids: Collection[str] = ()
) -> LegacyLedger | None:
    """The old ``./var/mentorledger.db`` when it, and not the default ledger, holds this configuration's
    calendars or sent invites.

    Only asked when the ledger was chosen by default; an old file that holds none of this
    configuration's data belongs to something else and is left alone."""
    current = location.sqlite_path
    old = (Path.cwd() / STATE_FOLDER / LEDGER_FILE).resolve()
    if not location.is_default or current is None or old == current or not old.is_file():
        return None
    if sum(_held(current, calendar_keys, group_ids)) > 0:
        return None
    calendars, groups = _held(old, calendar_keys, group_ids)
    return LegacyLedger(old, calendars, groups) if calendars or groups else None


def _held(path: Path, calendar_keys: Collection[str], group_ids: Collection[str]) -> tuple[int, int]:
    """How many of these calendars, and of these groups' invites, a SQLite ledger file knows
    ((0, 0) if there is no such file or it is not a ledger)."""
    if not path.is_file():
        return 0, 0
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error:
        return 0, 0
    try:
        return (
            len(_column(connection, "SELECT calendar_key FROM calendars").intersection(calendar_keys)),
            len(_column(connection, "SELECT DISTINCT group_id FROM invite_sessions").intersection(group_ids)),
        )
    finally:
        connection.close()


def _column(connection: sqlite3.Connection, query: str) -> set[str]:
    try:
        return {value for (value,) in connection.execute(query)}
    except sqlite3.Error:  # not a ledger, or one from before that table
        return set()


def move_ledger(old: Path, new: Path) -> Path:
    """Move a SQLite ledger to where the rule now looks for it; returns where the old file is kept.

    Copied with SQLite's backup API (a consistent copy, even of a ledger in WAL mode with a writer at
    work), then the old file is renamed, not deleted, so nothing is lost if something goes wrong.
    The target may exist only as an empty ledger (created by a command that found nothing)."""
    if new.is_file() and _column_count(new, "SELECT count(*) FROM calendars") > 0:
        raise ValueError(f"{new} already holds a ledger with calendars; move one of them away first")
    new.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(old)
    try:
        target = sqlite3.connect(new)
        try:
            source.backup(target)
        finally:
            target.close()
    finally:
        source.close()
    kept = old.with_name(old.name + ".moved")
    for suffix in ("", "-wal", "-shm"):
        part = old.with_name(old.name + suffix)
        if part.exists():
            part.rename(kept.with_name(kept.name + suffix))
    return kept


def _column_count(path: Path, query: str) -> int:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    try:
        row = connection.execute(query).fetchone()
        return int(row[0]) if row else 0
    except sqlite3.Error:
        return 0
    finally:
        connection.close()
