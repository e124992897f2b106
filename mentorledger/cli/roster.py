"""``import people`` and ``import relationships``: the roster from CSV exports, into the configuration."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from mentorledger.cli.app import ConfigOption, app, config_file, err, out, shown
from mentorledger.errors import ConfigError, UserError
from mentorledger.roster.table import Problem

if TYPE_CHECKING:
    from mentorledger.roster.yamlfile import Plan

import_app = typer.Typer(
    name="import",
    help="Fill the roster from CSV exports (HR, faculty affairs): people, then relationships.",
    no_args_is_help=True,
)
app.add_typer(import_app, name="import")

SHOWN_CHANGES = 20  # a real run lists this many changes; --dry-run lists them all
SHOWN_PROBLEMS = 25

CsvFile = Annotated[Path, typer.Argument(help="The CSV file (a header row, then one row per entry).")]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Show what would change; write nothing.")]


def _column(flag: str, what: str) -> object:
    return typer.Option(flag, metavar="HEADER", help=f"The column that holds {what}.", show_default=False)


class Kind(StrEnum):
    DYAD = "dyad"
    NEAR_PEER = "near_peer"
    PEER = "peer"
    SPONSOR = "sponsor"


@import_app.command("people")
def import_people(
    csv_file: CsvFile,
    config: ConfigOption = None,
    dry_run: DryRun = False,
    department: Annotated[
        str | None, typer.Option("--department", help="Department for rows that have none.")
    ] = None,
    email_column: Annotated[str | None, _column("--email-column", "e-mail addresses")] = None,
    name_column: Annotated[str | None, _column("--name-column", "full names")] = None,
    first_name_column: Annotated[str | None, _column("--first-name-column", "first names")] = None,
    last_name_column: Annotated[str | None, _column("--last-name-column", "last names")] = None,
    department_column: Annotated[str | None, _column("--department-column", "departments")] = None,
    rank_column: Annotated[str | None, _column("--rank-column", "ranks")] = None,
    title_column: Annotated[str | None, _column("--title-column", "job titles")] = None,
) -> None:
    """Add or update people from an HR export: email, name, department, and rank or title.

    People are matched by e-mail (case-insensitive); titles such as "Associate Professor of
    Pediatrics", "Clinical Fellow" or "PGY-2" become ranks. Nobody is removed."""
    from mentorledger.roster.merge import plan_people
    from mentorledger.roster.people import read_people
    from mentorledger.roster.yamlfile import RosterFile

    path = config_file(config)
    columns = {
        "email": email_column,
        "name": name_column,
        "first_name": first_name_column,
        "last_name": last_name_column,
        "department": department_column,
        "rank": rank_column,
        "title": title_column,
    }
    people = read_people(csv_file, columns, department=department)
    _stop_on(people.problems, csv_file)
    _warn(people.warnings)
    plan = plan_people(RosterFile(path), people.records)
    _finish(path, plan, rows=len(people.records), dry_run=dry_run, noun=("person", "people"))


@import_app.command("relationships")
def import_relationships(
    csv_file: CsvFile,
    config: ConfigOption = None,
    dry_run: DryRun = False,
    kind: Annotated[
        Kind | None, typer.Option("--kind", help="Kind for every row, when there is no kind column.")
    ] = None,
    date_format: Annotated[
        str,
        typer.Option("--date-format", help="How the dates are written (strftime), e.g. %m/%d/%Y."),
    ] = "%Y-%m-%d",
    mentor_column: Annotated[str | None, _column("--mentor-column", "mentors' e-mails")] = None,
    mentee_column: Annotated[str | None, _column("--mentee-column", "mentees' e-mails")] = None,
    kind_column: Annotated[str | None, _column("--kind-column", "the kind of relationship")] = None,
    start_column: Annotated[str | None, _column("--start-column", "start dates")] = None,
    end_column: Annotated[str | None, _column("--end-column", "end dates")] = None,
    stage_column: Annotated[str | None, _column("--stage-column", "mentees' career stages")] = None,
) -> None:
    """Add or update relationships: mentor, mentee, kind, start, end (both people must be in people).

    A relationship is matched by mentor, mentee and start; its end and kind follow the export."""
    from mentorledger.config import load_config
    from mentorledger.roster.merge import plan_relationships
    from mentorledger.roster.relationships import read_relationships
    from mentorledger.roster.yamlfile import RosterFile

    path = config_file(config)
    try:
        roster = {person.email for person in load_config(path).people}
    except ConfigError as exc:
        raise ConfigError(
            [*exc.problems, f"{path}: fix the configuration first; relationships need its people"]
        ) from None
    columns = {
        "mentor": mentor_column,
        "mentee": mentee_column,
        "kind": kind_column,
        "start": start_column,
        "end": end_column,
        "mentee_stage": stage_column,
    }
    found = read_relationships(
        csv_file, columns, roster=roster, kind=str(kind) if kind else None, date_format=date_format
    )
    _stop_on(found.problems, csv_file)
    plan = plan_relationships(RosterFile(path), found.records, found.columns)
    _finish(path, plan, rows=len(found.records), dry_run=dry_run, noun=("relationship", "relationships"))


def _stop_on(problems: list[Problem], csv_file: Path) -> None:
    if not problems:
        return
    problems = sorted(problems, key=lambda p: p.line)  # in the order of the file
    lines = [str(p) for p in problems[:SHOWN_PROBLEMS]]
    if len(problems) > SHOWN_PROBLEMS:
        lines.append(f"{csv_file}: ... and {len(problems) - SHOWN_PROBLEMS} more problems")
    lines.append(
        f"{csv_file}: {len(problems)} problem(s); nothing was imported. Fix the rows and run the import again."
    )
    raise ConfigError(lines)


def _warn(warnings: list[Problem]) -> None:
    for problem in warnings[:SHOWN_PROBLEMS]:
        err.print(f"[yellow]warning[/yellow]: {problem}", highlight=False, soft_wrap=True)
    if len(warnings) > SHOWN_PROBLEMS:
        err.print(f"[yellow]warning[/yellow]: ... and {len(warnings) - SHOWN_PROBLEMS} more", highlight=False)


def _finish(path: Path, plan: Plan, *, rows: int, dry_run: bool, noun: tuple[str, str]) -> None:
    one, many = noun
    counts = f"{len(plan.added)} to add, {len(plan.updated)} to update, {plan.unchanged} unchanged" + (
        f", {plan.kept} in the file but not in the export (kept)" if plan.kept else ""
    )
    out.print(f"{rows} {one if rows == 1 else many} read: {counts}.", highlight=False, soft_wrap=True)
    changes = [c.describe(True) for c in plan.added] + [c.describe(False) for c in plan.updated]
    limit = len(changes) if dry_run else SHOWN_CHANGES
    for line in changes[:limit]:
        out.print(f"  {line}", highlight=False, soft_wrap=True)
    if len(changes) > limit:
        out.print(f"  ... and {len(changes) - limit} more (--dry-run lists them all)", highlight=False)
    if dry_run:
        out.print(f"Dry run: {shown(path)} was not changed.", highlight=False)
        return
    if not plan.changes:
        out.print(f"Nothing to change in {shown(path)}.", highlight=False)
        return
    from mentorledger.roster.yamlfile import write

    try:
        remaining = write(path, plan)
    except OSError as exc:
        raise UserError(f"{path}: cannot write it ({exc.strerror or exc}); nothing was changed") from None
    out.print(
        f"Wrote {plan.section} of {shown(path)}; next: mentorledger validate --config {shown(path)}",
        highlight=False,
        soft_wrap=True,
    )
    if remaining:
        err.print(
            f"[yellow]note[/yellow]: {shown(path)} still has {len(remaining)} problem(s) it had before; "
            "see `mentorledger validate`",
            highlight=False,
        )
