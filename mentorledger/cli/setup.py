"""``init`` (a starter configuration) and ``validate`` (every problem of a configuration, one per line)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer

from mentorledger.cli.app import ConfigOption, app, config_file, err, out, shown
from mentorledger.config import check_config, describe_problems, missing_calendar_files
from mentorledger.errors import ConfigError, UserError
from mentorledger.starter import CALENDARS_FOLDER, CONFIG_NAME, machine_timezone, starter_config


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="The department's folder (created if missing).")],
    timezone: Annotated[
        str | None, typer.Option("--timezone", help="IANA time zone, e.g. America/New_York.")
    ] = None,
    institution: Annotated[
        str | None, typer.Option("--institution", help="The institution's name, as reports show it.")
    ] = None,
) -> None:
    """Start a department: a starter configuration, a calendars/ folder, and the next commands.

    The configuration is commented and validates as written. What is not given is asked for only when
    run at a terminal; otherwise this machine's time zone is used, and said."""
    config = directory / CONFIG_NAME
    if config.exists():
        raise UserError(
            f"{shown(config)} already exists; nothing was changed (edit it, or choose another folder)"
        )
    interactive = sys.stdin.isatty()
    chosen_institution = _institution(institution, interactive)
    timezone = _timezone(timezone, interactive)
    if institution is None and not interactive:
        err.print(
            f"Institution: {chosen_institution} (pass --institution NAME, or change institution: in the file)"
        )
    institution = chosen_institution
    (directory / CALENDARS_FOLDER).mkdir(parents=True, exist_ok=True)
    config.write_text(starter_config(institution, timezone), encoding="utf-8")
    problems, _ = check_config(config)
    if problems:  # pragma: no cover - the starter is tested to validate; never leave a broken one
        config.unlink()
        raise ConfigError(problems)
    where = shown(config)
    out.print(
        f"Created {where} ({institution}, {timezone}) and an empty {shown(directory / CALENDARS_FOLDER)}/.\n"
        "Next:\n"
        f"  mentorledger import people FACULTY.csv --config {where}           # the roster, from an HR export\n"
        f"  mentorledger import relationships MENTORING.csv --config {where}  # who mentors whom\n"
        f"  # connect calendars under calendars: in {where} (ICS files go in {CALENDARS_FOLDER}/)\n"
        f"  mentorledger validate --config {where}\n"
        f"  mentorledger sync --config {where}\n"
        f"  mentorledger hours --config {where}\n"
        f"Tip: export MENTORLEDGER_CONFIG={config.resolve()} and leave out --config.",
        highlight=False,
        soft_wrap=True,
    )


def _institution(given: str | None, interactive: bool) -> str:
    if given is None and interactive:
        given = typer.prompt("Institution (as reports show it)", default="Example School of Medicine")
    name = " ".join((given or "Example School of Medicine").split())
    if not name:
        raise UserError(
            "--institution is empty; give the institution's name, e.g. 'Riverside School of Medicine'"
        )
    return name


def _timezone(given: str | None, interactive: bool) -> str:
    guess = machine_timezone()
    if given is None and interactive:
        given = typer.prompt("Time zone (IANA, e.g. America/New_York)", default=guess or "America/New_York")
    if given is None:
        if guess is None:
            raise UserError(
                "cannot tell this machine's time zone; pass --timezone, e.g. --timezone America/New_York"
            )
        err.print(f"Time zone: {guess} (this machine's; pass --timezone to choose another)")
        return guess
    try:
        ZoneInfo(given)
    except (ZoneInfoNotFoundError, ValueError):
        raise UserError(
            f"--timezone {given!r} is not an IANA time zone (for example America/New_York)"
        ) from None
    return given


@app.command()
def validate(config: ConfigOption = None) -> None:
    """Check a configuration file and report every problem, one per line (warnings do not fail it)."""
    path = config_file(config)
    problems, loaded = check_config(path)
    if problems:
        raise ConfigError(problems)
    assert loaded is not None
    from mentorledger.invites.checks import sender_alignment_warnings

    warnings = [
        *missing_calendar_files(loaded.calendars, loaded.base_dir),
        *sender_alignment_warnings(loaded),
    ]
    for line in describe_problems(path, warnings):
        err.print(
            f"[yellow]warning[/yellow]: {line}",
            highlight=False,
            soft_wrap=True,
        )
    noted = f" ({len(warnings)} warning{'s' if len(warnings) != 1 else ''})" if warnings else ""
    out.print(
        f"[green]OK[/green] {path}: {len(loaded.people)} people, {len(loaded.relationships)} relationships, "
        f"{len(loaded.groups)} groups, {len(loaded.calendars)} calendars{noted}",
        highlight=False,
        soft_wrap=True,
    )
