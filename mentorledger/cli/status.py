"""``status``: sync health per calendar, for people and for monitoring (exit status 1: look at it)."""

from __future__ import annotations

import datetime as dt
import os
from enum import StrEnum
from typing import Annotated, Any

import typer

from mentorledger.cli.app import ConfigOption, app, load, open_ledger, say_where_nothing_was_found, shown
from mentorledger.status import DEFAULT_STALE_AFTER_HOURS

STALE_AFTER_ENV = "MENTORLEDGER_STALE_AFTER_HOURS"


class StatusFormat(StrEnum):
    TABLE = "table"
    JSON = "json"


@app.command()
def status(
    config: ConfigOption = None,
    output: Annotated[StatusFormat, typer.Option("--format", help="table or json.")] = StatusFormat.TABLE,
    stale_after: Annotated[
        float,
        typer.Option(
            "--stale-after",
            min=0.1,
            envvar=STALE_AFTER_ENV,
            metavar="HOURS",
            help="A calendar without a successful sync for this long needs attention.",
        ),
    ] = DEFAULT_STALE_AFTER_HOURS,
) -> None:
    """Sync health per calendar, failures with reasons, entries pending review, next scheduled runs.

    Exits 1 when any calendar needs attention (never synced, failing, events that could not be read,
    or no successful sync within --stale-after hours), so a monitor can run it as a check."""
    from mentorledger.status_view import NO_SERVER, show_status

    loaded = load(config)
    problem: str | None = NO_SERVER
    runs: list[dict[str, Any]] = []
    if os.environ.get("PREFECT_API_URL"):
        from flows.scheduled import next_scheduled_runs  # Prefect loads only when a server is configured

        try:
            runs, problem = next_scheduled_runs(), None
        except Exception as exc:  # an unreachable server must not hide the ledger's health
            problem = (
                f"Prefect server at {os.environ['PREFECT_API_URL']} not reachable ({type(exc).__name__})"
            )
    attention = show_status(
        loaded,
        open_ledger(loaded),
        json_output=output is StatusFormat.JSON,
        problem=problem,
        runs=runs,
        stale_after=dt.timedelta(hours=stale_after),
    )
    never_synced = [h for h in attention if h.last_attempt_at is None]
    if loaded.calendars and len(never_synced) == len(loaded.calendars):
        assert loaded.source_path is not None
        say_where_nothing_was_found(
            loaded,
            "None of the configured calendars has been synced",
            f"run `mentorledger sync --config {shown(loaded.source_path)}`",
        )
    if attention:
        raise typer.Exit(1)
