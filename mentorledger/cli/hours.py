"""``hours``: counted mentoring minutes per mentor, read straight from the ledger (no Prefect)."""

from __future__ import annotations

import csv
import io
import json
import sys
from enum import StrEnum
from typing import Annotated

import typer
from rich.table import Table

from mentorledger.asof import resolve_as_of
from mentorledger.cli.app import (
    AsOf,
    ConfigOption,
    DateFrom,
    DateTo,
    app,
    load,
    open_ledger,
    say_where_nothing_was_found,
    shown,
    table_console,
)
from mentorledger.config import Config
from mentorledger.errors import UserError
from mentorledger.hours import HoursReport, compute_hours


class HoursFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"


@app.command()
def hours(
    config: ConfigOption = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    mentor: Annotated[str | None, typer.Option(help="Only this mentor (e-mail).")] = None,
    output: Annotated[HoursFormat, typer.Option("--format", help="table, json or csv.")] = HoursFormat.TABLE,
    as_of: AsOf = None,
) -> None:
    """Counted mentoring minutes per mentor (overlap-free), by category, as of now or --as-of."""
    loaded = load(config)
    if mentor is not None and loaded.person(mentor) is None:
        assert loaded.source_path is not None
        raise UserError(
            f"--mentor {mentor} is not in people of {shown(loaded.source_path)}; check the address "
            "(or add them with `mentorledger import people`)"
        )
    report = compute_hours(
        loaded,
        open_ledger(loaded),
        start=date_from,
        end=date_to,
        mentor=mentor,
        as_of=resolve_as_of(as_of, loaded.tz),
    )
    print_hours(report, output, loaded)
    if not report.mentors:
        what, hint = nothing_counted(loaded, report)
        say_where_nothing_was_found(loaded, what, hint)


def nothing_counted(config: Config, report: HoursReport) -> tuple[str, str | None]:
    """Why there are no rows (no calendar synced yet, or no mentoring in the period) and what to do."""
    from mentorledger.status import calendar_health

    assert config.source_path is not None
    health = calendar_health(config, open_ledger(config))
    if not any(h.last_attempt_at is not None for h in health):
        return (
            f"None of the {len(health)} calendars has been synced yet",
            f"run `mentorledger sync --config {shown(config.source_path)}`",
        )
    synced = sum(h.last_success_at is not None for h in health)
    return (
        f"No counted mentoring from {report.window.start} to {report.window.end}; "
        f"{synced} of {len(health)} calendars synced",
        None,
    )


def print_hours(report: HoursReport, output: HoursFormat, config: Config) -> None:
    if output is HoursFormat.JSON:
        sys.stdout.write(json.dumps(report.as_json(), indent=2) + "\n")
        return
    if output is HoursFormat.CSV:
        sys.stdout.write(hours_csv(report))
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
        table.caption = "No counted mentoring in this period."
    table_console().print(table)


def _hm(minutes: int) -> str:
    return f"{minutes // 60}h{minutes % 60:02d}" if minutes else "-"


def hours_csv(report: HoursReport) -> str:
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
