"""Monthly e-mails: each mentor's digest, or each mentee's request to confirm their sessions.

Orchestration only: one task for the mailing (it claims, sends and records per person, so the task's
retries and a re-run of the whole flow send nothing twice), then a table artifact. Scheduled monthly
in prefect.yaml (``monthly-mentor-digests``, ``monthly-attestation-requests``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from prefect import flow, get_run_logger
from prefect.artifacts import create_table_artifact

from tasks.digests import send_monthly_mail


@flow(name="monthly-mail")
def monthly_mail(
    config_path: str,
    kind: str = "mentor",
    month: str | None = None,
    database_url: str | None = None,
    out_dir: str | None = None,
) -> dict[str, Any]:
    """``kind``: ``mentor`` (digests) or ``attestation`` (mentees' requests); ``month`` (YYYY-MM): the
    month a digest is about, default last month; ``out_dir``: write ``.eml`` files instead of sending."""
    now = dt.datetime.now(dt.UTC).isoformat()
    result = send_monthly_mail(config_path, kind, month, now, database_url, out_dir)
    create_table_artifact(
        key=f"monthly-mail-{kind}",
        table=[{k: v for k, v in result.items() if k != "failed"}],
        description=f"Monthly {kind} e-mails for {result['period']}",
    )
    logger = get_run_logger()
    logger.info(
        "Monthly %s mail for %s: %d sent, %d already sent, %d turned off, %d with nothing to send, %d failed",
        kind,
        result["period"],
        result["sent"],
        result["already_sent"],
        result["turned_off"],
        result["nothing_to_send"],
        len(result["failed"]),
    )
    for failure in result["failed"]:
        logger.warning("Could not deliver to %s: %s", failure["recipient"], failure["reason"])
    return result
