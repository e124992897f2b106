"""The school-wide roll-up for faculty affairs and deans: every department side by side, from one read
of the ledger. Orchestration only: one render task and a markdown artifact."""

from __future__ import annotations

from typing import Any

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact

from mentorledger.reports.outputs import SCHOOL_FORMATS, check_formats
from tasks.reports import render_school_report


@flow(name="school-report")
def school_report(
    config_path: str,
    date_from: str | None = None,
    date_to: str | None = None,
    formats: list[str] | None = None,
    out_dir: str = "out/reports",
    database_url: str | None = None,
    as_of: str | None = None,
) -> dict[str, Any]:
    """Write the roll-up (default: every format); ``as_of`` as for the effort report."""
    chosen = check_formats(formats, SCHOOL_FORMATS, "school report")
    result = render_school_report(config_path, date_from, date_to, chosen, out_dir, database_url, as_of)
    create_markdown_artifact(
        key="school-report", markdown=result["markdown"], description="Mentoring effort by department"
    )
    get_run_logger().info(
        "School report: %d departments; wrote %s", len(result["departments"]), ", ".join(result["files"])
    )
    return result
