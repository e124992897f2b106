"""The ``mentorledger`` command line: the one module of the core that starts flows.

Reading commands (hours, validate) run directly and start in well under a second; commands that do
work (sync, demo) run their Prefect flow. A user's mistake prints one line on stderr and exits non-zero,
never a traceback.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from mentorledger import progress
from mentorledger.config import Config, check_config, load_config
from mentorledger.errors import ConfigError, UserError
from mentorledger.hours import HoursReport, compute_hours
from mentorledger.store.db import DATABASE_URL_ENV
from mentorledger.store.ledger import Ledger

app = typer.Typer(
    name="mentorledger",
    help="Mentoring hours from faculty calendars, under published counting rules.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True)

DEMO_CONFIG = Path(__file__).resolve().parent.parent / "config" / "demo" / "department.yaml"

ConfigOption = Annotated[
    Path, typer.Option("--config", "-c", help="The configuration file (YAML).", show_default=False)
]


class HoursFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"


def _date(value: dt.datetime | None) -> dt.date | None:
    return value.date() if value is not None else None


@app.command()
def validate(config: ConfigOption) -> None:
    """Check a configuration file and report every problem, one per line."""
    problems, loaded = check_config(config)
    if problems:
        raise ConfigError(problems)
    assert loaded is not None
    out.print(
        f"[green]OK[/green] {config}: {len(loaded.people)} people, {len(loaded.relationships)} relationships, "
        f"{len(loaded.groups)} groups, {len(loaded.calendars)} calendars"
    )


@app.command()
def sync(
    config: ConfigOption,
    batch_size: Annotated[int, typer.Option(min=1, max=500, help="Calendars per task.")] = 50,
) -> None:
    """Sync every configured calendar into the ledger."""
    loaded = load_config(config)
    summary = _run_sync(loaded, database_url=None, batch_size=batch_size)
    _print_sync_summary(summary)
    _exit_for(summary)


@app.command()
def hours(
    config: ConfigOption,
    date_from: Annotated[
        dt.datetime | None, typer.Option("--from", formats=["%Y-%m-%d"], help="First day.")
    ] = None,
    date_to: Annotated[
        dt.datetime | None, typer.Option("--to", formats=["%Y-%m-%d"], help="Last day.")
    ] = None,
    mentor: Annotated[str | None, typer.Option(help="Only this mentor (e-mail).")] = None,
    output: Annotated[HoursFormat, typer.Option("--format", help="table, json or csv.")] = HoursFormat.TABLE,
) -> None:
    """Counted mentoring minutes per mentor (overlap-free), by category."""
    loaded = load_config(config)
    start, end = _date(date_from), _date(date_to)
    if start and end and end < start:
        raise UserError(f"--to {end} is before --from {start}")
    report = compute_hours(loaded, Ledger.open(), start=start, end=end, mentor=mentor)
    _print_hours(report, output)


@app.command()
def demo(
    out_dir: Annotated[Path, typer.Option("--out", help="Where the demo writes its results.")] = Path("out"),
) -> None:
    """Run the whole pipeline on the bundled sample department and show the result."""
    if not DEMO_CONFIG.is_file():
        raise UserError(f"demo data not found at {DEMO_CONFIG}; run the demo from a checkout of mentorledger")
    out_dir.mkdir(parents=True, exist_ok=True)
    database_url = os.environ.get(DATABASE_URL_ENV) or f"sqlite:///{(out_dir / 'demo-ledger.db').resolve()}"
    loaded = load_config(DEMO_CONFIG)
    out.print(
        f"[bold]{loaded.institution}[/bold]: {len(loaded.people)} people, {len(loaded.calendars)} calendars"
    )
    summary = _run_sync(loaded, database_url=database_url, batch_size=5)
    _print_sync_summary(summary)
    report = compute_hours(loaded, Ledger.open(database_url))
    _print_hours(report, HoursFormat.TABLE)
    (out_dir / "hours.json").write_text(json.dumps(report.as_json(), indent=2) + "\n", encoding="utf-8")
    (out_dir / "hours.csv").write_text(_hours_csv(report), encoding="utf-8")
    out.print(f"Wrote {out_dir / 'hours.json'} and {out_dir / 'hours.csv'}; ledger: {database_url}")


class StatusFormat(StrEnum):
    TABLE = "table"
    JSON = "json"


@app.command()
def status(
    config: ConfigOption,
    output: Annotated[StatusFormat, typer.Option("--format", help="table or json.")] = StatusFormat.TABLE,
) -> None:
    """Sync health per calendar, failures with reasons, entries pending review, next scheduled runs."""
    from mentorledger.status_view import NO_SERVER, show_status

    loaded = load_config(config)
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
    show_status(loaded, json_output=output is StatusFormat.JSON, problem=problem, runs=runs)


@app.command()
def resync(
    config: ConfigOption,
    calendar: Annotated[str, typer.Option("--calendar", help="Owner e-mail whose calendars to re-sync.")],
    timeout: Annotated[float, typer.Option(min=1, help="Seconds to wait for a task worker.")] = 600,
) -> None:
    """Re-sync one person's calendars now: on the task queue when a Prefect server is configured."""
    from mentorledger.sharding import select_sources
    from mentorledger.status_view import outcomes_summary
    from mentorledger.sync import calendar_ref

    loaded = load_config(config)
    assert loaded.source_path is not None
    keys = [calendar_ref(s).calendar_key for s in select_sources(loaded, owners=[calendar])]
    for key, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(key, value)
    if not os.environ.get("PREFECT_API_URL"):
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
    _print_sync_summary(summary)
    _exit_for(summary)


# ------------------------------------------------------------------------------------------------------


# Quiet, loss-free local Prefect runs wherever the command is started (pyproject.toml's [tool.prefect]
# only applies inside the repository). Explicit environment settings still win.
PREFECT_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE": "100",
}


def _run_sync(config: Config, *, database_url: str | None, batch_size: int) -> dict[str, Any]:
    for key, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(key, value)
    from flows.sync_calendars import sync_calendars  # Prefect loads only for commands that run flows

    assert config.source_path is not None
    with Progress(
        TextColumn("[bold]Syncing calendars"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        task_id = bar.add_task("sync", total=len(config.calendars))
        with progress.listening(lambda _outcome: bar.advance(task_id)):
            summary: dict[str, Any] = sync_calendars(
                config_path=str(config.source_path), batch_size=batch_size, database_url=database_url
            )
    return summary


def _print_sync_summary(summary: dict[str, Any]) -> None:
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


def _exit_for(summary: dict[str, Any]) -> None:
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


def _print_hours(report: HoursReport, output: HoursFormat) -> None:
    if output is HoursFormat.JSON:
        sys.stdout.write(json.dumps(report.as_json(), indent=2) + "\n")
        return
    if output is HoursFormat.CSV:
        sys.stdout.write(_hours_csv(report))
        return
    table = Table(title=f"Mentoring, {report.window.start} to {report.window.end}", title_justify="left")
    for column in ("Mentor", "E-mail", "Hours", "Group", "Mentee", "Tag", "Entries"):
        table.add_column(column, justify="left" if column in ("Mentor", "E-mail") else "right")
    for m in report.mentors:
        table.add_row(
            m.name,
            m.email,
            f"{m.minutes / 60:.1f}",
            *(_hm(m.by_category[c]) for c in m.by_category),
            str(m.entries),
        )
    if not report.mentors:
        table.caption = "No counted mentoring in this period. Has `mentorledger sync` run?"
    out.print(table)


def _hm(minutes: int) -> str:
    return f"{minutes // 60}h{minutes % 60:02d}" if minutes else "-"


def _hours_csv(report: HoursReport) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["email", "name", "minutes", "group_minutes", "mentee_minutes", "tag_minutes", "entries"])
    for m in report.mentors:
        writer.writerow([m.email, m.name, m.minutes, *m.by_category.values(), m.entries])
    return buffer.getvalue()


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
