"""The ``mentorledger`` command line: the one part of the core that starts flows.

One module per group of commands: ``setup`` (init, validate), ``roster`` (import people and
relationships), ``sync`` (sync, resync), ``hours``, ``status``, ``reports`` (report chair,
school and dossier), ``exports`` (export json, far, watermark), ``invites``, ``db`` (create, where, adopt), ``web`` and ``demo``; ``app`` holds what they
share and ``flows`` how they run Prefect. Reading commands (hours, status, validate, reports without
a Prefect server) never import Prefect. A user's mistake prints one line on stderr and exits
non-zero, never a traceback.
"""

from __future__ import annotations

import sys

from mentorledger.cli import db, demo, exports, hours, invites, reports, roster, setup, status, sync, web
from mentorledger.cli.app import app, err
from mentorledger.errors import ConfigError, UserError

__all__ = ["app", "main"]
# Importing a command module registers its commands.
_COMMANDS = (db, demo, exports, hours, invites, reports, roster, setup, status, sync, web)
# --help lists them in the order a department meets them (commands, then groups of commands).
_ORDER = ("init", "validate", "sync", "resync", "hours", "status", "invites", "web", "demo")
_GROUPS = ("import", "report", "export", "db")
app.registered_commands.sort(key=lambda c: _ORDER.index(c.name or getattr(c.callback, "__name__", "")))
app.registered_groups.sort(key=lambda g: _GROUPS.index(g.name or ""))


def main() -> None:
    """Console entry point: user errors become one line on stderr and a non-zero exit."""
    try:
        app()
    except ConfigError as exc:
        for problem in exc.problems:
            err.print(f"[red]error[/red]: {problem}", highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)
    except UserError as exc:
        err.print(f"[red]error[/red]: {exc}", highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)
