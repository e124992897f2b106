"""Graph event JSON to instances: each mapping the issue names, and the keys an ICS export would give."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from mentorledger.counting import DropReason, drop_reason
from mentorledger.sources.m365.events import read_event, series_master
from tests.unit.support import ANA, BEN

NY = ZoneInfo("America/New_York")


def graph_event(**fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": "AAMkAGe1",
        "type": "singleInstance",
        "iCalUId": "040000008200E00074C5B7101A82E00800000000A1",
        "subject": "Check-in",
        "start": {"dateTime": "2025-10-01T14:00:00.0000000", "timeZone": "UTC"},
        "end": {"dateTime": "2025-10-01T15:00:00.0000000", "timeZone": "UTC"},
        "isAllDay": False,
        "isCancelled": False,
        "showAs": "busy",
        "organizer": {"emailAddress": {"name": "Ben", "address": BEN.upper()}},
        "attendees": [
            {"type": "required", "status": {"response": "accepted"}, "emailAddress": {"address": ANA}}
        ],
        "responseStatus": {"response": "accepted"},
    }
    body.update(fields)
    return body


def read(event: dict[str, Any], series_uid: str | None = None) -> Any:
    return read_event(event, owner=ANA, series_uid=series_uid, default_tz=NY)


def reason(event: dict[str, Any]) -> DropReason | None:
    return drop_reason(read(event), ANA, count_transparent=False)


def test_times_come_in_utc_with_seven_fraction_digits() -> None:
    instance = read(graph_event())
    assert (instance.start, instance.end) == (
        dt.datetime(2025, 10, 1, 14, tzinfo=dt.UTC),
        dt.datetime(2025, 10, 1, 15, tzinfo=dt.UTC),
    )


def test_a_single_meeting_is_keyed_by_its_icaluid_without_an_occurrence() -> None:
    instance = read(graph_event())
    assert (instance.uid, instance.recurrence_id) == ("040000008200E00074C5B7101A82E00800000000A1", None)


def test_an_occurrence_takes_its_series_uid_and_its_original_start() -> None:
    occurrence = graph_event(
        type="exception",
        iCalUId="per-occurrence-uid-that-differs",
        seriesMasterId="AAMkAGmaster",
        originalStart="2025-10-01T14:00:00Z",
        start={"dateTime": "2025-10-01T18:00:00.0000000", "timeZone": "UTC"},
        end={"dateTime": "2025-10-01T18:45:00.0000000", "timeZone": "UTC"},
    )
    assert series_master(occurrence) == "AAMkAGmaster"
    instance = read(occurrence, series_uid="series-uid@example.edu")
    assert (instance.uid, instance.recurrence_id) == ("series-uid@example.edu", "2025-10-01T14:00:00+00:00")
    assert instance.occurrence == "series-uid@example.edu\x1f2025-10-01T14:00:00+00:00"


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"isCancelled": True}, DropReason.CANCELLED),
        ({"showAs": "free"}, DropReason.TRANSPARENT),
        ({"showAs": "tentative"}, None),
        ({"responseStatus": {"response": "declined"}}, DropReason.DECLINED),
        ({"responseStatus": {"response": "declined"}, "attendees": []}, DropReason.DECLINED),
        ({"responseStatus": {"response": "tentativelyAccepted"}}, None),
        (
            {
                "isAllDay": True,
                "start": {"dateTime": "2025-10-24T00:00:00.0000000", "timeZone": "UTC"},
                "end": {"dateTime": "2025-10-25T00:00:00.0000000", "timeZone": "UTC"},
            },
            DropReason.ALL_DAY,
        ),
        ({"end": {"dateTime": "2025-10-01T14:00:00.0000000", "timeZone": "UTC"}}, DropReason.ZERO_LENGTH),
    ],
)
def test_graph_properties_map_onto_the_drop_rules(
    fields: dict[str, Any], expected: DropReason | None
) -> None:
    assert reason(graph_event(**fields)) == expected


def test_an_all_day_event_starts_at_local_midnight_like_an_ics_date() -> None:
    instance = read(
        graph_event(isAllDay=True, start={"dateTime": "2025-10-24T00:00:00.0000000", "timeZone": "UTC"})
    )
    assert instance.all_day
    assert instance.start == dt.datetime(2025, 10, 24, tzinfo=NY).astimezone(dt.UTC)


def test_organizer_and_attendees_are_participants_with_their_responses() -> None:
    instance = read(graph_event())
    assert instance.organizer == BEN
    assert [(a.email, a.partstat) for a in instance.attendees] == [(ANA, "ACCEPTED")]


def test_an_event_without_times_or_uid_cannot_be_read() -> None:
    with pytest.raises(ValueError, match="start or end"):
        read(graph_event(start={"timeZone": "UTC"}))
    with pytest.raises(ValueError, match="iCalUId"):
        read(graph_event(iCalUId=""))


def test_categories_feed_the_tag_rule() -> None:
    assert read(graph_event(categories=["Mentoring", " "])).categories == ("Mentoring",)
