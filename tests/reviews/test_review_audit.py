"""Every review action is audited (who, when, before, after) and reversible; a moved meeting's
confirmation is undone by the calendar, audited as such; an action of one mentor is unknown to another."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from mentorledger.counting import Category
from mentorledger.reviews import How, Review
from mentorledger.store.ledger import Ledger
from mentorledger.store.manual import add_manual, set_manual_active
from mentorledger.store.review_audit import NotFoundError
from mentorledger.store.reviews import entry_history, undo
from mentorledger.store.schema import ReviewAuditRow
from tests.reviews.support import (
    ana_row,
    department,
    event,
    keys,
    review,
    reviews_by_uid,
    rewrite,
    sync,
)
from tests.unit.support import ANA, BEN


@pytest.fixture
def synced(tmp_path: Path, database_url: str):  # type: ignore[no-untyped-def]
    config = department(
        tmp_path, {"work.ics": [event("a", 6, "09:00", "10:00"), event("b", 6, "14:00", "15:00")]}
    )
    ledger = Ledger.open(database_url)
    sync(config, ledger)
    return config, ledger


def test_exclusion_is_audited_with_who_when_before_after_and_reason(synced) -> None:  # type: ignore[no-untyped-def]
    config, ledger = synced
    before = dt.datetime.now(dt.UTC)
    review(config, ledger, "a", Review.EXCLUDED, "  a clinic huddle  ")
    (row,) = _audit(ledger)
    assert (row.actor, row.owner, row.action, row.target, row.reason) == (
        ANA,
        ANA,
        "exclude",
        "entry",
        "a clinic huddle",
    )
    assert row.before is not None
    assert row.after is not None
    assert (row.before["review"], row.after["review"]) == ("pending", "excluded")
    assert row.before["start"] == "2025-10-06T13:00:00+00:00"
    assert before <= row.at <= dt.datetime.now(dt.UTC)
    assert ana_row(config, ledger)["minutes"] == 60


def test_excluding_needs_a_reason(synced) -> None:  # type: ignore[no-untyped-def]
    config, ledger = synced
    with pytest.raises(ValueError, match="say why"):
        review(config, ledger, "a", Review.EXCLUDED, "  ")
    assert reviews_by_uid(ledger, "a") == {"a": {"pending"}}


def test_undo_reverts_exactly_that_action_and_is_audited_too(synced) -> None:  # type: ignore[no-untyped-def]
    config, ledger = synced
    confirmed = review(config, ledger, "a", Review.CONFIRMED)
    review(config, ledger, "b", Review.CONFIRMED)
    undone = undo(ledger, owner=ANA, actor=ANA, batch=confirmed.id, calendar_keys=keys(config))
    assert undone.changed == 1
    assert reviews_by_uid(ledger, "a", "b") == {"a": {"pending"}, "b": {"confirmed"}}
    assert [e.action for e in entry_history(ledger, ANA, _key("a"))] == ["confirm", "undo"]
    # Undoing again finds the entry changed since (it is pending, not confirmed): nothing happens.
    assert undo(ledger, owner=ANA, actor=ANA, batch=confirmed.id, calendar_keys=keys(config)).changed == 0


def test_another_mentors_entry_and_action_are_not_found(synced) -> None:  # type: ignore[no-untyped-def]
    config, ledger = synced
    batch = review(config, ledger, "a", Review.CONFIRMED)
    with pytest.raises(NotFoundError):
        review(config, ledger, "b", Review.EXCLUDED, "not mine", owner=BEN)
    with pytest.raises(NotFoundError):
        undo(ledger, owner=BEN, actor=BEN, batch=batch.id, calendar_keys=keys(config))
    assert reviews_by_uid(ledger, "a", "b") == {"a": {"confirmed"}, "b": {"pending"}}


def test_a_moved_meeting_sends_its_confirmation_back_to_pending_audited_as_the_calendar(
    tmp_path: Path, synced
) -> None:  # type: ignore[no-untyped-def]
    config, ledger = synced
    review(config, ledger, "a", Review.CONFIRMED)
    rewrite(tmp_path, "work.ics", event("a", 6, "11:00", "12:00"), event("b", 6, "14:00", "15:00"))
    sync(config, ledger, "moved")
    moved = [row for row in _audit(ledger) if row.action == "moved"]
    assert [(r.actor, r.batch, r.before["review"], r.after["review"]) for r in moved] == [  # type: ignore[index]
        ("sync", "moved", "confirmed", "pending")
    ]
    assert moved[0].after["start"] == "2025-10-06T15:00:00+00:00"  # type: ignore[index]
    assert reviews_by_uid(ledger, "a") == {"a": {"pending"}}


def test_hand_made_entries_are_audited_without_their_private_note(database_url: str) -> None:
    ledger = Ledger.open(database_url)
    start = dt.datetime(2025, 10, 6, 13, tzinfo=dt.UTC)
    manual_id, added = add_manual(
        ledger,
        owner=ANA,
        actor=ANA,
        start=start,
        minutes=30,
        how=How.PHONE,
        category=Category.MENTEE,
        mentee=BEN,
        note="Ben is thinking of leaving; confidential",
    )
    set_manual_active(ledger, owner=ANA, actor=ANA, manual_id=manual_id, active=False)
    undo(ledger, owner=ANA, actor=ANA, batch=added.id, calendar_keys=[])  # undoing the add: already removed
    rows = _audit(ledger)
    assert [(r.action, r.manual_id) for r in rows] == [("add", manual_id), ("remove", manual_id)]
    assert "confidential" not in repr([(r.before, r.after, r.reason) for r in rows])
    assert rows[0].after == {
        "status": "active",
        "start": start.isoformat(),
        "end": "2025-10-06T13:30:00+00:00",
        "how": "phone",
        "category": "mentee",
        "mentee": BEN,
        "group_id": None,
    }
    with pytest.raises(NotFoundError):
        set_manual_active(ledger, owner=BEN, actor=BEN, manual_id=manual_id, active=True)


def _key(uid: str) -> str:
    from mentorledger.instances import stable_hash

    return stable_hash(f"{uid}\x1f")


def _audit(ledger: Ledger) -> list[ReviewAuditRow]:
    with Session(ledger.engine) as session:
        return list(session.scalars(select(ReviewAuditRow).order_by(ReviewAuditRow.id)))
