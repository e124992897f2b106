"""Rule 5, "the same UID and instance on two calendars of one owner counts once", when the copies differ."""

from __future__ import annotations

from pathlib import Path

from mentorledger.config import load_config
from mentorledger.hours import compute_hours
from mentorledger.store.ledger import Ledger
from mentorledger.sync import SyncContext, sync_batch


def _event(start: str, end: str, *, sequence: int, modified: str, attendees: str = "") -> str:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:same-1\r\n"
        f"DTSTART;TZID=America/New_York:{start}\r\nDTEND;TZID=America/New_York:{end}\r\n"
        f"SEQUENCE:{sequence}\r\nLAST-MODIFIED:{modified}\r\nSUMMARY:#mentoring sync-up\r\n{attendees}"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )


def _department(tmp_path: Path, work: str, personal: str) -> Path:
    (tmp_path / "work.ics").write_text(work, encoding="utf-8")
    (tmp_path / "personal.ics").write_text(personal, encoding="utf-8")
    config = tmp_path / "dept.yaml"
    config.write_text(
        "institution: T\ntimezone: America/New_York\nwindow: {start: 2025-07-01, end: 2026-06-30}\n"
        "people:\n"
        "  - {email: ana@x.edu, name: Ana, department: D, rank: professor}\n"
        "  - {email: ben@x.edu, name: Ben, department: D, rank: resident}\n"
        "relationships:\n  - {mentor: ana@x.edu, mentee: ben@x.edu, kind: dyad, start: 2025-07-01}\n"
        "calendars:\n  - {owner: ana@x.edu, ics: work.ics}\n  - {owner: ana@x.edu, ics: personal.ics}\n",
        encoding="utf-8",
    )
    return config


def _hours(config_path: Path, database_url: str) -> dict[str, object]:
    config = load_config(config_path)
    ledger = Ledger.open(database_url)
    sync_batch(SyncContext(config=config, ledger=ledger, run_id="t"), config.calendars)
    (row,) = compute_hours(config, ledger).as_json()["mentors"]
    return row


def test_a_stale_copy_on_another_calendar_does_not_add_minutes(tmp_path: Path, database_url: str) -> None:
    # The meeting moved from 17:00-18:30 to 18:00-19:30 (SEQUENCE 1 -> 2); the personal copy is stale.
    work = _event("20260210T180000", "20260210T193000", sequence=2, modified="20260201T120000Z")
    personal = _event("20260210T170000", "20260210T183000", sequence=1, modified="20260115T120000Z")
    row = _hours(_department(tmp_path, work, personal), database_url)
    assert row["minutes"] == 90  # the newest copy only, not the 150-minute union of both
    assert row["entries"] == 1


def test_identical_copies_count_once_in_the_higher_category(tmp_path: Path, database_url: str) -> None:
    # The work copy lists the mentee (category mentee); the personal copy has no attendees (tag only).
    attendee = "ATTENDEE;PARTSTAT=ACCEPTED:mailto:ben@x.edu\r\n"
    work = _event(
        "20260210T180000", "20260210T190000", sequence=0, modified="20260101T000000Z", attendees=attendee
    )
    personal = _event("20260210T180000", "20260210T190000", sequence=0, modified="20260101T000000Z")
    row = _hours(_department(tmp_path, work, personal), database_url)
    assert row["minutes"] == 60
    assert row["by_category"] == {"group": 0, "mentee": 60, "tag": 0}
