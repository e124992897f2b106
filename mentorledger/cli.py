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
from mentorledger.asof import AS_OF_HELP, as_of_parameter, resolve_as_of
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


AsOf = Annotated[str | None, typer.Option("--as-of", help=AS_OF_HELP, show_default=False)]


@app.command()
def validate(config: ConfigOption) -> None:
    """Check a configuration file and report every problem, one per line."""
    problems, loaded = check_config(config)
    if problems:
        raise ConfigError(problems)
    assert loaded is not None
    from mentorledger.config import describe_problem
    from mentorledger.invites.checks import sender_alignment_warnings

    for loc, reason in sender_alignment_warnings(loaded):
        err.print(
            f"[yellow]warning[/yellow]: {describe_problem(config, loc, reason)}",
            highlight=False,
            soft_wrap=True,
        )
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
    as_of: AsOf = None,
) -> None:
    """Counted mentoring minutes per mentor (overlap-free), by category, as of now or --as-of."""
    loaded = load_config(config)
    report = compute_hours(
        loaded,
        Ledger.open(),
        start=_date(date_from),
        end=_date(date_to),
        mentor=mentor,
        as_of=resolve_as_of(as_of, loaded.tz),
    )
    _print_hours(report, output, loaded)


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
    _print_hours(report, HoursFormat.TABLE, loaded)
    (out_dir / "hours.json").write_text(json.dumps(report.as_json(), indent=2) + "\n", encoding="utf-8")
    (out_dir / "hours.csv").write_text(_hours_csv(report), encoding="utf-8")
    out.print(f"Wrote {out_dir / 'hours.json'} and {out_dir / 'hours.csv'}; ledger: {database_url}")
    _print_invites(
        _run_invites(
            loaded, group_id=None, send=False, out_dir=out_dir / "invites", database_url=database_url
        )
    )
    _demo_reports(loaded, report, database_url=database_url, out_dir=out_dir)
    out.print(
        "Open the web app on the demo department, signed in as a demo mentor (a one-time link is printed):\n"
        f"  {DATABASE_URL_ENV}={database_url} {sys.argv[0]} web --config {_shown(DEMO_CONFIG)} --demo",
        highlight=False,
        soft_wrap=True,
    )


# ------------------------------------------------------------------------------------------------------
# report chair / report dossier (the flows effort-report and dossier-summary)

report_app = typer.Typer(
    name="report",
    help="Effort reports for chairs and mentoring summaries for promotion dossiers.",
    no_args_is_help=True,
)
app.add_typer(report_app, name="report")


class ChairFormat(StrEnum):
    HTML = "html"
    PDF = "pdf"
    XLSX = "xlsx"
    CSV = "csv"


class DossierFormat(StrEnum):
    DOCX = "docx"
    PDF = "pdf"
    MD = "md"


DateFrom = Annotated[
    dt.datetime | None, typer.Option("--from", formats=["%Y-%m-%d"], help="First day (YYYY-MM-DD).")
]
DateTo = Annotated[
    dt.datetime | None, typer.Option("--to", formats=["%Y-%m-%d"], help="Last day (YYYY-MM-DD).")
]


def _period(date_from: dt.datetime | None, date_to: dt.datetime | None) -> tuple[str | None, str | None]:
    start, end = _date(date_from), _date(date_to)
    if start and end and end < start:
        raise UserError(f"--to {end} is before --from {start}")
    return (start.isoformat() if start else None, end.isoformat() if end else None)


ChairFormats = Annotated[
    list[ChairFormat] | None, typer.Option("--format", help="html, pdf, xlsx or csv; repeat for several.")
]
ReportOut = Annotated[Path, typer.Option("--out", help="Directory for the report files.")]


def _report_parameters(
    loaded: Config,
    date_from: dt.datetime | None,
    date_to: dt.datetime | None,
    formats: list[Any] | None,
    out_dir: Path,
    as_of: str | None,
) -> dict[str, Any]:
    """The parameters every report flow takes, checked here so a mistake is one line, not a failed run."""
    start, end = _period(date_from, date_to)
    return {
        "config_path": str(loaded.source_path),
        "date_from": start,
        "date_to": end,
        "formats": [str(f) for f in formats] if formats else None,
        "out_dir": str(out_dir),
        "database_url": None,
        "as_of": as_of_parameter(resolve_as_of(as_of, loaded.tz)),
    }


@report_app.command("chair")
def report_chair(
    config: ConfigOption,
    department: Annotated[str, typer.Option("--department", help="Department name as in people.")],
    date_from: DateFrom = None,
    date_to: DateTo = None,
    formats: ChairFormats = None,
    out_dir: ReportOut = Path("out/reports"),
    as_of: AsOf = None,
) -> None:
    """A department's mentoring effort report for its chair (default: every format)."""
    from mentorledger.reports.chair_data import department_people

    loaded = load_config(config)
    parameters = _report_parameters(loaded, date_from, date_to, formats, out_dir, as_of)
    department_people(loaded, department)  # a wrong name is one line here, not a failed flow run
    _print_written(_run_report_flow("effort", department=department, **parameters))


@report_app.command("school")
def report_school(
    config: ConfigOption,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    formats: ChairFormats = None,
    out_dir: ReportOut = Path("out/reports"),
    as_of: AsOf = None,
) -> None:
    """Every department side by side, for faculty affairs and deans (default: every format)."""
    loaded = load_config(config)
    parameters = _report_parameters(loaded, date_from, date_to, formats, out_dir, as_of)
    if not loaded.people:
        raise UserError(f"{config} lists no people, so there is no department to report on")
    _print_written(_run_report_flow("school", **parameters))


@report_app.command("dossier")
def report_dossier(
    config: ConfigOption,
    mentor: Annotated[str, typer.Option("--mentor", help="The mentor's e-mail address.")],
    date_from: DateFrom = None,
    date_to: DateTo = None,
    formats: Annotated[
        list[DossierFormat] | None, typer.Option("--format", help="docx, pdf or md; repeat for several.")
    ] = None,
    out_dir: Annotated[Path, typer.Option("--out", help="Directory for the summary files.")] = Path(
        "out/dossiers"
    ),
    as_of: AsOf = None,
) -> None:
    """A mentor's mentoring summary for a promotion dossier (default: since the last promotion)."""
    from mentorledger.reports.dossier_data import dossier_window

    loaded = load_config(config)
    parameters = _report_parameters(loaded, date_from, date_to, formats, out_dir, as_of)
    person = loaded.person(mentor)
    if person is None:
        raise UserError(f"--mentor {mentor} is not in people of {config}; check the address")
    dossier_window(loaded, person, _date(date_from), _date(date_to))
    _print_written(_run_report_flow("dossier", mentor=mentor, **parameters))


def _run_report_flow(which: str, **parameters: Any) -> dict[str, Any]:
    for key, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(key, value)
    if which == "effort":
        from flows.effort_report import effort_report  # Prefect loads only for commands that run flows

        result: dict[str, Any] = effort_report(**parameters)
    elif which == "school":
        from flows.school_report import school_report

        result = school_report(**parameters)
    else:
        from flows.dossier_summary import dossier_summary

        result = dossier_summary(**parameters)
    return result


def _print_written(result: dict[str, Any]) -> None:
    window = result["window"]
    out.print(f"Report for {window['start']} to {window['end']}:", highlight=False)
    for path in result["files"].values():
        out.print(f"  wrote {path}", highlight=False, soft_wrap=True)


def _shown(path: Path) -> str:
    """A path as short as it can be from here (relative inside the working directory)."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _demo_reports(config: Config, report: HoursReport, *, database_url: str, out_dir: Path) -> None:
    """The demo's reports: each department's chair report, the school roll-up, every mentor's JSON
    summary and the busiest mentor's dossier summary.

    Wired for config/demo/department.yaml, which is written on another branch: listing its departments
    (with chairs) under departments: chooses the chair reports; otherwise every department gets one.
    """
    assert config.source_path is not None
    departments = [d.name for d in config.departments] or sorted({p.department for p in config.people})
    for name in departments:
        _print_written(
            _run_report_flow(
                "effort",
                config_path=str(config.source_path),
                department=name,
                out_dir=str(out_dir),
                database_url=database_url,
            )
        )
    _print_written(
        _run_report_flow(
            "school", config_path=str(config.source_path), out_dir=str(out_dir), database_url=database_url
        )
    )
    from mentorledger.exports.run import export_json as run_export

    _print_exported("mentor summaries", run_export(config, Ledger.open(database_url), out_dir))
    if report.mentors:
        _print_written(
            _run_report_flow(
                "dossier",
                config_path=str(config.source_path),
                mentor=report.mentors[0].email,
                out_dir=str(out_dir),
                database_url=database_url,
            )
        )


# ------------------------------------------------------------------------------------------------------
# export far / watermark / json (read the ledger directly, like `hours`)

export_app = typer.Typer(
    name="export",
    help="Mentoring activities for Interfolio FAR, Watermark Faculty Success, or as JSON.",
    no_args_is_help=True,
)
app.add_typer(export_app, name="export")

ExportOut = Annotated[
    Path, typer.Option("--out", help="A file name, or a directory to write the export into.")
]
MappingOption = Annotated[
    Path | None, typer.Option("--mapping", help="Column or field mapping (YAML); default in config/exports/.")
]


def _export_period(
    config: Path, date_from: dt.datetime | None, date_to: dt.datetime | None, as_of: str | None
) -> tuple[Config, dict[str, Any]]:
    loaded = load_config(config)
    _period(date_from, date_to)
    return loaded, {
        "start": _date(date_from),
        "end": _date(date_to),
        "as_of": resolve_as_of(as_of, loaded.tz),
    }


def _print_exported(what: str, exported: Any) -> None:
    out.print(f"Wrote {what} ({exported.records} records): {exported.path}", highlight=False, soft_wrap=True)
    if exported.sent_to:
        out.print(f"Sent to Watermark at {exported.sent_to}", highlight=False)


@export_app.command("json")
def export_json(
    config: ConfigOption,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    as_of: AsOf = None,
    out_dir: ExportOut = Path("out/exports"),
) -> None:
    """Every mentor's summary as JSON, against the published schema (mentor-summaries.schema.json)."""
    from mentorledger.exports.run import export_json as run

    loaded, period = _export_period(config, date_from, date_to, as_of)
    _print_exported("mentor summaries", run(loaded, Ledger.open(), out_dir, **period))


@export_app.command("far")
def export_far(
    config: ConfigOption,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    as_of: AsOf = None,
    out_dir: ExportOut = Path("out/exports"),
    mapping: MappingOption = None,
) -> None:
    """Interfolio Faculty Activity Reporting upload (CSV or TSV): one row per mentor per relationship
    or group per academic year."""
    from mentorledger.exports.run import export_far as run

    loaded, period = _export_period(config, date_from, date_to, as_of)
    _print_exported("FAR activities", run(loaded, Ledger.open(), out_dir, mapping_path=mapping, **period))


@export_app.command("watermark")
def export_watermark(
    config: ConfigOption,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    as_of: AsOf = None,
    out_dir: ExportOut = Path("out/exports"),
    mapping: MappingOption = None,
    send: Annotated[
        bool,
        typer.Option(
            "--send",
            help="Also POST it to Faculty Success (MENTORLEDGER_WATERMARK_URL, _USERNAME, _PASSWORD).",
        ),
    ] = False,
) -> None:
    """Watermark Faculty Success XML import for the mentoring screen; with --send, import it."""
    from mentorledger.exports.run import export_watermark as run

    loaded, period = _export_period(config, date_from, date_to, as_of)
    exported = run(loaded, Ledger.open(), out_dir, mapping_path=mapping, deliver=send, **period)
    _print_exported("Watermark records", exported)


@app.command()
def invites(
    config: ConfigOption,
    group: Annotated[str | None, typer.Option("--group", help="Only this group (its id).")] = None,
    send: Annotated[
        bool, typer.Option("--send", help="E-mail the invites (needs the smtp section).")
    ] = False,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Write .ics and .eml files here instead of sending.")
    ] = None,
    horizon_days: Annotated[
        int, typer.Option(min=1, max=366, help="Sessions starting within this many days.")
    ] = 28,
    replies: Annotated[
        bool,
        typer.Option(
            "--replies/--no-replies",
            help="First read members' answers from the imap mailbox (if configured).",
        ),
    ] = True,
) -> None:
    """Peer-group meeting requests with agendas: send them, or write them to files (the default)."""
    loaded = load_config(config)
    if send and out_dir is not None:
        raise UserError("give either --send or --out DIR, not both")
    if group is not None and all(g.id != group for g in loaded.groups):
        raise UserError(
            f"no group {group!r} in {config}; the groups are: {', '.join(g.id for g in loaded.groups)}"
        )
    if send and loaded.smtp is None:
        raise UserError(f"{config}: no smtp section; add smtp.host (and port, security) or use --out DIR")
    if replies and loaded.imap is not None:
        from mentorledger.invites.imap import ImapSettings

        ImapSettings.from_config(loaded.imap)  # missing credentials: one line now, not a failed flow run
    if not send and out_dir is None:
        out_dir = Path("out") / "invites"
        err.print(f"Not sending (no --send): writing the invites to {out_dir}/")
    summary = _run_invites(
        loaded,
        group_id=group,
        send=send,
        out_dir=out_dir or Path("out") / "invites",
        database_url=None,
        horizon_days=horizon_days,
        read_replies=replies,
    )
    _print_invites(summary)
    if summary["failed"]:
        err.print(
            f"[red]error[/red]: {len(summary['failed'])} message(s) could not be delivered; they were not "
            "recorded as sent and will be sent on the next run. Check the mail server and run again."
        )
        raise typer.Exit(1)


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


@app.command()
def web(
    config: ConfigOption,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    demo: Annotated[
        bool, typer.Option("--demo", help="Loopback only, no e-mail: print a one-time sign-in link here.")
    ] = False,
) -> None:
    """Serve the web app: mentors see, confirm, exclude and add to their own entries."""
    from mentorledger.web.serve import serve  # the web stack loads only for this command

    serve(load_config(config), host=host, port=port, demo=demo)


# ------------------------------------------------------------------------------------------------------


# Quiet, loss-free local Prefect runs wherever the command is started (pyproject.toml's [tool.prefect]
# only applies inside the repository). Explicit environment settings still win.
PREFECT_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE": "100",
    "PREFECT_LOGGING_EXTRA_LOGGERS": "mentorledger",
    "PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW": "ignore",
    # The temporary server takes ~10 s to start, far more on a busy machine; the default gives up at 20 s.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
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


def _run_invites(
    config: Config,
    *,
    group_id: str | None,
    send: bool,
    out_dir: Path,
    database_url: str | None,
    horizon_days: int = 28,
    read_replies: bool = True,
) -> dict[str, Any]:
    for key, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(key, value)
    from flows.send_group_invites import send_group_invites  # Prefect loads only for commands that run flows

    assert config.source_path is not None
    summary: dict[str, Any] = send_group_invites(
        config_path=str(config.source_path),
        group_id=group_id,
        horizon_days=horizon_days,
        send=send,
        out_dir=str(out_dir),
        database_url=database_url,
        read_replies=read_replies,
    )
    return summary


def _print_invites(summary: dict[str, Any]) -> None:
    verb = "Sent" if summary["mode"] == "send" else "Wrote"
    replies = summary.get("replies")
    if replies:
        if replies.get("error"):
            err.print(
                f"[yellow]warning[/yellow]: could not read replies: {replies['error']}", highlight=False
            )
        else:
            out.print(
                f"Replies: read {replies['read']} message(s): {replies['recorded']} answer(s) recorded, "
                f"{replies['duplicate']} already known, {replies['stale']} out of date, "
                f"{replies['ignored']} ignored, {replies['not-itip']} not calendar replies",
                highlight=False,
                soft_wrap=True,
            )
    for r in summary["groups"]:
        if not r["scheduled"]:
            out.print(f"{r['group']}: no cadence configured, no invites", highlight=False)
            continue
        out.print(
            f"{r['group']}: {r['sessions_in_horizon']} sessions ahead; {verb.lower()} {r['requests']} "
            f"invitation(s), {r['cancels']} cancellation(s); {r['unchanged']} unchanged",
            highlight=False,
            soft_wrap=True,
        )
        upcoming = r.get("next_session")
        if upcoming:
            start = dt.datetime.fromisoformat(upcoming["start"])
            out.print(
                f"  next session {start:%a %d %b %H:%M}: {upcoming['coming']} coming, {upcoming['maybe']} maybe, "
                f"{upcoming['not_coming']} not coming, {upcoming['unanswered']} not answered"
                + (f"; facilitator's digest {verb.lower()}" if r.get("digests") else ""),
                highlight=False,
                soft_wrap=True,
            )
    for failure in summary["failed"]:
        err.print(
            f"[red]failed[/red]: {failure['group']} {failure['method']} to {len(failure['recipients'])} "
            f"recipient(s): {failure['reason']}",
            highlight=False,
        )
    out.print(f"{verb} invites; feeds and files in {summary['out_dir']}", highlight=False, soft_wrap=True)


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


def _print_hours(report: HoursReport, output: HoursFormat, config: Config) -> None:
    if output is HoursFormat.JSON:
        sys.stdout.write(json.dumps(report.as_json(), indent=2) + "\n")
        return
    if output is HoursFormat.CSV:
        sys.stdout.write(_hours_csv(report))
        return
    title = f"Mentoring, {report.window.start} to {report.window.end}"
    if report.as_of is not None:
        from mentorledger.reports.formatting import through

        title += f", meetings ended by {through(report.as_of, config.tz)}"
    table = Table(title=title, title_justify="left")
    for column in ("Mentor", "E-mail", "Hours", "Group", "Mentee", "Tag", "Entries", "Pending", "By hand"):
        table.add_column(
            column, justify="left" if column in ("Mentor", "E-mail") else "right", no_wrap=column == "Mentor"
        )
    for m in report.mentors:
        table.add_row(
            m.name,
            m.email,
            f"{m.minutes / 60:.1f}",
            *(_hm(m.by_category[c]) for c in m.by_category),
            str(m.entries),
            _hm(m.pending_minutes),
            _hm(m.manual_minutes),
        )
    if not report.mentors:
        table.caption = "No counted mentoring in this period. Has `mentorledger sync` run?"
    out.print(table)


def _hm(minutes: int) -> str:
    return f"{minutes // 60}h{minutes % 60:02d}" if minutes else "-"


def _hours_csv(report: HoursReport) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        [
            "email",
            "name",
            "minutes",
            "group_minutes",
            "mentee_minutes",
            "tag_minutes",
            "entries",
            "confirmed_minutes",
            "pending_minutes",
            "manual_minutes",
        ]
    )
    for m in report.mentors:
        writer.writerow(
            [
                m.email,
                m.name,
                m.minutes,
                *m.by_category.values(),
                m.entries,
                m.confirmed_minutes,
                m.pending_minutes,
                m.manual_minutes,
            ]
        )
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
