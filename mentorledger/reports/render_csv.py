"""The chair report's faculty table as CSV: minutes (exact) and hours, one row per mentor.

The FTE basis is a column on every row, so a CSV lifted out of context still says what FTE means.
"""

from __future__ import annotations

import csv
import io

from mentorledger.reports.chair_data import ChairReport, FacultyRow
from mentorledger.reports.credit import fte_equivalent

COLUMNS = [
    "name",
    "email",
    "rank",
    "minutes",
    "hours",
    "group_minutes",
    "mentee_minutes",
    "tag_minutes",
    "active_mentees",
    "groups",
    "allotted_minutes",
    "credited_minutes",
    "uncredited_minutes",
    "stipend",
    "previous_minutes",
    "change_minutes",
    "fte_equivalent",
    "fte_basis_hours",
    "review_for_credit",
]


# How the CSV writes the columns that are fractions; every other value is written as it is.
_CSV_FORMATS = {"hours": ".2f", "stipend": ".2f", "fte_equivalent": ".4f", "fte_basis_hours": "g"}


def faculty_values(report: ChairReport, row: FacultyRow) -> list[object]:
    """One mentor's faculty-table values in COLUMNS order, as numbers: the CSV and the XLSX sheet both
    write these, so the two formats cannot drift apart."""
    return [
        row.name,
        row.email,
        row.rank,
        row.minutes,
        row.minutes / 60,
        row.by_category["group"],
        row.by_category["mentee"],
        row.by_category["tag"],
        row.active_mentees,
        row.groups,
        row.allotted_minutes,
        row.credited_minutes,
        row.uncredited_minutes,
        row.stipend,
        row.previous_minutes,
        row.change_minutes,
        fte_equivalent(row.minutes, report.window, report.fte_basis_hours),
        report.fte_basis_hours,
        "yes" if row.review_for_credit else "no",
    ]


def chair_csv(report: ChairReport) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in report.rows:
        values = faculty_values(report, row)
        writer.writerow(
            [
                format(v, _CSV_FORMATS[c]) if c in _CSV_FORMATS else v
                for c, v in zip(COLUMNS, values, strict=True)
            ]
        )
    return buffer.getvalue()
