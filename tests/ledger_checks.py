"""What the source tests read back from the ledger: minutes per mentor as ``hours`` shows them, and
how many audit rows there are (a sync that writes nothing adds none)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mentorledger.config import Config
from mentorledger.hours import compute_hours
from mentorledger.store.ledger import Ledger
from mentorledger.store.schema import AuditRow


def hours_by_mentor(config: Config, ledger: Ledger) -> dict[str, dict[str, Any]]:
    report = compute_hours(config, ledger).as_json()
    return {m["email"]: {k: m[k] for k in ("minutes", "by_category", "entries")} for m in report["mentors"]}


def audit_rows(ledger: Ledger) -> int:
    with Session(ledger.engine) as session:
        return session.scalar(select(func.count()).select_from(AuditRow)) or 0
