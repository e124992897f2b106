"""The chair effort report for one department: render, publish artifacts, optionally e-mail the chairs.

Orchestration only. Schedulable per department (see prefect.yaml); one render task and, when asked,
one e-mail task with retries.
"""

from __future__ import annotations

import re
from typing import Any

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from mentorledger.reports.delivery import ATTACHED_FORMATS
from mentorledger.reports.outputs import CHAIR_FORMATS, check_formats
from tasks.reports import email_chair_report, render_chair_report


def artifact_key(prefix: str, name: str) -> str:
    """Prefect artifact keys allow lower-case letters, digits and dashes only."""
    return f"{prefix}-{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-') or 'x'}"[:100]


@flow(name="effort-report")
def effort_report(
    config_path: str,
    department: str,
    date_from: str | None = None,
    date_to: str | None = None,
    formats: list[str] | None = None,
    out_dir: str = "out/reports",
    email: bool = False,
    database_url: str | None = None,
    as_of: str | None = None,
) -> dict[str, Any]:
    """Write the department's effort report (default: every format); with ``email``, send it to the chairs.

    ``as_of``: count only meetings that ended by then (YYYY-MM-DD: the end of that day; default now)."""
    logger = get_run_logger()
    chosen = check_formats(formats, CHAIR_FORMATS, "chair report")
    if email:
        chosen += [fmt for fmt in ATTACHED_FORMATS if fmt not in chosen]
    result = render_chair_report(
        config_path, department, date_from, date_to, chosen, out_dir, database_url, as_of
    )
    create_markdown_artifact(
        key=artifact_key("effort-report", result["department"]),
        markdown=result["markdown"],
        description=f"Mentoring effort, {result['department']}",
    )
    create_table_artifact(
        key=artifact_key("effort-table", result["department"]),
        table=result["table"],
        description=f"Hours per mentor, {result['window']['start']} to {result['window']['end']}",
    )
    logger.info(
        "Effort report for %s: %d mentors, %d minutes; wrote %s",
        result["department"],
        result["totals"]["mentors"],
        result["totals"]["minutes"],
        ", ".join(result["files"]),
    )
    result["emailed"] = (
        email_chair_report(
            config_path,
            result["department"],
            result["subject"],
            result["body"],
            result["files"],
            database_url,
        )
        if email
        else []
    )
    if email:
        logger.info("E-mailed the report to %d chairs", len(result["emailed"]))
    return result
