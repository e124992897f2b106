"""CalDAV calendars against a real Radicale: sync-collection where offered, ETags otherwise."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from mentorledger.config import CaldavCalendar, Config, load_config
from mentorledger.redaction import event_hint
from mentorledger.sources.caldav.dav import Listing
from mentorledger.sources.caldav.source import read_resources, resource_id
from mentorledger.sources.protocol import ReadRequest
from mentorledger.store.ledger import Ledger
from mentorledger.store.schema import CalendarRow, EntryRow
from mentorledger.sync import CalendarOutcome, SyncContext, sync_batch
from tests.caldav.conftest import ACCOUNT, Department
from tests.caldav.radicale_server import delete_resource, make_calendar, put_resource, radicale_server
from tests.google.department import ANA, BEN, EXPECTED, caldav_resources, meetings, write_caldav_department
from tests.ledger_checks import audit_rows, hours_by_mentor


@pytest.fixture
def ledger(database_url: str) -> Ledger:
    return Ledger.open(database_url)


def sync(config: Config, ledger: Ledger, run_id: str) -> list[CalendarOutcome]:
    """Outcomes in configuration order: Ana, Cara, Ben."""
    return sync_batch(
        SyncContext(config=config, ledger=ledger, run_id=run_id, sleep=lambda _s: None), config.calendars
    )


def test_a_full_read_takes_a_sync_token_and_the_windows_resources_and_counts_like_ics(
    tmp_path: Path, department: Department, ledger: Ledger
) -> None:
    config = load_config(write_caldav_department(tmp_path, department.collections))

    outcomes = sync(config, ledger, "r1")

    assert [o.outcome for o in outcomes] == ["synced"] * 3, [o.error for o in outcomes]
    assert hours_by_mentor(config, ledger) == EXPECTED
    assert department.server.reports() == ["sync-collection", "calendar-query"] * 3
    assert outcomes[0].dropped == {"all_day": 1, "declined": 1, "not_mentoring": 1, "transparent": 1}


def test_an_unchanged_calendar_resyncs_with_one_request_and_no_entry_writes(
    tmp_path: Path, department: Department, ledger: Ledger
) -> None:
    config = load_config(write_caldav_department(tmp_path, department.collections))
    sync(config, ledger, "r1")
    department.server.seen.clear()
    audit = audit_rows(ledger)

    outcomes = sync(config, ledger, "r2")

    assert [o.outcome for o in outcomes] == ["unchanged"] * 3
    assert [method for method, _path, _kind in department.server.seen] == ["REPORT"] * 3
    assert department.server.reports() == ["sync-collection"] * 3
    assert audit_rows(ledger) == audit


def test_changed_and_deleted_resources_are_fetched_and_removed_one_by_one(
    tmp_path: Path, department: Department, ledger: Ledger
) -> None:
    config = load_config(write_caldav_department(tmp_path, department.collections))
    sync(config, ledger, "r1")
    ana = department.collections[ANA]
    series = next(m for m in meetings()[ANA] if m.uid == "ana-ben-weekly")
    series.cancelled = [*series.cancelled, 4]  # the 10-29 1:1 is now cancelled (EXDATE)
    put_resource(ana, "ana-ben-weekly.ics", caldav_resources([series])["ana-ben-weekly.ics"], ACCOUNT)
    delete_resource(ana, "tagged-overlap.ics", ACCOUNT)
    department.server.seen.clear()

    first, cara, ben = sync(config, ledger, "r2")

    assert (first.outcome, first.created, first.updated, first.removed) == ("synced", 0, 0, 2)
    assert (cara.outcome, ben.outcome) == ("unchanged", "unchanged")
    assert department.server.reports() == ["sync-collection", "calendar-multiget"] + ["sync-collection"] * 2
    assert hours_by_mentor(config, ledger)[ANA] == {
        "minutes": 435 - 60 - 30,
        "by_category": {"group": 90, "mentee": 315 - 60, "tag": 0},
        "entries": 6,
    }


def test_an_unknown_sync_token_reads_the_calendar_in_full_keeping_reviews(
    tmp_path: Path, department: Department, ledger: Ledger
) -> None:
    config = load_config(write_caldav_department(tmp_path, department.collections))
    sync(config, ledger, "r1")
    with Session(ledger.engine) as session, session.begin():
        session.execute(update(EntryRow).values(review="confirmed"))
        for row in session.scalars(select(CalendarRow)):  # as if the server had forgotten the tokens
            row.cursor = {**row.cursor, "token": "http://radicale.org/ns/sync/" + "0" * 64}
    audit = audit_rows(ledger)
    department.server.seen.clear()

    outcomes = sync(config, ledger, "r2")

    assert [(o.outcome, o.created, o.updated, o.removed) for o in outcomes] == [("synced", 0, 0, 0)] * 3
    assert department.server.reports() == ["sync-collection", "sync-collection", "calendar-query"] * 3
    with Session(ledger.engine) as session:
        assert set(session.scalars(select(EntryRow.review))) == {"confirmed"}
    assert audit_rows(ledger) == audit
    assert [o.outcome for o in sync(config, ledger, "r3")] == ["unchanged"] * 3


def test_without_sync_collection_etags_of_a_time_range_query_find_the_changes(
    tmp_path: Path, department: Department, ledger: Ledger
) -> None:
    department.server.hide_sync_collection = True
    config = load_config(write_caldav_department(tmp_path, department.collections))
    assert [o.outcome for o in sync(config, ledger, "r1")] == ["synced"] * 3
    assert hours_by_mentor(config, ledger) == EXPECTED
    department.server.seen.clear()

    assert [o.outcome for o in sync(config, ledger, "r2")] == ["unchanged"] * 3
    assert department.server.reports() == ["calendar-query"] * 3  # ETags only: one request each

    ben = department.collections[BEN]
    delete_resource(ben, "journal.ics", ACCOUNT)
    department.server.seen.clear()
    _ana, _cara, gone = sync(config, ledger, "r3")
    assert (gone.outcome, gone.removed) == ("synced", 1)
    assert department.server.reports() == ["calendar-query"] * 3
    assert BEN not in hours_by_mentor(config, ledger)


def test_a_refused_login_fails_that_calendar_alone_saying_what_to_check(
    tmp_path: Path, department: Department, ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    credentials = tmp_path / "mixed.json"
    entries = [
        {"url": f"{department.server.base}/", "username": ACCOUNT[0], "password": ACCOUNT[1]},
        {"url": department.collections[BEN], "username": ACCOUNT[0], "password": "expired-app-password"},
    ]
    credentials.write_text(json.dumps(entries), encoding="utf-8")
    monkeypatch.setenv("MENTORLEDGER_CALDAV_CREDENTIALS", str(credentials))
    config = load_config(write_caldav_department(tmp_path, department.collections))

    ana, cara, ben = sync(config, ledger, "r1")

    assert (ana.outcome, cara.outcome, ben.outcome) == ("synced", "synced", "failed")
    assert ben.error is not None
    assert "refused the login" in ben.error
    assert "app-specific password" in ben.error
    assert "expired-app-password" not in ben.error
    assert ben.label == f"{department.server.base}/…/ben/"


def test_a_server_without_authentication_needs_no_credentials(
    tmp_path: Path, ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MENTORLEDGER_CALDAV_CREDENTIALS", raising=False)
    with radicale_server(tmp_path / "open", None) as server:
        url = make_calendar(server.base, "/open-ana/", None)
        for name, ics in caldav_resources(meetings()[ANA]).items():
            put_resource(url, name, ics, None)
        config = load_config(write_caldav_department(tmp_path, {ANA: url}))
        (outcome,) = sync(config, ledger, "r1")
    assert outcome.outcome == "synced", outcome.error
    assert hours_by_mentor(config, ledger)[ANA] == EXPECTED[ANA]


def test_an_unreadable_resource_is_reported_and_the_others_are_read() -> None:
    """Radicale refuses to store a broken resource, other servers do not: the reader isolates it."""
    broken = caldav_resources(meetings()[BEN])["journal.ics"].replace(
        "DTEND;TZID=America/New_York:", "DTEND:x"
    )
    good = caldav_resources(meetings()[ANA])["circle-nov.ics"]
    listing = Listing(
        data={"/c/broken.ics": broken, "/c/circle-nov.ics": good}, etags={"/c/circle-nov.ics": '"e"'}
    )
    request = ReadRequest(
        calendar=load_config_for_request(),
        calendar_key="k",
        label="https://x/…/c/",
        cursor=None,
        window=(dt.datetime(2025, 7, 1, 4, tzinfo=dt.UTC), dt.datetime(2026, 7, 1, 4, tzinfo=dt.UTC)),
        tz=ZoneInfo("America/New_York"),
    )

    items, problems, resources = read_resources(listing, request)

    assert [i.instance.uid for i in items if i.instance] == ["circle-nov"]
    (problem,) = problems
    # The event is named by its hashed UID, as every ICS problem is (its DTEND is the unreadable part).
    (uid,) = re.findall(r"^UID:(.+?)\r?$", broken, flags=re.MULTILINE)
    assert problem == f"event {event_hint(uid)}: skipped: its DTEND is not a valid date, time or duration"
    assert "Journal" not in problem
    # the cursor names resources by a hash of their href, and keeps their ETag and keys
    # (the broken resource was read, with nothing in it to keep, so it has no keys)
    assert resources == {
        resource_id("/c/circle-nov.ics"): {"etag": '"e"', "keys": [items[0].key]},
        resource_id("/c/broken.ics"): {"etag": None, "keys": []},
    }


def load_config_for_request() -> CaldavCalendar:
    return CaldavCalendar(owner=ANA, caldav="https://x.example.edu/c/")
