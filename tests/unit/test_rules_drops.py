"""Rule 2: cancelled, all-day, zero/negative length, transparent, declined by the owner are dropped."""

from __future__ import annotations

from mentorledger.counting import Category, DropReason, RuleBook, count_instances, drop_reason
from mentorledger.instances import Attendee, Instance
from tests.unit.icsbuild import calendar
from tests.unit.support import ANA, BEN, DEE, make_config, only_instance, parse, utc

TAGGED = "SUMMARY:#mentoring check-in\nUID:{uid}@example.edu\n"


def event(body: str, uid: str = "e1") -> bytes:
    return calendar(TAGGED.format(uid=uid) + body)


def reason_of(data: bytes, *, count_transparent: bool = False) -> DropReason | None:
    return drop_reason(only_instance(data), ANA, count_transparent=count_transparent)


def counted(data: bytes, **config: object):
    return count_instances(
        parse(data).instances, owner=ANA, calendar_key="cal", book=RuleBook(make_config(**config))
    )


def test_a_plain_tagged_meeting_is_not_dropped():
    data = event("DTSTART:20251015T140000Z\nDTEND:20251015T150000Z")
    assert reason_of(data) is None
    assert [e.category for e in counted(data).entries] == [Category.TAG]


def test_cancelled_event_is_dropped():
    data = event("DTSTART:20251015T140000Z\nDTEND:20251015T150000Z\nSTATUS:CANCELLED")
    assert reason_of(data) is DropReason.CANCELLED
    result = counted(data)
    assert result.entries == []
    assert result.dropped == {DropReason.CANCELLED: 1}


def test_all_day_event_is_dropped():
    data = event("DTSTART;VALUE=DATE:20251015\nDTEND;VALUE=DATE:20251016")
    assert reason_of(data) is DropReason.ALL_DAY
    assert counted(data).entries == []


def test_all_day_event_without_dtend_is_dropped():
    data = event("DTSTART;VALUE=DATE:20251015")
    assert reason_of(data) is DropReason.ALL_DAY


def test_all_day_start_with_a_date_time_end_is_still_all_day_and_dropped():
    # DTSTART is DATE-valued, so rule 2 calls it all-day whatever DTEND says (real exports do this:
    # see tests/data/realworld/issue_201_mixed_datetime_and_date.ics).
    data = event("DTSTART;VALUE=DATE:20251015\nDTEND:20251017T000000Z")
    assert only_instance(data).all_day is True
    result = counted(data)
    assert result.entries == []
    assert result.dropped == {DropReason.ALL_DAY: 1}


def test_zero_length_event_is_dropped():
    data = event("DTSTART:20251015T140000Z\nDTEND:20251015T140000Z")
    assert reason_of(data) is DropReason.ZERO_LENGTH
    assert counted(data).entries == []


def test_negative_length_instance_is_dropped():
    instance = Instance(uid="x", recurrence_id=None, start=utc(2025, 10, 15, 14), end=utc(2025, 10, 15, 13))
    assert drop_reason(instance, ANA, count_transparent=False) is DropReason.ZERO_LENGTH


def test_event_ending_before_it_starts_is_dropped_not_swapped():
    # DTEND an hour before DTSTART: negative length, so rule 2 drops it; it must not become 13:00-14:00.
    data = event("DTSTART:20251015T140000Z\nDTEND:20251015T130000Z")
    result = counted(data)
    assert result.entries == []
    assert result.dropped == {DropReason.ZERO_LENGTH: 1}


def test_transparent_event_is_dropped_by_default():
    data = event("DTSTART:20251015T140000Z\nDTEND:20251015T150000Z\nTRANSP:TRANSPARENT")
    assert reason_of(data) is DropReason.TRANSPARENT
    result = counted(data)
    assert result.entries == []
    assert result.dropped == {DropReason.TRANSPARENT: 1}


def test_transparent_event_is_counted_when_count_transparent_is_set():
    data = event("DTSTART:20251015T140000Z\nDTEND:20251015T150000Z\nTRANSP:TRANSPARENT")
    assert reason_of(data, count_transparent=True) is None
    result = counted(data, counting={"count_transparent": True})
    assert [(e.start, e.end) for e in result.entries] == [(utc(2025, 10, 15, 14), utc(2025, 10, 15, 15))]


def test_opaque_event_is_not_treated_as_transparent():
    data = event("DTSTART:20251015T140000Z\nDTEND:20251015T150000Z\nTRANSP:OPAQUE")
    assert reason_of(data) is None


def test_owner_declined_instance_is_dropped():
    data = event(
        f"""DTSTART:20251015T140000Z
        DTEND:20251015T150000Z
        ORGANIZER:mailto:{DEE}
        ATTENDEE;PARTSTAT=DECLINED:mailto:{ANA}
        ATTENDEE;PARTSTAT=ACCEPTED:mailto:{BEN}"""
    )
    assert reason_of(data) is DropReason.DECLINED
    result = counted(data)
    assert result.entries == []
    assert result.dropped == {DropReason.DECLINED: 1}


def test_owner_declined_with_upper_case_address_is_dropped():
    data = event(
        f"""DTSTART:20251015T140000Z
        DTEND:20251015T150000Z
        ATTENDEE;PARTSTAT=DECLINED;CN=Ana Ruiz:MAILTO:{ANA.upper()}"""
    )
    assert reason_of(data) is DropReason.DECLINED


def test_another_attendee_declining_does_not_drop_the_instance():
    data = event(
        f"""DTSTART:20251015T140000Z
        DTEND:20251015T150000Z
        ORGANIZER:mailto:{ANA}
        ATTENDEE;PARTSTAT=ACCEPTED:mailto:{ANA}
        ATTENDEE;PARTSTAT=DECLINED:mailto:{BEN}"""
    )
    assert reason_of(data) is None
    assert len(counted(data).entries) == 1


def test_owner_tentative_or_accepted_is_not_dropped():
    for partstat in ("ACCEPTED", "TENTATIVE", "NEEDS-ACTION"):
        data = event(
            f"DTSTART:20251015T140000Z\nDTEND:20251015T150000Z\nATTENDEE;PARTSTAT={partstat}:mailto:{ANA}"
        )
        assert reason_of(data) is None, partstat


def test_declined_instance_of_a_series_drops_only_that_instance():
    series = f"""
    UID:series@example.edu
    SUMMARY:#mentoring
    DTSTART:20251013T140000Z
    DTEND:20251013T150000Z
    RRULE:FREQ=WEEKLY;COUNT=3
    ATTENDEE;PARTSTAT=ACCEPTED:mailto:{ANA}
    """
    declined = f"""
    UID:series@example.edu
    SUMMARY:#mentoring
    RECURRENCE-ID:20251020T140000Z
    DTSTART:20251020T140000Z
    DTEND:20251020T150000Z
    ATTENDEE;PARTSTAT=DECLINED:mailto:{ANA}
    """
    result = counted(calendar(series, declined))
    assert sorted(e.start for e in result.entries) == [utc(2025, 10, 13, 14), utc(2025, 10, 27, 14)]
    assert result.dropped == {DropReason.DECLINED: 1}


def test_drop_reasons_are_counted_per_reason():
    events = [
        TAGGED.format(uid="kept") + "DTSTART:20251001T140000Z\nDTEND:20251001T150000Z",
        TAGGED.format(uid="cancelled") + "DTSTART:20251002T140000Z\nDTEND:20251002T150000Z\nSTATUS:CANCELLED",
        TAGGED.format(uid="allday") + "DTSTART;VALUE=DATE:20251003\nDTEND;VALUE=DATE:20251004",
        TAGGED.format(uid="zero") + "DTSTART:20251004T140000Z\nDTEND:20251004T140000Z",
        TAGGED.format(uid="transp") + "DTSTART:20251005T140000Z\nDTEND:20251005T150000Z\nTRANSP:TRANSPARENT",
        TAGGED.format(uid="declined")
        + f"DTSTART:20251006T140000Z\nDTEND:20251006T150000Z\nATTENDEE;PARTSTAT=DECLINED:mailto:{ANA}",
        "UID:lunch@example.edu\nSUMMARY:Lunch\nDTSTART:20251007T160000Z\nDTEND:20251007T170000Z",
    ]
    result = counted(calendar(*events))
    assert [e.start for e in result.entries] == [utc(2025, 10, 1, 14)]
    assert result.dropped == {
        DropReason.CANCELLED: 1,
        DropReason.ALL_DAY: 1,
        DropReason.ZERO_LENGTH: 1,
        DropReason.TRANSPARENT: 1,
        DropReason.DECLINED: 1,
        DropReason.NOT_MENTORING: 1,
    }


def test_cancelled_wins_over_other_reasons():
    instance = Instance(
        uid="x",
        recurrence_id=None,
        start=utc(2025, 10, 15, 14),
        end=utc(2025, 10, 15, 15),
        cancelled=True,
        transparent=True,
        attendees=(Attendee(ANA, "DECLINED"),),
    )
    assert drop_reason(instance, ANA, count_transparent=False) is DropReason.CANCELLED
