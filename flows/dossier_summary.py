"""A mentor's dossier summary: render it and publish artifacts. Orchestration only."""

from __future__ import annotations

from typing import Any

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from flows.effort_report import artifact_key
from mentorledger.reports.outputs import DOSSIER_FORMATS, check_formats
from tasks.reports import render_dossier


@flow(name="dossier-summary")
def dossier_summary(
    config_path: str,
    mentor: str,
    date_from: str | None = None,
    date_to: str | None = None,
    formats: list[str] | None = None,
    out_dir: str = "out/dossiers",
    database_url: str | None = None,
    as_of: str | None = None,
) -> dict[str, Any]:
    """Write the mentor's summary (default: DOCX, PDF and Markdown), from the last promotion by default;
    ``as_of`` as for the effort report."""
    chosen = check_formats(formats, DOSSIER_FORMATS, "dossier")
    result = render_dossier(config_path, mentor, date_from, date_to, chosen, out_dir, database_url, as_of)
    create_markdown_artifact(
        key=artifact_key("dossier", result["mentor"].split("@")[0]),
        markdown=result["markdown"],
        description="Mentoring summary for a promotion dossier",
    )
    create_table_artifact(
        key=artifact_key("dossier-hours", result["mentor"].split("@")[0]),
        table=result["table"],
        description=f"Hours per academic year, {result['window']['start']} to {result['window']['end']}",
    )
    get_run_logger().info("Dossier summary written: %s", ", ".join(result["files"]))
    return result
