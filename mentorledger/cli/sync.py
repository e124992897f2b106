"""``sync`` and ``resync``: calendars into the ledger, through the sync-calendars flow, with a progress
bar; one line per calendar that failed, and exit status 1 when any did."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from mentorledger import progress
from mentorledger.cli.app import ConfigOption, VerboseOption, app, err, load, out, refuse_to_fork
from mentorledger.cli.flows import prefect_environment, server_configured
from mentorledger.config import Config
from mentorledger.errors import UserError


@app.command()
def sync(
    config: ConfigOption = None,
    batch_size: Annotated[int, typer.Option(min=1, max=500, help="Calendars per task.")] = 50,
    verbose: VerboseOption = False,
) -> None:
    """Sync every configured calendar into the ledger."""
    loaded = load(config)
    refuse_to_fork(loaded)
    summary = run_sync(loaded, database_url=None, batch_size=batch_size, verbose=verbose)
    print_sync_summary(summary)
    exit_for(summary)


@app.command()
def resync(
    calendar: Annotated[str, typer.Option("--calendar", help="Owner e-mail whose calendars to re-sync.")],
    config: ConfigOption = None,
    timeout: Annotated[float, typer.Option(min=1, help="Seconds to wait for a task worker.")] = 600,
    verbose: VerboseOption = False,
) -> None:
    """Re-sync one person's calendars now: on the task queue when a Prefect server is configured."""
    from mentorledger.sharding import select_sources
    from mentorledger.status_view import outcomes_summary
    from mentorledger.sync import calendar_ref

    loaded = load(config)
    refuse_to_fork(loaded)
    assert loaded.source_path is not None
    keys = [calendar_ref(s).calendar_key for s in select_sources(loaded, owners=[calendar])]
    with prefect_environment(loaded, verbose=verbose, what="re-sync"):
        if not server_configured():
            from flows.sync_calendars import sync_calendars

            summary: dict[str, Any] = sync_calendars(config_path=str(loaded.source_path), only=[calendar])
        else:
            from flows.on_demand import queue_resync  # one batch on the service's task queue

            try:
                outcomes = queue_resync(str(loaded.source_path), keys, None, timeout=timeout)
            except TimeoutError:
                raise UserError(
                    f"no task worker re-synced {calendar} within {timeout:.0f} s; is one running "
                    "(`make task-workers`)? The job stays queued."
                ) from None
            summary = outcomes_summary(outcomes)
    print_sync_summary(summary)
    exit_for(summary)


def run_sync(
    config: Config, *, database_url: str | None, batch_size: int, verbose: bool = False
) -> dict[str, Any]:
    """The sync-calendars flow over the configuration, with a live bar of calendars done."""
    assert config.source_path is not None
    with prefect_environment(config, verbose=verbose, what="sync", database_url=database_url):
        from flows.sync_calendars import sync_calendars  # Prefect loads only for commands that run flows

        with Progress(
            TextColumn("[bold]Syncing calendars"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
            disable=not err.is_terminal,  # a log or a pipe gets the summary lines only
        ) as bar:
            task_id = bar.add_task("sync", total=len(config.calendars))
            with progress.listening(lambda _outcome: bar.advance(task_id)):
                summary: dict[str, Any] = sync_calendars(
                    config_path=str(config.source_path), batch_size=batch_size, database_url=database_url
                )
    return summary


def print_sync_summary(summary: dict[str, Any]) -> None:
    counts = summary["outcomes"]
    parts = ", ".join(f"{n} {k}" for k, n in sorted(counts.items())) or "nothing to do"
    out.print(f"Synced {summary['calendars']} calendars: {parts}")
    for item in summary["partial"]:
        for problem in item["problems"]:
            err.print(
                f"[yellow]warning[/yellow]: {item['calendar']} ({item['owner']}): {problem}", highlight=False
            )
    for item in summary["failed"]:
        err.print(
            f"[red]failed[/red]: {item['calendar']} ({item['owner']}): {item['reason']}", highlight=False
        )


def exit_for(summary: dict[str, Any]) -> None:
    failed, partial = len(summary["failed"]), len(summary["partial"])
    if failed or partial:
        what = []
        if failed:
            what.append(f"{failed} of {summary['calendars']} calendars failed")
        if partial:
            what.append(f"{partial} had events that could not be read")
        err.print(
            f"[red]error[/red]: {'; '.join(what)}; the rest were saved. Fix the sources and run sync again."
        )
        raise typer.Exit(1)
