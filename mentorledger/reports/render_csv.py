"""The chair report's faculty table as CSV: minutes (exact) and hours, one row per mentor.

The FTE basis is a column on every row, so a CSV lifted out of context still says what FTE means.
"""

from __future__ import annotations

import csv
import io

from mentorledger.reports.chair_data import ChairReport
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


def chair_csv(report: ChairReport) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for r in report.rows:
        writer.writerow(
            [
                r.name,
                r.email,
                r.rank,
                r.minutes,
                f"{r.minutes / 60:.2f}",
                r.by_category["group"],
                r.by_category["mentee"],
                r.by_category["tag"],
                r.active_mentees,
                r.groups,
                r.allotted_minutes,
                r.credited_minutes,
                r.uncredited_minutes,
                f"{r.stipend:.2f}",
                r.previous_minutes,
                r.change_minutes,
                f"{fte_equivalent(r.minutes, report.window, report.fte_basis_hours):.4f}",
                f"{report.fte_basis_hours:g}",
                "yes" if r.review_for_credit else "no",
            ]
        )
    return buffer.getvalue()
