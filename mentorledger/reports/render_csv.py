"""The chair report's faculty table and the school's department table as CSV: the same columns and the
same rounded values as the XLSX sheets (``tables``), one row per person or department.

The FTE basis is a column on every faculty row, so a CSV lifted out of context still says what FTE means.
"""

from __future__ import annotations

import csv
import io

from mentorledger.reports import tables
from mentorledger.reports.chair_data import ChairReport
from mentorledger.reports.formatting import csv_text
from mentorledger.reports.school_data import SchoolReport
from mentorledger.reports.tables import Table


def table_csv(table: Table, *, delimiter: str = ",") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(table.headers)
    for row in table.cells():
        writer.writerow([csv_text(kind, value) for kind, value in row])
    return buffer.getvalue()


def chair_csv(report: ChairReport) -> str:
    return table_csv(tables.faculty(report))


def school_csv(report: SchoolReport) -> str:
    return table_csv(tables.departments(report.departments))
