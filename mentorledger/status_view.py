"""What ``status`` and ``resync`` print: the health table (or JSON), scheduled runs, a sync summary.

Rendering only; cli.py looks up the Prefect side (lazily) and passes it in, so this module stays free
of Prefect like the rest of the core.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from rich.console import Console
from rich.table import Table

from mentorledger.config import Config
from mentorledger.status import age, calendar_health
from mentorledger.store.ledger import Ledger
from mentorledger.sync import CalendarOutcome

NO_SERVER = "no Prefect server configured"


def show_status(
    config: Config, *, json_output: bool, problem: str | None, runs: list[dict[str, Any]]
) -> None:
    """Print calendar health, then the next scheduled runs (or ``problem``: why there are none)."""
    health = calendar_health(config, Ledger.open())
    if json_output:
        document = {
            "calendars": [h.as_json() for h in health],
            "scheduled_runs": runs,
            "prefect": problem or "connected",
        }
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
        return
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
    if problem:
        console.print(f"Next scheduled runs: {problem}")
    elif not runs:
        console.print("Next scheduled runs: none scheduled")
    else:
        console.print("Next scheduled runs:")
        for run in runs:
            console.print(f"  {run['expected_start']}  {run['deployment']}", highlight=False)


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
