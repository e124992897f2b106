"""``export json|far|watermark``: mentoring activities for the systems dossiers live in, read from the
ledger directly (like ``hours``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer

from mentorledger.asof import resolve_as_of
from mentorledger.cli.app import (
    AsOf,
    ConfigOption,
    DateFrom,
    DateTo,
    app,
    check_dates,
    load,
    open_ledger,
    out,
)
from mentorledger.cli.outputs import output_file_or_folder
from mentorledger.config import Config

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
    config: Path | None,
    date_from: dt.date | None,
    date_to: dt.date | None,
    as_of: str | None,
    out_dir: Path,
) -> tuple[Config, dict[str, Any]]:
    loaded = load(config)
    check_dates(date_from, date_to)
    output_file_or_folder(out_dir, "export")
    return loaded, {"start": date_from, "end": date_to, "as_of": resolve_as_of(as_of, loaded.tz)}


def print_exported(what: str, exported: Any) -> None:
    out.print(f"Wrote {what} ({exported.records} records): {exported.path}", highlight=False, soft_wrap=True)
    if exported.sent_to:
        out.print(f"Sent to Watermark at {exported.sent_to}", highlight=False)


@export_app.command("json")
def export_json(
    config: ConfigOption = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    as_of: AsOf = None,
    out_dir: ExportOut = Path("out/exports"),
) -> None:
    """Every mentor's summary as JSON, against the published schema (mentor-summaries.schema.json)."""
    from mentorledger.exports.run import export_json as run

    loaded, period = _export_period(config, date_from, date_to, as_of, out_dir)
    print_exported("mentor summaries", run(loaded, open_ledger(loaded), out_dir, **period))


@export_app.command("far")
def export_far(
    config: ConfigOption = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    as_of: AsOf = None,
    out_dir: ExportOut = Path("out/exports"),
    mapping: MappingOption = None,
) -> None:
    """Interfolio Faculty Activity Reporting upload (CSV or TSV): one row per mentor per relationship
    or group per academic year."""
    from mentorledger.exports.run import export_far as run

    loaded, period = _export_period(config, date_from, date_to, as_of, out_dir)
    print_exported(
        "FAR activities", run(loaded, open_ledger(loaded), out_dir, mapping_path=mapping, **period)
    )


@export_app.command("watermark")
def export_watermark(
    config: ConfigOption = None,
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

    loaded, period = _export_period(config, date_from, date_to, as_of, out_dir)
    exported = run(loaded, open_ledger(loaded), out_dir, mapping_path=mapping, deliver=send, **period)
    print_exported("Watermark records", exported)
