"""``report chair`` and ``report dossier``: rendered by the core directly, or through their flows
(effort-report, dossier-summary) when a Prefect server is configured, so the run and its artifacts
are recorded there. Either way the same function computes and writes the files."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from mentorledger.cli.app import (
    ConfigOption,
    DateFrom,
    DateTo,
    VerboseOption,
    app,
    err,
    load,
    open_ledger,
    out,
    say_where_nothing_was_found,
    shown,
)
from mentorledger.cli.flows import prefect_environment, server_configured
from mentorledger.config import Config
from mentorledger.errors import UserError

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


def _period(start: dt.date | None, end: dt.date | None) -> None:
    if start and end and end < start:
        raise UserError(f"--to {end} is before --from {start}")


@report_app.command("chair")
def report_chair(
    department: Annotated[str, typer.Option("--department", help="Department name as in people.")],
    config: ConfigOption = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    formats: Annotated[
        list[ChairFormat] | None, typer.Option("--format", help="html, pdf, xlsx or csv; repeat for several.")
    ] = None,
    out_dir: Annotated[Path, typer.Option("--out", help="Directory for the report files.")] = Path(
        "out/reports"
    ),
    verbose: VerboseOption = False,
) -> None:
    """A department's mentoring effort report for its chair (default: every format)."""
    from mentorledger.reports.chair_data import department_people

    loaded = load(config)
    _period(date_from, date_to)
    department_people(loaded, department)  # a wrong name is one line here, not a failed run
    result = run_report(
        loaded,
        "effort",
        verbose=verbose,
        department=department,
        start=date_from,
        end=date_to,
        formats=[str(f) for f in formats] if formats else None,
        out_dir=str(out_dir),
    )
    print_written(result)
    if not result["totals"]["minutes"]:
        say_where_nothing_was_found(loaded, f"No counted mentoring for {department} in this period")


@report_app.command("dossier")
def report_dossier(
    mentor: Annotated[str, typer.Option("--mentor", help="The mentor's e-mail address.")],
    config: ConfigOption = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    formats: Annotated[
        list[DossierFormat] | None, typer.Option("--format", help="docx, pdf or md; repeat for several.")
    ] = None,
    out_dir: Annotated[Path, typer.Option("--out", help="Directory for the summary files.")] = Path(
        "out/dossiers"
    ),
    verbose: VerboseOption = False,
) -> None:
    """A mentor's mentoring summary for a promotion dossier (default: since the last promotion)."""
    from mentorledger.reports.dossier_data import dossier_window

    loaded = load(config)
    _period(date_from, date_to)
    person = loaded.person(mentor)
    if person is None:
        assert loaded.source_path is not None
        raise UserError(
            f"--mentor {mentor} is not in people of {shown(loaded.source_path)}; check the address"
        )
    dossier_window(loaded, person, date_from, date_to)
    result = run_report(
        loaded,
        "dossier",
        verbose=verbose,
        mentor=mentor,
        start=date_from,
        end=date_to,
        formats=[str(f) for f in formats] if formats else None,
        out_dir=str(out_dir),
    )
    print_written(result)
    if not result["minutes"]:
        say_where_nothing_was_found(loaded, f"No counted mentoring for {mentor} in this period")


def run_report(
    config: Config,
    which: str,
    *,
    verbose: bool = False,
    database_url: str | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    formats: list[str] | None = None,
    out_dir: str,
    **subject: str,
) -> dict[str, Any]:
    """Render one report: in this process (no server: seconds), or as its flow on the server."""
    if not server_configured():
        return _render_here(config, which, database_url, start, end, formats, out_dir, **subject)
    parameters: dict[str, Any] = {
        "config_path": str(config.source_path),
        "date_from": start.isoformat() if start else None,
        "date_to": end.isoformat() if end else None,
        "formats": formats,
        "out_dir": out_dir,
        "database_url": database_url,
        **subject,
    }
    with prefect_environment(config, verbose=verbose, what=f"{which} report", database_url=database_url):
        if which == "effort":
            from flows.effort_report import effort_report  # Prefect loads only for commands that run flows

            result: dict[str, Any] = effort_report(**parameters)
        else:
            from flows.dossier_summary import dossier_summary

            result = dossier_summary(**parameters)
    return result


def _render_here(
    config: Config,
    which: str,
    database_url: str | None,
    start: dt.date | None,
    end: dt.date | None,
    formats: list[str] | None,
    out_dir: str,
    **subject: str,
) -> dict[str, Any]:
    from mentorledger.reports.outputs import CHAIR_FORMATS, DOSSIER_FORMATS, check_formats
    from mentorledger.reports.run import render_chair, render_dossier
    from mentorledger.store.ledger import Ledger

    ledger = Ledger.open(database_url) if database_url else open_ledger(config)
    with err.status("Writing the report…"):
        if which == "effort":
            chosen = check_formats(formats, CHAIR_FORMATS, "chair report")
            return render_chair(config, ledger, subject["department"], start, end, chosen, out_dir)
        chosen = check_formats(formats, DOSSIER_FORMATS, "dossier")
        return render_dossier(config, ledger, subject["mentor"], start, end, chosen, out_dir)


def print_written(result: dict[str, Any]) -> None:
    window = result["window"]
    out.print(f"Report for {window['start']} to {window['end']}:", highlight=False)
    for path in result["files"].values():
        out.print(f"  wrote {path}", highlight=False, soft_wrap=True)
