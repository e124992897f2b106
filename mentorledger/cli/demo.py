"""``demo``: the whole pipeline on the bundled sample department, into ./out."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from mentorledger.cli.app import VerboseOption, app, load, out, shown
from mentorledger.cli.exports import print_exported
from mentorledger.cli.hours import HoursFormat, hours_csv, print_hours
from mentorledger.cli.invites import print_invites, run_invites
from mentorledger.cli.outputs import output_folder
from mentorledger.cli.reports import Period, print_written, run_report
from mentorledger.cli.sync import print_sync_summary, run_sync
from mentorledger.config import Config
from mentorledger.errors import UserError
from mentorledger.hours import HoursReport, compute_hours
from mentorledger.store.db import DATABASE_URL_ENV
from mentorledger.store.ledger import Ledger

DEMO_CONFIG = Path(__file__).resolve().parents[2] / "config" / "demo" / "department.yaml"


@app.command()
def demo(
    out_dir: Annotated[Path, typer.Option("--out", help="Where the demo writes its results.")] = Path("out"),
    verbose: VerboseOption = False,
) -> None:
    """Run the whole pipeline on the bundled sample department and show the result."""
    if not DEMO_CONFIG.is_file():
        raise UserError(f"demo data not found at {DEMO_CONFIG}; run the demo from a checkout of mentorledger")
    output_folder(out_dir, "demo's results").mkdir(parents=True, exist_ok=True)
    database_url = os.environ.get(DATABASE_URL_ENV) or f"sqlite:///{(out_dir / 'demo-ledger.db').resolve()}"
    loaded = load(DEMO_CONFIG)
    out.print(
        f"[bold]{loaded.institution}[/bold]: {len(loaded.people)} people, {len(loaded.calendars)} calendars"
    )
    summary = run_sync(loaded, database_url=database_url, batch_size=5, verbose=verbose)
    print_sync_summary(summary)
    report = compute_hours(loaded, Ledger.open(database_url))
    print_hours(report, HoursFormat.TABLE, loaded)
    (out_dir / "hours.json").write_text(json.dumps(report.as_json(), indent=2) + "\n", encoding="utf-8")
    (out_dir / "hours.csv").write_text(hours_csv(report), encoding="utf-8")
    out.print(f"Wrote {out_dir / 'hours.json'} and {out_dir / 'hours.csv'}; ledger: {database_url}")
    print_invites(
        run_invites(
            loaded,
            group_id=None,
            send=False,
            out_dir=out_dir / "invites",
            database_url=database_url,
            verbose=verbose,
        )
    )
    _demo_reports(loaded, report, database_url=database_url, out_dir=out_dir)
    out.print(
        "Open the web app on the demo department, signed in as a demo mentor (a one-time link is printed):\n"
        f"  {DATABASE_URL_ENV}={database_url} {sys.argv[0]} web --config {shown(DEMO_CONFIG)} --demo",
        highlight=False,
        soft_wrap=True,
    )


def _demo_reports(config: Config, report: HoursReport, *, database_url: str, out_dir: Path) -> None:
    """The demo's reports: each department's chair report, the school roll-up, every mentor's JSON
    summary and the busiest mentor's dossier summary.

    Listing departments (with chairs) under departments: chooses the chair reports; otherwise every
    department gets one."""
    from mentorledger.exports.run import export_json

    def period() -> Period:
        return Period.checked(config, None, None, None, out_dir, None, database_url)

    departments = [d.name for d in config.departments] or sorted({p.department for p in config.people})
    for name in departments:
        print_written(run_report(config, "effort", period(), department=name))
    print_written(run_report(config, "school", period()))
    print_exported("mentor summaries", export_json(config, Ledger.open(database_url), out_dir))
    if report.mentors:
        print_written(run_report(config, "dossier", period(), mentor=report.mentors[0].email))
