"""Send every group's meeting requests for the sessions within the horizon (schedulable, e.g. daily).

Orchestration only: first the members' answers are read from the replies mailbox (one task, when
the configuration has an ``imap`` section and ``read_replies``), then one task per group on a small
thread pool, then a summary and a table artifact. Re-running is safe: unchanged sessions are not
sent again (see mentorledger.invites.plan), and answers already read are not read twice.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from prefect import flow, get_run_logger
from prefect.artifacts import create_table_artifact
from prefect.task_runners import ThreadPoolTaskRunner

from mentorledger.errors import UserError
from tasks.invites import invite_group, read_invite_replies
from tasks.sync import cached_config

DEFAULT_OUT_DIR = "out/invites"
WORKERS = 4


@flow(name="send-group-invites", task_runner=ThreadPoolTaskRunner(max_workers=WORKERS))  # type: ignore[arg-type]  # Prefect 3.8 variance
def send_group_invites(
    config_path: str,
    group_id: str | None = None,
    horizon_days: int = 28,
    send: bool = True,
    out_dir: str | None = None,
    database_url: str | None = None,
    read_replies: bool = True,
) -> dict[str, Any]:
    """Send (``send``) or write to ``out_dir`` the invites of one group or all groups.

    When sending, ``out_dir`` (if given) receives each group's PUBLISH feed; when not sending, it
    receives every message as ``.ics`` and ``.eml`` plus the feeds (default ``out/invites``).
    """
    logger = get_run_logger()
    config = cached_config(config_path)
    groups = [g.id for g in config.groups if group_id is None or g.id == group_id]
    if group_id is not None and not groups:
        raise UserError(f"no group {group_id!r} in {config_path}; check --group")
    if send and config.smtp is None:
        raise UserError(f"{config_path}: no smtp section; add smtp.host (and port, security) or use --out")
    target = out_dir if (out_dir or send) else DEFAULT_OUT_DIR
    now = dt.datetime.now(dt.UTC).isoformat()
    replies: dict[str, Any] | None = None
    if read_replies and config.imap is not None:
        replies = read_invite_replies(config_path, now, database_url)
        if replies.get("error"):
            logger.warning("Could not read invite replies: %s", replies["error"])
    futures = [
        invite_group.submit(config_path, g, now, horizon_days, send, target, database_url) for g in groups
    ]
    results: list[dict[str, Any]] = [future.result() for future in futures]
    failed = [dict(f, group=r["group"]) for r in results for f in r["failed"]]
    create_table_artifact(
        key="group-invites",
        table=[
            {
                "group": r["group"],
                "sessions in horizon": r["sessions_in_horizon"],
                "requests": r["requests"],
                "cancels": r["cancels"],
                "unchanged": r["unchanged"],
                "organizer copies": r.get("organizer_copies", 0),
                "digests": r.get("digests", 0),
                "failed": len(r["failed"]),
            }
            for r in results
        ],
        description=f"Group invites ({'sent' if send else 'written'}), horizon {horizon_days} days",
    )
    summary = {
        "mode": "send" if send else "out",
        "out_dir": target,
        "groups": results,
        "requests": sum(r["requests"] for r in results),
        "cancels": sum(r["cancels"] for r in results),
        "unchanged": sum(r["unchanged"] for r in results),
        "failed": failed,
        "replies": replies,
    }
    logger.info(
        "Invites for %d groups: %d requests, %d cancellations, %d unchanged, %d failed",
        len(results),
        summary["requests"],
        summary["cancels"],
        summary["unchanged"],
        len(failed),
    )
    for failure in failed:
        logger.warning(
            "Could not deliver %s for group %s to %d recipients: %s",
            failure["method"],
            failure["group"],
            len(failure["recipients"]),
            failure["reason"],
        )
    return summary
