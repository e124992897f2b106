"""``report chair``, ``report school`` and ``report dossier``: rendered by the core directly, or through their flows
(effort-report, school-report, dossier-summary) when a Prefect server is configured, so the run and its artifacts
are recorded there. Either way the same function computes and writes the files."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from mentorledger.asof import as_of_parameter, resolve_as_of
from mentorledger.cli.app import (
    AsOf,
    ConfigOption,
    DateFrom,
    DateTo,
    VerboseOption,
    app,
    check_dates,
    err,
    load,
    open_ledger,
    out,
    say_where_nothing_was_found,
    shown,
)
from mentorledger.cli.flows import prefect_environment, server_configured
from mentorledger.cli.outputs import output_folder
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


ChairFormats = Annotated[
    list[ChairFormat] | None, typer.Option("--format", help="html, pdf, xlsx or csv; repeat for several.")
]
ReportOut = Annotated[Path, typer.Option("--out", help="Directory for the report files.")]


@report_app.command("chair")
def report_chair(
    department: Annotated[str, typer.Option("--department", help="Department name as in people.")],
    config: ConfigOption = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    formats: ChairFormats = None,
    out_dir: ReportOut = Path("out/reports"),
    as_of: AsOf = None,
    verbose: VerboseOption = False,
) -> None:
    """A department's mentoring effort report for its chair (default: every format)."""
    from mentorledger.reports.chair_data import department_people

    loaded = load(config)
    period = Period.checked(loaded, date_from, date_to, formats, out_dir, as_of)
    department_people(loaded, department)  # a wrong name is one line here, not a failed run
    result = run_report(loaded, "effort", period, verbose=verbose, department=department)
    print_written(result)
    if not result["totals"]["minutes"]:
        say_where_nothing_was_found(loaded, f"No counted mentoring for {department} in this period")


@report_app.command("school")
def report_school(
    config: ConfigOption = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    formats: ChairFormats = None,
    out_dir: ReportOut = Path("out/reports"),
    as_of: AsOf = None,
    verbose: VerboseOption = False,
) -> None:
    """Every department side by side, for faculty affairs and deans (default: every format)."""
    loaded = load(config)
    period = Period.checked(loaded, date_from, date_to, formats, out_dir, as_of)
    if not loaded.people:
        assert loaded.source_path is not None
        raise UserError(
            f"{shown(loaded.source_path)} lists no people, so there is no department to report on"
        )
    result = run_report(loaded, "school", period, verbose=verbose)
    print_written(result)
    if not any(d["minutes"] for d in result["departments"]):
        say_where_nothing_was_found(loaded, "No counted mentoring in any department in this period")


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
    as_of: AsOf = None,
    verbose: VerboseOption = False,
) -> None:
    """A mentor's mentoring summary for a promotion dossier (default: since the last promotion)."""
    from mentorledger.reports.dossier_data import dossier_window

    loaded = load(config)
    period = Period.checked(loaded, date_from, date_to, formats, out_dir, as_of)
    person = loaded.person(mentor)
    if person is None:
        assert loaded.source_path is not None
        raise UserError(
            f"--mentor {mentor} is not in people of {shown(loaded.source_path)}; check the address"
        )
    dossier_window(loaded, person, date_from, date_to)
    result = run_report(loaded, "dossier", period, verbose=verbose, mentor=mentor)
    print_written(result)
    if not result["minutes"]:
        say_where_nothing_was_found(loaded, f"No counted mentoring for {mentor} in this period")


@dataclass(frozen=True, slots=True)
class Period:
    """What every report takes, checked before any work so a mistake is one line, not a failed run."""

    start: dt.date | None
    end: dt.date | None
    formats: list[str] | None
    out_dir: str
    as_of: dt.datetime
    database_url: str | None = None

    @classmethod
    def checked(
        cls,
        config: Config,
        start: dt.date | None,
        end: dt.date | None,
        formats: Sequence[StrEnum] | None,
        out_dir: Path,
        as_of: str | None,
        database_url: str | None = None,
    ) -> Period:
        check_dates(start, end)
        output_folder(out_dir, "report files")
        chosen = [str(f) for f in formats] if formats else None
        return cls(start, end, chosen, str(out_dir), resolve_as_of(as_of, config.tz), database_url)

    def flow_parameters(self, config: Config) -> dict[str, Any]:
        return {
            "config_path": str(config.source_path),
            "date_from": self.start.isoformat() if self.start else None,
            "date_to": self.end.isoformat() if self.end else None,
            "formats": self.formats,
            "out_dir": self.out_dir,
            "database_url": self.database_url,
            "as_of": as_of_parameter(self.as_of),
        }


def run_report(
    config: Config, which: str, period: Period, *, verbose: bool = False, **subject: str
) -> dict[str, Any]:
    """Render one report: in this process (no server: seconds), or as its flow on the server."""
    if not server_configured():
        return _render_here(config, which, period, **subject)
    parameters = {**period.flow_parameters(config), **subject}
    with prefect_environment(
        config, verbose=verbose, what=f"{which} report", database_url=period.database_url
    ):
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


def _render_here(config: Config, which: str, period: Period, **subject: str) -> dict[str, Any]:
    from mentorledger.reports.outputs import CHAIR_FORMATS, DOSSIER_FORMATS, SCHOOL_FORMATS, check_formats
    from mentorledger.reports.run import Rendering, render_chair, render_dossier, render_school
    from mentorledger.store.ledger import Ledger

    def rendering(formats: list[str]) -> Rendering:
        return Rendering(period.start, period.end, formats, period.out_dir, period.as_of)

    ledger = Ledger.open(period.database_url) if period.database_url else open_ledger(config)
    with err.status("Writing the report…"):
        if which == "effort":
            chosen = check_formats(period.formats, CHAIR_FORMATS, "chair report")
            return render_chair(config, ledger, subject["department"], rendering(chosen))
        if which == "school":
            chosen = check_formats(period.formats, SCHOOL_FORMATS, "school report")
            return render_school(config, ledger, rendering(chosen))
        chosen = check_formats(period.formats, DOSSIER_FORMATS, "dossier")
        return render_dossier(config, ledger, subject["mentor"], rendering(chosen))


def print_written(result: dict[str, Any]) -> None:
    window = result["window"]
    out.print(f"Report for {window['start']} to {window['end']}:", highlight=False)
    for path in result["files"].values():
        out.print(f"  wrote {path}", highlight=False, soft_wrap=True)
