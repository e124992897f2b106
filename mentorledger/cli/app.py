"""What every command shares: the typer app, the two consoles, the options every command takes, and how
a command finds its configuration and ledger and says which ledger it used when it finds nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from mentorledger import __version__
from mentorledger.asof import AS_OF_HELP
from mentorledger.config import Config, load_config
from mentorledger.errors import UserError
from mentorledger.store.ledger import Ledger, calendar_ref
from mentorledger.store.location import LedgerLocation, LegacyLedger, legacy_ledger, locate_ledger

CONFIG_ENV = "MENTORLEDGER_CONFIG"

app = typer.Typer(
    name="mentorledger",
    help="Mentoring hours from faculty calendars, under published counting rules.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def table_console() -> Console:
    """Where tables go: the terminal as it is, or, piped into a file or a mail, wide enough that no
    column is squeezed into "E-m…" by the 80 columns rich assumes."""
    return out if out.is_terminal else Console(width=200, soft_wrap=True)


def _print_version(value: bool) -> None:
    if value:
        try:
            installed = version("mentorledger")
        except PackageNotFoundError:  # pragma: no cover - running from a checkout that is not installed
            installed = __version__
        out.print(f"mentorledger {installed}", highlight=False)
        raise typer.Exit()


@app.callback()
def _root(
    _version: Annotated[
        bool,
        typer.Option("--version", callback=_print_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """Mentoring hours from faculty calendars, under published counting rules."""


ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        "-c",
        envvar=CONFIG_ENV,
        help=f"The configuration file (YAML); default: ${CONFIG_ENV}.",
        show_default=False,
    ),
]
VerboseOption = Annotated[
    bool,
    typer.Option("--verbose", "-v", help="Show Prefect's log here instead of writing it to the log file."),
]


def day_parser(flag: str) -> Callable[[str], dt.date]:
    """A command-line date for ``flag``; a mistake is one line that shows the format with an example."""

    def parse(value: str) -> dt.date:
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise UserError(f"{flag} {value!r} is not a date; write YYYY-MM-DD, e.g. 2026-03-01") from None

    return parse


def _day_option(flag: str, what: str) -> object:
    return typer.Option(flag, parser=day_parser(flag), metavar="YYYY-MM-DD", help=f"{what} (YYYY-MM-DD).")


AsOf = Annotated[str | None, typer.Option("--as-of", help=AS_OF_HELP, show_default=False)]
DateFrom = Annotated[dt.date | None, _day_option("--from", "First day")]
DateTo = Annotated[dt.date | None, _day_option("--to", "Last day")]


def check_dates(date_from: dt.date | None, date_to: dt.date | None) -> None:
    """``--to`` before ``--from`` is one line before any work, in the same words for every command that
    takes both (the defaults for a missing one are the core's to check)."""
    if date_from and date_to and date_to < date_from:
        raise UserError(f"--to {date_to} is before --from {date_from}")


def config_file(config: Path | None) -> Path:
    """The configuration named by --config or MENTORLEDGER_CONFIG (one line when neither is given)."""
    if config is None:
        raise UserError(f"no configuration given: pass --config FILE.yaml or set {CONFIG_ENV}")
    return config


def load(config: Path | None) -> Config:
    """Read and check the configuration, every problem one line (see mentorledger.config)."""
    return load_config(config_file(config))


def ledger_location(config: Config) -> LedgerLocation:
    return locate_ledger(config_path=config.source_path)


def open_ledger(config: Config) -> Ledger:
    """The configuration's ledger, by the one rule of mentorledger.store.location."""
    return Ledger.open(config_path=config.source_path)


def shown(path: Path) -> str:
    """A path as short as it can be from here (relative inside the working directory)."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def old_ledger(config: Config) -> LegacyLedger | None:
    """A ledger at the old default place (./var/ of this folder) that holds this configuration's
    calendars or invites, while the ledger the configuration now uses holds none of them."""
    keys = [calendar_ref(source).calendar_key for source in config.calendars]
    return legacy_ledger(ledger_location(config), keys, [group.id for group in config.groups])


def old_ledger_advice(config: Config, legacy: LegacyLedger) -> str:
    assert config.source_path is not None
    return (
        f"{shown(legacy.path)} (where ledgers used to be kept: ./var/ of the folder a command ran in) "
        f"holds {legacy.describe()} of this configuration, but its ledger is now "
        f"{ledger_location(config).shown()}; move it there with "
        f"`mentorledger db adopt --config {shown(config.source_path)}`, or keep it where it is with "
        f"MENTORLEDGER_DATABASE_URL=sqlite:///{legacy.path}"
    )


def refuse_to_fork(config: Config) -> None:
    """Commands that write (sync, invites, web) never start a second ledger beside an old one: the old
    one holds the reviews, hand-made entries and sent invites that a new one would not know."""
    legacy = old_ledger(config)
    if legacy is not None:
        raise UserError(old_ledger_advice(config, legacy))


def say_where_nothing_was_found(config: Config, what: str, hint: str | None = None) -> None:
    """One line naming the ledger that was read (and any old ledger that holds the data instead)."""
    location = ledger_location(config)
    then = f"; {hint}" if hint else ""
    err.print(f"{what} (ledger: {location.shown()}, {location.origin}){then}.", highlight=False)
    legacy = old_ledger(config)
    if legacy is not None:
        err.print(f"[yellow]note[/yellow]: {old_ledger_advice(config, legacy)}", highlight=False)
