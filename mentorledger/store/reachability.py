"""One line for a ledger database that cannot be reached: which database, why, and what to do.

A PostgreSQL server that is down, a database that was never created, a role or password the server
refuses, a SQLite file in a folder that cannot be written: each is a person's to fix, so each gets a
sentence instead of a driver's traceback. Passwords in URLs are never shown.
"""

from __future__ import annotations

import re

from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

_MISSING_DATABASE = re.compile(r'database "([^"]+)" does not exist')
_MISSING_ROLE = re.compile(r'role "([^"]+)" does not exist')


def unreachable(url: str, exc: OperationalError) -> str:
    """What went wrong opening the ledger at ``url``, as one line with the next step."""
    parsed = make_url(url)
    reason = str(exc.orig) if exc.orig is not None else str(exc)
    if parsed.get_backend_name() == "sqlite":
        return (
            f"cannot open the SQLite ledger {parsed.database} ({reason.splitlines()[0]}); "
            "check that its folder exists and can be written, or set MENTORLEDGER_DATABASE_URL"
        )
    where = f"{parsed.host or 'localhost'}:{parsed.port or 5432}"
    name = parsed.database or ""
    if match := _MISSING_DATABASE.search(reason):
        return (
            f'PostgreSQL database "{match.group(1)}" does not exist on {where}; create it with '
            f"`mentorledger db create` (it uses the same MENTORLEDGER_DATABASE_URL) "
            f"or `createdb -h {parsed.host or 'localhost'} -p {parsed.port or 5432} {match.group(1)}`"
        )
    if match := _MISSING_ROLE.search(reason):
        return (
            f'PostgreSQL on {where} has no role "{match.group(1)}"; create it (createuser) or put '
            "an existing user in MENTORLEDGER_DATABASE_URL"
        )
    if "password authentication failed" in reason or "no password supplied" in reason:
        return (
            f"PostgreSQL on {where} refused the user {parsed.username or '(none)'}: wrong or missing "
            "password in MENTORLEDGER_DATABASE_URL (or in ~/.pgpass)"
        )
    if "Connection refused" in reason or "timeout expired" in reason or "resolve host" in reason:
        return (
            f'cannot connect to PostgreSQL at {where} for database "{name}" (server down or '
            "unreachable); start it, or fix the host and port in MENTORLEDGER_DATABASE_URL"
        )
    first = reason.replace("connection failed: ", "").splitlines()[0].strip()
    return f'cannot open the ledger database "{name}" on {where}: {first}'
