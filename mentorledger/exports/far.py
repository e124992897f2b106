"""Interfolio Faculty Activity Reporting (Faculty180): mentoring activities in the shape of FAR's data
models, for its bulk upload or SFTP autoload.

What the shape rests on (Interfolio's help centre, "Download our Data Models", "Bulk Base Data Uploads",
"Autoload Information"): files are UTF-8 CSV or TSV with a header row; the columns and their order
are the institution's, set per section in FAR's upload form (Administration > Set-Up > Upload Form),
so the column mapping here is a file the institution edits (``config/exports/far-mentoring.yaml``);
activity data is kept per term and year; autoload file names follow
``Faculty180_<upload type>_<yyyy>-<mm>-<dd>_<sequence>.csv``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence

from mentorledger.exports.activities import ActivityRow
from mentorledger.exports.mapping import FarMapping


def far_text(rows: Sequence[ActivityRow], mapping: FarMapping) -> str:
    """The upload file's text: a header row, then one row per activity (UTF-8 when written)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t" if mapping.format == "tsv" else ",", lineterminator="\r\n")
    writer.writerow([c.header for c in mapping.columns])
    for row in rows:
        writer.writerow([c.of(row) for c in mapping.columns])
    return buffer.getvalue()


def far_file_name(mapping: FarMapping, day: dt.date, sequence: int = 1) -> str:
    """Faculty180's autoload naming convention, with the section as the upload type."""
    upload_type = "".join(ch for ch in mapping.section if ch.isalnum())
    suffix = "txt" if mapping.format == "tsv" else "csv"
    return f"Faculty180_{upload_type}_{day:%Y-%m-%d}_{sequence:02d}.{suffix}"
