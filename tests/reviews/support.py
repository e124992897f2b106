"""A small department for the review and manual-entry tests: Ana's calendars, synced without Prefect."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mentorledger.config import Config
from mentorledger.hours import compute_hours
from mentorledger.instances import stable_hash
from mentorledger.reviews import Review
from mentorledger.store.ledger import Ledger
from mentorledger.store.review_audit import Batch
from mentorledger.store.reviews import set_review
from mentorledger.store.schema import EntryRow
from mentorledger.sync import SyncContext, calendar_ref, sync_batch
from tests.unit.icsbuild import calendar
from tests.unit.support import ANA, write_config


def department(tmp_path: Path, files: dict[str, list[str]], **changes: Any) -> Config:
    """Write each calendar file (events as VEVENT bodies) for Ana and load the configuration."""
    for name, events in files.items():
        (tmp_path / name).write_bytes(calendar(*events))
    return write_config(tmp_path, [(ANA, name) for name in files], **changes)


def rewrite(tmp_path: Path, name: str, *events: str) -> None:
    (tmp_path / name).write_bytes(calendar(*events))


def sync(config: Config, ledger: Ledger, run_id: str = "t") -> None:
    outcomes = sync_batch(SyncContext(config=config, ledger=ledger, run_id=run_id), config.calendars)
    assert all(o.ok for o in outcomes), outcomes


def keys(config: Config) -> list[str]:
    return [calendar_ref(source).calendar_key for source in config.calendars]


def entry_id(ledger: Ledger, uid: str, owner: str = ANA) -> int:
    """The id of one stored copy of a one-off event (any copy: reviews act on the occurrence)."""
    with Session(ledger.engine) as session:
        found = session.scalar(
            select(EntryRow.id)
            .where(EntryRow.owner == owner, EntryRow.event_key == stable_hash(f"{uid}\x1f"))
            .order_by(EntryRow.id)
        )
    assert found is not None, uid
    return found


def reviews_by_uid(ledger: Ledger, *uids: str) -> dict[str, set[str]]:
    """The review column of every copy of each event."""
    with Session(ledger.engine) as session:
        return {
            uid: set(
                session.scalars(
                    select(EntryRow.review).where(EntryRow.event_key == stable_hash(f"{uid}\x1f"))
                )
            )
            for uid in uids
        }


def ana_row(config: Config, ledger: Ledger, **window: dt.date) -> dict[str, Any]:
    """Ana's row of ``hours --format json`` (empty when nothing of hers counts)."""
    rows = compute_hours(config, ledger, **window).as_json()["mentors"]  # type: ignore[arg-type]
    return next((row for row in rows if row["email"] == ANA), {})


def event(uid: str, day: int, start: str, end: str, *extra: str, month: int = 10) -> str:
    """A one-off #mentoring event in New York time on 2025-MONTH-DAY, HH:MM to HH:MM."""
    s, e = start.replace(":", ""), end.replace(":", "")
    lines = [
        f"UID:{uid}",
        "SUMMARY:#mentoring",
        f"DTSTART;TZID=America/New_York:2025{month:02d}{day:02d}T{s}00",
        f"DTEND;TZID=America/New_York:2025{month:02d}{day:02d}T{e}00",
        *extra,
    ]
    return "\n".join(lines)


def review(
    config: Config, ledger: Ledger, uid: str, state: Review, reason: str | None = None, owner: str = ANA
) -> Batch:
    """``owner`` reviews the event with this UID, as the web app would."""
    return set_review(
        ledger,
        owner=owner,
        actor=owner,
        entry_id=entry_id(ledger, uid),
        review=state,
        reason=reason,
        calendar_keys=keys(config),
    )
