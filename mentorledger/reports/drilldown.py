"""The chair's dashboard and its drill-down to one person: the chair report itself (``chair_report``,
the computation of ``mentorledger report chair``), and one person's hours by category and month from
the same ledger view. Never a title, a mentee's name or who attended which group session: only the
figures a chair report already shows, by month.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from mentorledger.config import Config, Window
from mentorledger.instances import stable_hash
from mentorledger.reports.basis import PeriodHours, month_windows
from mentorledger.reports.chair_data import ChairReport, FacultyRow, chair_report, department_view
from mentorledger.store.ledger import Ledger


def person_key(email: str) -> str:
    """An opaque handle for a person in a web address (no e-mail address in URLs or access logs)."""
    return stable_hash("person", email)[:16]


@dataclass(frozen=True, slots=True)
class PersonMonths:
    """One person of a chair report, with the report's figures, and their hours month by month."""

    report: ChairReport
    row: FacultyRow
    months: list[tuple[Window, PeriodHours]]


def department_report(
    config: Config,
    ledger: Ledger,
    department: str,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    as_of: dt.datetime | None = None,
    person: str | None = None,
) -> tuple[ChairReport, PersonMonths | None]:
    """The chair report of ``department`` (as ``build_chair_report`` makes it), and, for ``person``
    (a ``person_key``) listed in it, their months from the same view; None for anyone else."""
    view, window = department_view(config, ledger, department, start=start, end=end, as_of=as_of)
    report = chair_report(view, department, window)
    if person is None:
        return report, None
    row = next((r for r in report.rows if person_key(r.email) == person), None)
    if row is None:
        return report, None
    months = [(month, view.period(row.email, month)) for month in month_windows(window)]
    return report, PersonMonths(report, row, months)
