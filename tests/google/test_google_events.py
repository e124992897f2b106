"""Google event JSON -> Instance: the fields the counting rules read, mapped like the ICS reader does."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from mentorledger.instances import Attendee
from mentorledger.sources.google.events import read_item
from tests.google.fakes import ANA, BEN, event

NY = ZoneInfo("America/New_York")


def read(body: dict[str, object]):  # type: ignore[no-untyped-def]
    return read_item(body, owner=ANA, default_tz=NY)


def test_timed_event_keeps_its_offset_and_becomes_utc() -> None:
    item = read(event("e1", "2025-11-03T09:00:00-05:00", "2025-11-03T10:15:00-05:00"))
    assert item.event_id == "e1"
    assert item.instance is not None
    assert item.instance.start == dt.datetime(2025, 11, 3, 14, 0, tzinfo=dt.UTC)
    assert item.instance.end - item.instance.start == dt.timedelta(minutes=75)
    assert item.instance.recurrence_id is None
    assert item.instance.uid == "e1@google.com"


def test_date_time_without_offset_uses_its_time_zone() -> None:
    body = event("e1", "2025-07-01T09:00:00Z", "2025-07-01T10:00:00Z")
    body["start"] = {"dateTime": "2025-07-01T09:00:00", "timeZone": "Europe/Paris"}
    item = read(body)
    assert item.instance is not None
    assert item.instance.start == dt.datetime(2025, 7, 1, 7, 0, tzinfo=dt.UTC)


def test_all_day_event_is_marked_all_day() -> None:
    item = read(event("e1", "2025-10-24", "2025-10-25"))
    assert item.instance is not None
    assert item.instance.all_day
    assert item.instance.start == dt.datetime(2025, 10, 24, 4, 0, tzinfo=dt.UTC)  # midnight in New York


@pytest.mark.parametrize(
    ("google", "partstat"),
    [
        ("accepted", "ACCEPTED"),
        ("declined", "DECLINED"),
        ("tentative", "TENTATIVE"),
        ("needsAction", "NEEDS-ACTION"),
    ],
)
def test_response_status_becomes_partstat(google: str, partstat: str) -> None:
    item = read(
        event("e1", "2025-10-01T10:00:00-04:00", "2025-10-01T11:00:00-04:00", attendees=[(BEN, google)])
    )
    assert item.instance is not None
    assert item.instance.attendees == (Attendee(BEN, partstat),)


def test_self_attendee_and_self_organizer_are_the_owner_whatever_the_alias() -> None:
    body = event(
        "e1",
        "2025-10-01T10:00:00-04:00",
        "2025-10-01T11:00:00-04:00",
        organizer="Ana.Ruiz@Med.Example.edu",
        attendees=[("BEN@med.example.edu", "accepted")],
        self_email="ana.ruiz@med.example.edu",
        self_status="declined",
    )
    body["organizer"]["self"] = True
    item = read(body)
    assert item.instance is not None
    assert item.instance.organizer == ANA
    assert item.instance.attendees == (Attendee(BEN, "ACCEPTED"), Attendee(ANA, "DECLINED"))


def test_recurring_instance_is_identified_by_series_uid_and_original_start_in_utc() -> None:
    body = event(
        "s_20251008T140000Z",
        "2025-10-08T15:00:00-04:00",
        "2025-10-08T16:00:00-04:00",
        uid="series-uid",
        series="s",
        original_start="2025-10-08T10:00:00-04:00",
    )
    item = read(body)
    assert item.instance is not None
    assert item.instance.uid == "series-uid"
    assert item.instance.recurrence_id == "2025-10-08T14:00:00+00:00"


def test_cancelled_transparent_and_summary_are_carried() -> None:
    body = event(
        "e1",
        "2025-10-01T10:00:00-04:00",
        "2025-10-01T11:00:00-04:00",
        status="cancelled",
        transparency="transparent",
    )
    item = read(body)
    assert item.cancelled
    assert item.instance is not None
    assert item.instance.transparent
    assert item.instance.summary == "Check-in"


def test_deleted_event_stub_is_a_cancellation_without_an_instance() -> None:
    item = read({"id": "gone", "status": "cancelled"})
    assert item.event_id == "gone"
    assert item.instance is None
    assert item.cancelled


def test_event_without_start_that_is_not_cancelled_is_an_error() -> None:
    with pytest.raises(ValueError, match="without a start"):
        read({"id": "odd", "status": "confirmed"})


def test_sequence_and_updated_order_copies_like_their_ics_counterparts() -> None:
    older = read({**event("e1", "2025-11-03T09:00:00-05:00", "2025-11-03T10:00:00-05:00"), "sequence": 1})
    newer = read(
        {
            **event("e1", "2025-11-03T11:00:00-05:00", "2025-11-03T12:00:00-05:00"),
            "sequence": 2,
            "updated": "2025-10-20T12:00:00.000Z",
        }
    )
    assert older.instance is not None
    assert newer.instance is not None
    assert newer.instance.revision == "00000002|20251020T120000"
    assert newer.instance.revision > older.instance.revision
