"""Google Calendar sync against canned events.list responses (googleapiclient's HttpMockSequence)."""

from __future__ import annotations

import urllib.parse
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from mentorledger.hours import compute_hours
from mentorledger.instances import stable_hash
from mentorledger.retry import Backoff
from mentorledger.sources.google.source import source_key
from mentorledger.store.ledger import Ledger
from mentorledger.store.schema import AuditRow, CalendarRow, EntryRow
from mentorledger.sync import CalendarOutcome, SyncContext, calendar_ref, sync_batch
from tests.google.fakes import ANA, BEN, CARA, DAN, FakeGoogle, deleted, error, event, page, write_config

ANA_PRIMARY = f"{{owner: {ANA}, google: primary}}"
BEN_PRIMARY = f"{{owner: {BEN}, google: primary}}"


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def fake() -> FakeGoogle:
    return FakeGoogle()


@pytest.fixture
def ledger(database_url: str) -> Ledger:
    return Ledger.open(database_url)


def run(
    tmp_path: Path,
    ledger: Ledger,
    fake: FakeGoogle,
    calendars: list[str],
    *,
    extra: str = "",
    sleeps: Sleeps | None = None,
    run_id: str = "run",
) -> list[CalendarOutcome]:
    config = write_config(tmp_path, calendars, extra)
    context = SyncContext(
        config=config,
        ledger=ledger,
        run_id=run_id,
        backoff=Backoff(attempts=4, base_seconds=1, cap_seconds=30),
        sleep=sleeps if sleeps is not None else Sleeps(),
        provided={"google": fake.access()},
    )
    return sync_batch(context, config.calendars)


def minutes(tmp_path: Path, ledger: Ledger, calendars: list[str]) -> dict[str, dict[str, object]]:
    report = compute_hours(write_config(tmp_path, calendars), ledger).as_json()
    return {row["email"]: row for row in report["mentors"]}


def query(uri: str) -> dict[str, list[str]]:
    return urllib.parse.parse_qs(urllib.parse.urlsplit(uri).query)


ONE_HOUR = ("2025-10-01T10:00:00-04:00", "2025-10-01T11:00:00-04:00")


def test_full_sync_reads_every_page_and_stores_the_last_pages_sync_token(
    tmp_path: Path, ledger: Ledger, fake: FakeGoogle
) -> None:
    fake.respond(
        ANA,
        page([event("e1", *ONE_HOUR)], next_page="p2"),
        page(
            [
                event(
                    "e2",
                    "2025-10-02T10:00:00-04:00",
                    "2025-10-02T10:30:00-04:00",
                    summary="#mentoring lunch",
                    attendees=(),
                )
            ],
            sync_token="sync-1",
        ),
    )
    (outcome,) = run(tmp_path, ledger, fake, [ANA_PRIMARY])
    assert (outcome.outcome, outcome.created, outcome.entries) == ("synced", 2, 2)

    first, second = (query(uri) for uri in fake.requests(ANA))
    assert "pageToken" not in first
    assert second["pageToken"] == ["p2"]
    for params in (first, second):
        assert params["singleEvents"] == ["true"]
        assert params["showDeleted"] == ["true"]
        assert params["eventTypes"] == ["default"]
        assert params["maxResults"] == ["2500"]
        assert "syncToken" not in params
        assert "timeMin" not in params
    state = ledger.state(calendar_ref(write_config(tmp_path, [ANA_PRIMARY]).calendars[0]).calendar_key)
    assert state is not None
    assert state.cursor is not None
    assert state.cursor.token == "sync-1"
    ana = minutes(tmp_path, ledger, [ANA_PRIMARY])[ANA]
    assert ana["minutes"] == 90
    assert ana["by_category"] == {"group": 0, "mentee": 60, "tag": 30}


def test_requests_go_to_the_configured_api_endpoint(tmp_path: Path, ledger: Ledger, fake: FakeGoogle) -> None:
    fake.respond(ANA, page([], sync_token="s"))
    run(
        tmp_path,
        ledger,
        fake,
        [ANA_PRIMARY],
        extra="google_api_endpoint: http://127.0.0.1:9/proxy/calendar/v3\n",
    )
    (uri,) = fake.requests(ANA)
    assert uri.startswith("http://127.0.0.1:9/proxy/calendar/v3/calendars/primary/events?")


def test_incremental_sync_applies_an_edit_a_cancellation_and_a_deletion_only(
    tmp_path: Path, ledger: Ledger, fake: FakeGoogle
) -> None:
    weekly = [
        event(
            f"s1_2025100{d}T140000Z",
            f"2025-10-0{d}T10:00:00-04:00",
            f"2025-10-0{d}T11:00:00-04:00",
            series="s1",
        )
        for d in (1, 8)
    ]
    one_off = event("e2", "2025-10-03T09:00:00-04:00", "2025-10-03T09:45:00-04:00", summary="#mentoring")
    kept = event("e3", "2025-10-06T09:00:00-04:00", "2025-10-06T09:30:00-04:00", summary="#mentoring")
    fake.respond(ANA, page([*weekly, one_off, kept], sync_token="sync-1"))
    run(tmp_path, ledger, fake, [ANA_PRIMARY])
    assert minutes(tmp_path, ledger, [ANA_PRIMARY])[ANA]["minutes"] == 60 + 60 + 45 + 30

    edited = event(
        "s1_20251001T140000Z", "2025-10-01T10:00:00-04:00", "2025-10-01T11:30:00-04:00", series="s1"
    )
    cancelled = dict(weekly[1], status="cancelled")
    fake.respond(ANA, page([edited, cancelled, deleted("e2")], sync_token="sync-2"))
    (outcome,) = run(tmp_path, ledger, fake, [ANA_PRIMARY], run_id="second")

    assert (outcome.outcome, outcome.created, outcome.updated, outcome.removed) == ("synced", 0, 1, 2)
    request = query(fake.requests(ANA)[-1])
    assert request["syncToken"] == ["sync-1"]
    assert (
        request["singleEvents"],
        request["showDeleted"],
        request["eventTypes"],
        request["maxResults"],
    ) == (
        ["true"],
        ["true"],
        ["default"],
        ["2500"],
    )
    assert minutes(tmp_path, ledger, [ANA_PRIMARY])[ANA]["minutes"] == 90 + 30
    calendar_key = calendar_ref(write_config(tmp_path, [ANA_PRIMARY]).calendars[0]).calendar_key
    state = ledger.state(calendar_key)
    assert state is not None
    assert state.cursor is not None
    assert state.cursor.token == "sync-2"
    with Session(ledger.engine) as session:
        second_run = {
            row.source_key: row.action
            for row in session.scalars(select(AuditRow).where(AuditRow.run_id == "second"))
        }
        statuses = {row[0]: row[1] for row in session.execute(select(EntryRow.source_key, EntryRow.status))}
    # only the three changes were written; the untouched event e3 has no audit row from this run
    assert second_run == {
        source_key(calendar_key, "s1_20251001T140000Z"): "updated",
        source_key(calendar_key, "s1_20251008T140000Z"): "removed",
        source_key(calendar_key, "e2"): "removed",
    }
    # removed entries are kept (status removed), not deleted
    assert statuses[source_key(calendar_key, "e2")] == "removed"
    assert statuses[source_key(calendar_key, "e3")] == "active"


def test_incremental_sync_without_changes_is_unchanged(
    tmp_path: Path, ledger: Ledger, fake: FakeGoogle
) -> None:
    fake.respond(ANA, page([event("e1", *ONE_HOUR)], sync_token="sync-1"), page([], sync_token="sync-2"))
    run(tmp_path, ledger, fake, [ANA_PRIMARY])
    (outcome,) = run(tmp_path, ledger, fake, [ANA_PRIMARY])
    assert outcome.outcome == "unchanged"
    assert minutes(tmp_path, ledger, [ANA_PRIMARY])[ANA]["minutes"] == 60


def test_expired_sync_token_resyncs_in_full_by_upsert_keeping_reviews_and_audit(
    tmp_path: Path, ledger: Ledger, fake: FakeGoogle
) -> None:
    fake.respond(
        ANA,
        page(
            [event("e1", *ONE_HOUR), event("e2", "2025-10-02T10:00:00-04:00", "2025-10-02T11:00:00-04:00")],
            sync_token="sync-1",
        ),
    )
    run(tmp_path, ledger, fake, [ANA_PRIMARY])
    calendar_key = calendar_ref(write_config(tmp_path, [ANA_PRIMARY]).calendars[0]).calendar_key
    with Session(ledger.engine) as session, session.begin():
        session.execute(
            update(EntryRow)
            .where(EntryRow.source_key == source_key(calendar_key, "e1"))
            .values(review="confirmed")
        )
        audit_before = session.scalar(select(AuditRow.id).order_by(AuditRow.id.desc()).limit(1))

    # While the token was stale e2 was deleted; the full listing no longer has it.
    fake.respond(ANA, error(410, "fullSyncRequired"), page([event("e1", *ONE_HOUR)], sync_token="sync-9"))
    (outcome,) = run(tmp_path, ledger, fake, [ANA_PRIMARY])

    stale, full = (query(uri) for uri in fake.requests(ANA)[-2:])
    assert stale["syncToken"] == ["sync-1"]
    assert "syncToken" not in full
    assert (outcome.outcome, outcome.unchanged, outcome.removed) == ("synced", 1, 1)
    state = ledger.state(calendar_key)
    assert state is not None
    assert state.cursor is not None
    assert state.cursor.token == "sync-9"
    with Session(ledger.engine) as session:
        reviews = {row[0]: row[1] for row in session.execute(select(EntryRow.source_key, EntryRow.review))}
        audit_ids = list(session.scalars(select(AuditRow.id).order_by(AuditRow.id)))
    assert reviews[source_key(calendar_key, "e1")] == "confirmed"
    assert audit_before in audit_ids  # the history is still there
    assert len(audit_ids) == 3  # two creations, one removal


def test_rate_limited_request_is_retried_after_the_servers_retry_after(
    tmp_path: Path, ledger: Ledger, fake: FakeGoogle
) -> None:
    fake.respond(ANA, error(429, "rateLimitExceeded", **{"retry-after": "7"}), page([event("e1", *ONE_HOUR)]))
    sleeps = Sleeps()
    (outcome,) = run(tmp_path, ledger, fake, [ANA_PRIMARY], sleeps=sleeps)
    assert outcome.outcome == "synced"
    assert len(sleeps) == 1
    assert sleeps[0] >= 7
    assert fake.throttled == 2  # every request, retries included, takes a slot of the budget


def test_403_rate_limit_exceeded_is_retried(tmp_path: Path, ledger: Ledger, fake: FakeGoogle) -> None:
    fake.respond(
        ANA,
        error(403, "userRateLimitExceeded"),
        error(403, "rateLimitExceeded"),
        page([event("e1", *ONE_HOUR)]),
    )
    sleeps = Sleeps()
    (outcome,) = run(tmp_path, ledger, fake, [ANA_PRIMARY], sleeps=sleeps)
    assert outcome.outcome == "synced"
    assert len(sleeps) == 2
    assert sleeps[1] >= sleeps[0] / 2  # backoff grows (jittered within [ceiling/2, ceiling])


def test_server_errors_are_retried_up_to_the_cap_then_fail_the_calendar(
    tmp_path: Path, ledger: Ledger, fake: FakeGoogle
) -> None:
    fake.respond(ANA, *[error(503)] * 5)
    sleeps = Sleeps()
    (outcome,) = run(tmp_path, ledger, fake, [ANA_PRIMARY], sleeps=sleeps)
    assert outcome.outcome == "failed"
    assert "HTTP 503" in (outcome.error or "")
    assert len(fake.requests(ANA)) == 4
    assert fake.left(ANA) == 1
    assert all(0 < s <= 30 for s in sleeps)


def test_quota_exceeded_fails_that_calendar_with_a_clear_message_and_the_others_continue(
    tmp_path: Path, ledger: Ledger, fake: FakeGoogle
) -> None:
    fake.respond(ANA, error(403, "quotaExceeded"), page([event("e1", *ONE_HOUR)]))
    fake.respond(BEN, page([event("b1", *ONE_HOUR, summary="#mentoring", organizer=BEN, attendees=())]))
    ana, ben = run(tmp_path, ledger, fake, [ANA_PRIMARY, BEN_PRIMARY])
    assert ana.outcome == "failed"
    assert "quota exceeded" in (ana.error or "")
    assert "quotaExceeded" in (ana.error or "")
    assert fake.left(ANA) == 1  # not retried
    assert ben.outcome == "synced"
    assert list(minutes(tmp_path, ledger, [ANA_PRIMARY, BEN_PRIMARY])) == [BEN]
    with Session(ledger.engine) as session:
        failures = {
            row[0]: row[1]
            for row in session.execute(select(CalendarRow.owner, CalendarRow.consecutive_failures))
        }
    assert failures == {ANA: 1, BEN: 0}


@pytest.mark.parametrize(
    ("status", "reason", "expected"),
    [
        (400, "badRequest", "HTTP 400"),
        (401, "authError", "revoked"),
        (404, "notFound", "calendar id"),
        (403, "forbidden", "shared"),
    ],
)
def test_client_errors_are_not_retried(
    tmp_path: Path, ledger: Ledger, fake: FakeGoogle, status: int, reason: str, expected: str
) -> None:
    fake.respond(ANA, error(status, reason), page([event("e1", *ONE_HOUR)]))
    sleeps = Sleeps()
    (outcome,) = run(tmp_path, ledger, fake, [ANA_PRIMARY], sleeps=sleeps)
    assert outcome.outcome == "failed"
    assert expected in (outcome.error or "")
    assert sleeps == []
    assert fake.left(ANA) == 1


def test_event_declined_by_the_owner_is_not_counted(tmp_path: Path, ledger: Ledger, fake: FakeGoogle) -> None:
    declined = event(
        "e1",
        *ONE_HOUR,
        organizer=BEN,
        attendees=(),
        self_email="ana.ruiz@med.example.edu",
        self_status="declined",
    )
    accepted = event(
        "e2",
        "2025-10-02T10:00:00-04:00",
        "2025-10-02T11:00:00-04:00",
        organizer=BEN,
        attendees=(),
        self_email=ANA,
    )
    fake.respond(ANA, page([declined, accepted]))
    (outcome,) = run(tmp_path, ledger, fake, [ANA_PRIMARY])
    assert outcome.entries == 1
    assert outcome.dropped == {"declined": 1}


def test_all_day_and_transparent_events_are_not_counted(
    tmp_path: Path, ledger: Ledger, fake: FakeGoogle
) -> None:
    fake.respond(
        ANA,
        page(
            [
                event("e1", "2025-10-01", "2025-10-02", summary="#mentoring retreat"),
                event("e2", *ONE_HOUR, transparency="transparent"),
                event("e3", "2025-10-02T10:00:00-04:00", "2025-10-02T11:00:00-04:00"),
            ]
        ),
    )
    (outcome,) = run(tmp_path, ledger, fake, [ANA_PRIMARY])
    assert outcome.entries == 1
    assert outcome.dropped == {"all_day": 1, "transparent": 1}


def test_transparent_events_count_when_configured(tmp_path: Path, ledger: Ledger, fake: FakeGoogle) -> None:
    fake.respond(ANA, page([event("e2", *ONE_HOUR, transparency="transparent")]))
    (outcome,) = run(tmp_path, ledger, fake, [ANA_PRIMARY], extra="counting: {count_transparent: true}\n")
    assert outcome.entries == 1


def test_recurring_instances_are_keyed_by_series_uid_and_original_start(
    tmp_path: Path, ledger: Ledger, fake: FakeGoogle
) -> None:
    group = ((CARA, "accepted"), (DAN, "tentative"))
    instances = [
        event("g_20251001T140000Z", *ONE_HOUR, uid="circle-series", series="g", attendees=group),
        # moved an hour later; still the 2025-10-08 14:00 UTC occurrence
        event(
            "g_20251008T140000Z",
            "2025-10-08T11:00:00-04:00",
            "2025-10-08T12:00:00-04:00",
            uid="circle-series",
            series="g",
            original_start="2025-10-08T10:00:00-04:00",
            attendees=group,
        ),
    ]
    fake.respond(ANA, page(instances))
    run(tmp_path, ledger, fake, [ANA_PRIMARY])
    with Session(ledger.engine) as session:
        rows = {
            row.event_key: (row.category, row.rule, row.start_utc.hour)
            for row in session.scalars(select(EntryRow))
        }
    # the keys an ICS export of the same series gets: UID + RECURRENCE-ID in UTC
    assert rows == {
        stable_hash("circle-series\x1f2025-10-01T14:00:00+00:00"): ("group", "group:circle", 14),
        stable_hash("circle-series\x1f2025-10-08T14:00:00+00:00"): ("group", "group:circle", 15),
    }


def test_changed_counting_rules_force_a_full_sync(tmp_path: Path, ledger: Ledger, fake: FakeGoogle) -> None:
    fake.respond(
        ANA, page([event("e1", *ONE_HOUR, attendees=(), summary="Mentoring lunch")], sync_token="sync-1")
    )
    (first,) = run(tmp_path, ledger, fake, [ANA_PRIMARY])
    assert first.entries == 0
    fake.respond(
        ANA, page([event("e1", *ONE_HOUR, attendees=(), summary="Mentoring lunch")], sync_token="sync-2")
    )
    (second,) = run(tmp_path, ledger, fake, [ANA_PRIMARY], extra="counting: {keywords: [mentoring]}\n")
    assert "syncToken" not in query(fake.requests(ANA)[-1])
    assert second.entries == 1


def test_event_moved_out_of_the_window_is_removed(tmp_path: Path, ledger: Ledger, fake: FakeGoogle) -> None:
    fake.respond(ANA, page([event("e1", *ONE_HOUR)], sync_token="sync-1"))
    run(tmp_path, ledger, fake, [ANA_PRIMARY])
    fake.respond(
        ANA, page([event("e1", "2026-10-01T10:00:00-04:00", "2026-10-01T11:00:00-04:00")], sync_token="s2")
    )
    (outcome,) = run(tmp_path, ledger, fake, [ANA_PRIMARY])
    assert outcome.removed == 1
    assert minutes(tmp_path, ledger, [ANA_PRIMARY]) == {}


def test_unreadable_event_is_reported_and_the_token_not_kept(
    tmp_path: Path, ledger: Ledger, fake: FakeGoogle
) -> None:
    broken = {
        "id": "bad",
        "status": "confirmed",
        "start": {"dateTime": "not a time"},
        "summary": "Secret title",
    }
    fake.respond(ANA, page([broken, event("e1", *ONE_HOUR)], sync_token="sync-1"))
    (outcome,) = run(tmp_path, ledger, fake, [ANA_PRIMARY])
    assert outcome.outcome == "partial"
    assert outcome.entries == 1
    assert len(outcome.problems) == 1
    assert "Secret" not in outcome.problems[0]
    assert "not a time" not in outcome.problems[0]
    state = ledger.state(calendar_ref(write_config(tmp_path, [ANA_PRIMARY]).calendars[0]).calendar_key)
    assert state is not None
    assert state.cursor is None


def test_missing_credentials_fail_google_calendars_with_what_to_do(
    tmp_path: Path, ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MENTORLEDGER_GOOGLE_CREDENTIALS", raising=False)
    config = write_config(tmp_path, [ANA_PRIMARY])
    (outcome,) = sync_batch(SyncContext(config=config, ledger=ledger, run_id="r"), config.calendars)
    assert outcome.outcome == "failed"
    assert "MENTORLEDGER_GOOGLE_CREDENTIALS" in (outcome.error or "")
