"""What ``status`` and ``resync`` print: the health table (or JSON), scheduled runs, a sync summary.

Rendering only; cli.py looks up the Prefect side (lazily) and passes it in, so this module stays free
of Prefect like the rest of the core.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Any

from rich.console import Console
from rich.table import Table

from mentorledger.config import Config
from mentorledger.status import CalendarHealth, age, calendar_health, needs_attention
from mentorledger.store.ledger import Ledger
from mentorledger.sync import CalendarOutcome

NO_SERVER = "no Prefect server configured"


def show_status(
    config: Config,
    ledger: Ledger,
    *,
    json_output: bool,
    problem: str | None,
    runs: list[dict[str, Any]],
    stale_after: dt.timedelta,
    now: dt.datetime | None = None,
) -> list[CalendarHealth]:
    """Print calendar health, then the next scheduled runs (or ``problem``: why there are none).
    Returns the calendars that need attention (``status`` exits 1 when there are any)."""
    now = now or dt.datetime.now(dt.UTC)
    health = calendar_health(config, ledger, now=now)
    reasons = [needs_attention(h, now=now, stale_after=stale_after) for h in health]
    failing = [h for h, reason in zip(health, reasons, strict=True) if reason]
    if json_output:
        document = {
            "calendars": [
                {**h.as_json(), "attention": reason} for h, reason in zip(health, reasons, strict=True)
            ],
            "stale_after_hours": stale_after.total_seconds() / 3600,
            "needs_attention": len(failing),
            "scheduled_runs": runs,
            "prefect": problem or "connected",
        }
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
        return failing
    console = Console()
    if not console.is_terminal:  # piped into a log or a mail: don't squeeze the table into 80 columns
        console = Console(width=200)
    table = Table(title=f"Calendar sync health, {config.institution}", title_justify="left")
    for column in ("Owner", "Calendar", "Last success (UTC)", "Outcome", "Failures", "Token age", "Pending"):
        table.add_column(column)
    for h in health:
        table.add_row(
            h.owner,
            h.calendar,
            h.last_success_at.strftime("%Y-%m-%d %H:%M") if h.last_success_at else "never",
            h.last_outcome or "never synced",
            str(h.consecutive_failures) if h.consecutive_failures else "-",
            age(h.sync_token_age_seconds),
            str(h.pending_review),
        )
    console.print(table)
    for h in health:
        if h.last_error:
            console.print(f"[red]{h.owner}[/red] {h.calendar}: {h.last_error}", highlight=False)
    unhealthy = sum(not h.healthy for h in health)
    console.print(f"{len(health) - unhealthy} of {len(health)} calendars healthy")
    if failing:
        shown = "; ".join(
            f"{h.owner} {h.calendar}: {reason}" for h, reason in zip(health, reasons, strict=True) if reason
        )
        console.print(
            f"{len(failing)} need attention (stale after {age(int(stale_after.total_seconds()))}): {shown}",
            highlight=False,
            soft_wrap=True,
        )
    if problem:
        console.print(f"Next scheduled runs: {problem}")
    elif not runs:
        console.print("Next scheduled runs: none scheduled")
    else:
        console.print("Next scheduled runs:")
        for run in runs:
            console.print(f"  {run['expected_start']}  {run['deployment']}", highlight=False)
    return failing


def outcomes_summary(outcomes: list[CalendarOutcome]) -> dict[str, Any]:
    counts: dict[str, int] = {}
    for o in outcomes:
        counts[o.outcome] = counts.get(o.outcome, 0) + 1
    return {
        "calendars": len(outcomes),
        "outcomes": counts,
        "failed": [
            {"calendar": o.label, "owner": o.owner, "reason": o.error}
            for o in outcomes
            if o.outcome == "failed"
        ],
        "partial": [
            {"calendar": o.label, "owner": o.owner, "problems": list(o.problems)}
            for o in outcomes
            if o.outcome == "partial"
        ],
    }
