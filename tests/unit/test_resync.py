"""Rule 6: re-syncing is idempotent; edits update, deletions and cancellations leave the totals
(but stay in the audit trail); a broken calendar fails alone."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mentorledger.hours import compute_hours
from mentorledger.store.schema import AuditRow, CalendarRunRow, EntryRow
from mentorledger.sync import SyncContext, sync_batch
from tests.unit.icsbuild import calendar
from tests.unit.support import ANA, DEE, utc, write_config

ONE_TO_ONE = """
UID:one@example.edu
SUMMARY:#mentoring 1:1
DTSTART;TZID=America/New_York:20251015T100000
DTEND;TZID=America/New_York:20251015T110000
"""
SEMINAR = """
UID:two@example.edu
SUMMARY:#mentoring seminar
DTSTART;TZID=America/New_York:20251020T140000
DTEND;TZID=America/New_York:20251020T153000
"""
WEEKLY = """
UID:weekly@example.edu
SUMMARY:#mentoring weekly
DTSTART;TZID=America/New_York:20251103T090000
DTEND;TZID=America/New_York:20251103T100000
RRULE:FREQ=WEEKLY;COUNT=3
"""


def setup(tmp_path: Path, *events: str):
    (tmp_path / "ana.ics").write_bytes(calendar(*events))
    return write_config(tmp_path, [(ANA, "ana.ics")])


def sync(config, ledger, run_id: str):
    return sync_batch(SyncContext(config=config, ledger=ledger, run_id=run_id), config.calendars)


def ana_minutes(config, ledger) -> int:
    return next((m.minutes for m in compute_hours(config, ledger).mentors if m.email == ANA), 0)


def audit(ledger) -> list[tuple[str, dict | None, dict | None]]:
    with Session(ledger.engine) as session:
        rows = session.scalars(select(AuditRow).order_by(AuditRow.id)).all()
        return [(row.action, row.before, row.after) for row in rows]


def entry_rows(ledger) -> list[tuple]:
    with Session(ledger.engine) as session:
        rows = session.scalars(select(EntryRow).order_by(EntryRow.id)).all()
        return [(r.source_key, r.status, r.start_utc, r.end_utc, r.updated_at, r.fingerprint) for r in rows]


def test_first_sync_creates_one_entry_per_counted_instance(tmp_path, ledger):
    config = setup(tmp_path, ONE_TO_ONE, SEMINAR, WEEKLY)
    (outcome,) = sync(config, ledger, "r1")
    assert (outcome.outcome, outcome.created, outcome.updated, outcome.removed) == ("synced", 5, 0, 0)
    assert [a for a, _, _ in audit(ledger)] == ["created"] * 5
    assert ana_minutes(config, ledger) == 60 + 90 + 3 * 60


def test_unchanged_calendar_resync_is_unchanged_and_writes_nothing(tmp_path, ledger):
    config = setup(tmp_path, ONE_TO_ONE, SEMINAR, WEEKLY)
    sync(config, ledger, "r1")
    entries_before, audit_before, minutes_before = (
        entry_rows(ledger),
        audit(ledger),
        ana_minutes(config, ledger),
    )

    (outcome,) = sync(config, ledger, "r2")

    assert outcome.outcome == "unchanged"
    assert (outcome.created, outcome.updated, outcome.removed) == (0, 0, 0)
    assert entry_rows(ledger) == entries_before  # not even updated_at moved
    assert audit(ledger) == audit_before
    assert ana_minutes(config, ledger) == minutes_before
    with Session(ledger.engine) as session:
        run = session.scalars(select(CalendarRunRow).where(CalendarRunRow.run_id == "r2")).one()
        assert (run.outcome, run.created, run.updated, run.removed) == ("unchanged", 0, 0, 0)


def test_rewritten_but_identical_file_is_unchanged(tmp_path, ledger):
    config = setup(tmp_path, ONE_TO_ONE)
    sync(config, ledger, "r1")
    (tmp_path / "ana.ics").write_bytes(calendar(ONE_TO_ONE))
    (outcome,) = sync(config, ledger, "r2")
    assert outcome.outcome == "unchanged"


def test_resync_with_other_unrelated_changes_leaves_untouched_entries_alone(tmp_path, ledger):
    config = setup(tmp_path, ONE_TO_ONE)
    sync(config, ledger, "r1")
    (before,) = entry_rows(ledger)
    (tmp_path / "ana.ics").write_bytes(
        calendar(
            ONE_TO_ONE,
            "UID:lunch@example.edu\nSUMMARY:Lunch\nDTSTART:20251016T160000Z\nDTEND:20251016T170000Z",
        )
    )
    (outcome,) = sync(config, ledger, "r2")
    # Only the new series is read (an incremental read): the 1:1 is not even compared again.
    assert (outcome.created, outcome.updated, outcome.removed, outcome.unchanged) == (0, 0, 0, 0)
    assert entry_rows(ledger) == [before]


def test_edited_event_updates_its_entry_and_the_totals(tmp_path, ledger):
    config = setup(tmp_path, ONE_TO_ONE, SEMINAR)
    sync(config, ledger, "r1")
    assert ana_minutes(config, ledger) == 150
    keys_before = [row[0] for row in entry_rows(ledger)]

    longer = ONE_TO_ONE.replace("20251015T110000", "20251015T113000")  # 10:00-11:30 EDT
    (tmp_path / "ana.ics").write_bytes(calendar(longer, SEMINAR))
    (outcome,) = sync(config, ledger, "r2")

    # Only the edited series is read again (an incremental read): the seminar is not compared again.
    assert (outcome.outcome, outcome.created, outcome.updated, outcome.removed, outcome.unchanged) == (
        "synced",
        0,
        1,
        0,
        0,
    )
    rows = entry_rows(ledger)
    assert [row[0] for row in rows] == keys_before  # updated in place, not replaced
    edited = next(row for row in rows if row[2] == utc(2025, 10, 15, 14))
    assert (edited[1], edited[3]) == ("active", utc(2025, 10, 15, 15, 30))
    assert ana_minutes(config, ledger) == 180
    actions = [a for a, _, _ in audit(ledger)]
    assert actions == ["created", "created", "updated"]


def test_moved_one_off_event_updates_its_entry(tmp_path, ledger):
    config = setup(tmp_path, ONE_TO_ONE)
    sync(config, ledger, "r1")
    moved = ONE_TO_ONE.replace("20251015T10", "20251017T10").replace("20251015T11", "20251017T11")
    (tmp_path / "ana.ics").write_bytes(calendar(moved))
    (outcome,) = sync(config, ledger, "r2")
    assert (outcome.created, outcome.updated, outcome.removed) == (0, 1, 0)
    [(_, status, start, end, _, _)] = entry_rows(ledger)
    assert (status, start, end) == ("active", utc(2025, 10, 17, 14), utc(2025, 10, 17, 15))
    assert ana_minutes(config, ledger) == 60


def test_deleted_event_is_removed_from_totals_and_kept_in_the_audit(tmp_path, ledger):
    config = setup(tmp_path, ONE_TO_ONE, SEMINAR)
    sync(config, ledger, "r1")
    (tmp_path / "ana.ics").write_bytes(calendar(SEMINAR))

    (outcome,) = sync(config, ledger, "r2")

    assert (outcome.outcome, outcome.created, outcome.updated, outcome.removed) == ("synced", 0, 0, 1)
    assert ana_minutes(config, ledger) == 90
    report = compute_hours(config, ledger)
    assert [(m.email, m.entries) for m in report.mentors] == [(ANA, 1)]
    removed = [(before, after) for action, before, after in audit(ledger) if action == "removed"]
    assert len(removed) == 1
    before, after = removed[0]
    assert after is None
    assert before["start"].startswith("2025-10-15T14:00")
    assert before["end"].startswith("2025-10-15T15:00")
    assert sorted(status for _, status, *_ in entry_rows(ledger)) == ["active", "removed"]


def test_event_cancelled_later_is_removed_from_totals_and_kept_in_the_audit(tmp_path, ledger):
    config = setup(tmp_path, ONE_TO_ONE, SEMINAR)
    sync(config, ledger, "r1")
    (tmp_path / "ana.ics").write_bytes(calendar(ONE_TO_ONE + "STATUS:CANCELLED", SEMINAR))

    (outcome,) = sync(config, ledger, "r2")

    assert outcome.removed == 1
    assert ana_minutes(config, ledger) == 90
    assert [a for a, _, _ in audit(ledger)].count("removed") == 1


def test_one_instance_of_a_series_cancelled_later_is_removed(tmp_path, ledger):
    config = setup(tmp_path, WEEKLY)
    sync(config, ledger, "r1")
    assert ana_minutes(config, ledger) == 180
    cancel = """
    UID:weekly@example.edu
    SUMMARY:#mentoring weekly
    RECURRENCE-ID;TZID=America/New_York:20251110T090000
    DTSTART;TZID=America/New_York:20251110T090000
    DTEND;TZID=America/New_York:20251110T100000
    STATUS:CANCELLED
    """
    (tmp_path / "ana.ics").write_bytes(calendar(WEEKLY, cancel))
    (outcome,) = sync(config, ledger, "r2")
    assert (outcome.created, outcome.updated, outcome.removed, outcome.unchanged) == (0, 0, 1, 2)
    assert ana_minutes(config, ledger) == 120
    removed = [before for action, before, _ in audit(ledger) if action == "removed"]
    assert len(removed) == 1
    assert removed[0]["start"].startswith("2025-11-10T14:00")


def test_deleted_then_restored_event_counts_again(tmp_path, ledger):
    config = setup(tmp_path, ONE_TO_ONE)
    sync(config, ledger, "r1")
    (tmp_path / "ana.ics").write_bytes(calendar(SEMINAR))
    sync(config, ledger, "r2")
    (tmp_path / "ana.ics").write_bytes(calendar(ONE_TO_ONE, SEMINAR))
    sync(config, ledger, "r3")
    assert ana_minutes(config, ledger) == 150
    assert [status for _, status, *_ in entry_rows(ledger)] == ["active", "active"]


def test_missing_calendar_file_fails_alone_and_others_are_saved(tmp_path, ledger):
    (tmp_path / "ana.ics").write_bytes(calendar(ONE_TO_ONE))
    (tmp_path / "dee.ics").write_bytes(calendar(SEMINAR))
    config = write_config(tmp_path, [(ANA, "ana.ics"), (DEE, "dee.ics")])
    (tmp_path / "ana.ics").unlink()

    outcomes = sync(config, ledger, "r1")

    assert {o.owner: o.outcome for o in outcomes} == {ANA: "failed", DEE: "synced"}
    failed = next(o for o in outcomes if o.owner == ANA)
    assert failed.error
    report = compute_hours(config, ledger)
    assert [(m.email, m.minutes) for m in report.mentors] == [(DEE, 90)]


def test_broken_calendar_file_fails_alone_and_keeps_its_previous_entries(tmp_path, ledger):
    (tmp_path / "ana.ics").write_bytes(calendar(ONE_TO_ONE))
    (tmp_path / "dee.ics").write_bytes(calendar(SEMINAR))
    config = write_config(tmp_path, [(ANA, "ana.ics"), (DEE, "dee.ics")])
    sync(config, ledger, "r1")

    (tmp_path / "ana.ics").write_bytes(b"<html><body>Sign in to continue</body></html>")
    (tmp_path / "dee.ics").write_bytes(calendar(SEMINAR, ONE_TO_ONE.replace("one@", "dee-one@")))
    outcomes = sync(config, ledger, "r2")

    assert {o.owner: o.outcome for o in outcomes} == {ANA: "failed", DEE: "synced"}
    report = {m.email: m.minutes for m in compute_hours(config, ledger).mentors}
    assert report == {ANA: 60, DEE: 150}  # Ana's failed feed removes nothing
    with Session(ledger.engine) as session:
        assert (
            session.scalar(select(func.count()).select_from(EntryRow).where(EntryRow.status == "removed"))
            == 0
        )


def test_unchanged_file_is_recounted_when_the_rules_change(tmp_path, ledger):
    lunch = "UID:lunch@example.edu\nSUMMARY:Mentor lunch\nDTSTART:20251016T160000Z\nDTEND:20251016T170000Z"
    config = setup(tmp_path, ONE_TO_ONE, lunch)
    sync(config, ledger, "r1")
    assert ana_minutes(config, ledger) == 60

    config = write_config(tmp_path, [(ANA, "ana.ics")], counting={"keywords": ["mentor"]})
    (outcome,) = sync(config, ledger, "r2")

    assert (outcome.outcome, outcome.created, outcome.unchanged) == ("synced", 1, 1)
    assert ana_minutes(config, ledger) == 120
