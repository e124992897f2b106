"""A changed ICS feed re-reads only the series (UID groups) whose text changed; after every kind of
edit the ledger equals a clean full sync of the new file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from mentorledger.sources.ics import incremental
from mentorledger.store.ledger import Ledger
from mentorledger.store.schema import EntryRow
from mentorledger.sync import SyncContext, sync_batch
from tests.ledger_checks import hours_by_mentor
from tests.unit.icsbuild import EASTERN_STANDARD_TIME_VTIMEZONE, calendar
from tests.unit.support import ANA, BEN, write_config

ONE_TO_ONE = f"""
UID:one@example.edu
SUMMARY:#mentoring 1:1
ORGANIZER:mailto:{ANA}
ATTENDEE;PARTSTAT=ACCEPTED:mailto:{BEN}
DTSTART;TZID=Eastern Standard Time:20251015T100000
DTEND;TZID=Eastern Standard Time:20251015T110000
"""
WEEKLY = f"""
UID:weekly@example.edu
SUMMARY:#mentoring weekly
ORGANIZER:mailto:{ANA}
ATTENDEE;PARTSTAT=ACCEPTED:mailto:{BEN}
DTSTART;TZID=Eastern Standard Time:20251103T090000
DTEND;TZID=Eastern Standard Time:20251103T100000
RRULE:FREQ=WEEKLY;COUNT=4
"""
WEEKLY_OVERRIDE = f"""
UID:weekly@example.edu
SUMMARY:#mentoring weekly (moved)
ORGANIZER:mailto:{ANA}
ATTENDEE;PARTSTAT=ACCEPTED:mailto:{BEN}
RECURRENCE-ID;TZID=Eastern Standard Time:20251110T090000
DTSTART;TZID=Eastern Standard Time:20251111T140000
DTEND;TZID=Eastern Standard Time:20251111T150000
"""
NO_UID = f"""
SUMMARY:#mentoring hallway chat
ORGANIZER:mailto:{ANA}
ATTENDEE;PARTSTAT=ACCEPTED:mailto:{BEN}
DTSTART:20251201T150000Z
DTEND:20251201T153000Z
"""
SEMINAR = f"""
UID:seminar@example.edu
SUMMARY:#mentoring seminar
ORGANIZER:mailto:{ANA}
ATTENDEE;PARTSTAT=ACCEPTED:mailto:{BEN}
DTSTART:20251020T180000Z
DTEND:20251020T193000Z
"""
FIRST = (ONE_TO_ONE, WEEKLY, WEEKLY_OVERRIDE, NO_UID, SEMINAR)


def feed(*events: str, headers: tuple[str, ...] = ()) -> bytes:
    return calendar(*events, headers=headers, components=[EASTERN_STANDARD_TIME_VTIMEZONE])


class ParseSpy:
    """Counts the VEVENTs each parse is given, the bounded count a partial read promises."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.events: list[int] = []
        real = incremental.parse_ics

        def spy(data: bytes, **kwargs: Any) -> Any:
            self.events.append(data.count(b"BEGIN:VEVENT"))
            return real(data, **kwargs)

        monkeypatch.setattr(incremental, "parse_ics", spy)


def sync(config, ledger: Ledger, run: str):
    (outcome,) = sync_batch(SyncContext(config=config, ledger=ledger, run_id=run), config.calendars)
    return outcome


def active_entries(ledger: Ledger) -> list[tuple[Any, ...]]:
    with Session(ledger.engine) as session:
        rows = session.scalars(select(EntryRow).where(EntryRow.status == "active")).all()
        return sorted(
            (r.source_key, r.start_utc, r.end_utc, r.category, r.rule, tuple(r.participants), r.fingerprint)
            for r in rows
        )


def assert_same_as_clean_sync(tmp_path: Path, config, ledger: Ledger, outcome: str = "synced") -> None:
    path = tmp_path / f"clean-{len(list(tmp_path.glob('clean-*.db')))}.db"
    clean = Ledger.open(f"sqlite:///{path}")
    assert sync(config, clean, "clean").outcome == outcome
    assert active_entries(ledger) == active_entries(clean)
    assert hours_by_mentor(config, ledger) == hours_by_mentor(config, clean)
    clean.engine.dispose()


EDITS = {
    "a series edited": (
        (ONE_TO_ONE, WEEKLY, WEEKLY_OVERRIDE, NO_UID, SEMINAR.replace("T193000Z", "T200000Z")),
        1,
    ),
    "a series added": (
        (*FIRST, SEMINAR.replace("seminar@", "seminar-2@").replace("20251020", "20251022")),
        1,
    ),
    "a series removed": ((ONE_TO_ONE, WEEKLY_OVERRIDE, NO_UID, SEMINAR), 1),  # the master only
    "an override edited": (
        (ONE_TO_ONE, WEEKLY, WEEKLY_OVERRIDE.replace("T140000", "T160000"), NO_UID, SEMINAR),
        2,  # the series: master and override
    ),
    "the UID-less event edited": (
        (ONE_TO_ONE, WEEKLY, WEEKLY_OVERRIDE, NO_UID.replace("T153000Z", "T160000Z"), SEMINAR),
        1,
    ),
    "a whole series removed": ((ONE_TO_ONE, NO_UID, SEMINAR), 0),
}


@pytest.mark.parametrize(("events", "parsed"), EDITS.values(), ids=EDITS.keys())
def test_after_an_edit_the_ledger_equals_a_clean_sync_and_only_changed_series_are_parsed(
    tmp_path: Path, ledger: Ledger, monkeypatch: pytest.MonkeyPatch, events: tuple[str, ...], parsed: int
) -> None:
    (tmp_path / "ana.ics").write_bytes(feed(*FIRST))
    config = write_config(tmp_path, [(ANA, "ana.ics")])
    assert sync(config, ledger, "r1").outcome == "synced"
    spy = ParseSpy(monkeypatch)
    (tmp_path / "ana.ics").write_bytes(feed(*events))
    outcome = sync(config, ledger, "r2")
    assert outcome.outcome == "synced"
    assert spy.events == ([parsed] if parsed else [])
    assert_same_as_clean_sync(tmp_path, config, ledger)
    # and the next edit is incremental again, from the cursor this read left
    (tmp_path / "ana.ics").write_bytes(feed(*events, ONE_TO_ONE.replace("one@", "later@")))
    assert sync(config, ledger, "r3").outcome == "synced"
    assert spy.events[-1] == 1
    assert_same_as_clean_sync(tmp_path, config, ledger)


@pytest.mark.parametrize(
    "changed",
    [
        feed(*FIRST, headers=("X-WR-TIMEZONE:Europe/London",)),
        calendar(*FIRST, components=[EASTERN_STANDARD_TIME_VTIMEZONE.replace("BYDAY=1SU", "BYDAY=-1SU")]),
    ],
    ids=["X-WR-TIMEZONE added", "VTIMEZONE edited"],
)
def test_a_changed_calendar_context_is_read_in_full(
    tmp_path: Path, ledger: Ledger, monkeypatch: pytest.MonkeyPatch, changed: bytes
) -> None:
    (tmp_path / "ana.ics").write_bytes(feed(*FIRST))
    config = write_config(tmp_path, [(ANA, "ana.ics")])
    sync(config, ledger, "r1")
    spy = ParseSpy(monkeypatch)
    (tmp_path / "ana.ics").write_bytes(changed)
    sync(config, ledger, "r2")
    assert spy.events == [len(FIRST)]
    assert_same_as_clean_sync(tmp_path, config, ledger)


def test_a_calendar_with_problems_is_read_in_full_next_time(
    tmp_path: Path, ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = "UID:broken@example.edu\nSUMMARY:#mentoring\nDTEND:20251020T193000Z\n"  # no DTSTART
    (tmp_path / "ana.ics").write_bytes(feed(*FIRST, broken))
    config = write_config(tmp_path, [(ANA, "ana.ics")])
    assert sync(config, ledger, "r1").outcome == "partial"
    spy = ParseSpy(monkeypatch)
    (tmp_path / "ana.ics").write_bytes(feed(*FIRST[:-1], SEMINAR.replace("T193000Z", "T200000Z"), broken))
    assert sync(config, ledger, "r2").outcome == "partial"
    assert spy.events == [len(FIRST) + 1]
    assert_same_as_clean_sync(tmp_path, config, ledger, "partial")
