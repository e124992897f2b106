"""Rule 3: group > mentee > tag; anything else is not mentoring."""

from __future__ import annotations

from mentorledger.counting import Category, DropReason, Match, RuleBook, classify, count_instances
from mentorledger.uids import group_session_uid
from tests.unit.icsbuild import calendar
from tests.unit.support import ANA, BEN, CY, DEE, EVE, FAY, GUS, HAL, IVY, make_config, only_instance, parse

BOOK = RuleBook(make_config())
MID_OCTOBER = "DTSTART:20251015T140000Z\nDTEND:20251015T150000Z\n"


def category_of(
    body: str, *, owner: str = ANA, book: RuleBook = BOOK, uid: str = "c1@example.edu"
) -> Category | None:
    text = body if "UID:" in body else f"UID:{uid}\n{body}"
    match = classify(only_instance(calendar(text)), owner, book)
    return None if match is None else match.category


def people(organizer: str | None, *attendees: str) -> str:
    lines = [f"ORGANIZER:mailto:{organizer}"] if organizer else []
    lines += [f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:{a}" for a in attendees]
    return "\n".join(lines) + "\n"


# -- group -------------------------------------------------------------------------------------------


def test_three_group_members_among_organizer_attendees_and_owner_make_a_group_session():
    instance = only_instance(calendar("UID:g1@example.edu\n" + MID_OCTOBER + people(DEE, ANA, EVE)))
    match = classify(instance, ANA, BOOK)
    assert match is not None
    assert (match.category, match.group_id) == (Category.GROUP, "urim-circle")


def test_owner_counts_as_a_member_even_when_not_listed_as_attendee():
    # Dee organises, Eve attends; the event sits on Ana's calendar: Ana + Dee + Eve = 3 members.
    assert category_of(MID_OCTOBER + people(DEE, EVE)) is Category.GROUP


def test_only_two_group_members_is_not_a_group_session():
    assert category_of(MID_OCTOBER + people(DEE, ANA)) is None


def test_two_group_members_plus_outsiders_is_not_a_group_session():
    assert category_of(MID_OCTOBER + people(DEE, ANA, GUS, HAL, "visitor@elsewhere.org")) is None


def test_group_session_uid_counts_as_group_even_with_fewer_members():
    uid = group_session_uid("urim-circle", "s42")
    match = classify(only_instance(calendar(f"UID:{uid}\n" + MID_OCTOBER + people(ANA))), ANA, BOOK)
    assert match is not None
    assert (match.category, match.group_id) == (Category.GROUP, "urim-circle")


def test_group_session_uid_counts_with_no_attendees_at_all():
    uid = group_session_uid("urim-circle", "kickoff")
    assert category_of(f"UID:{uid}\n" + MID_OCTOBER) is Category.GROUP


def test_owner_not_a_member_is_not_a_group_session_even_with_three_members():
    # other-circle = Gus, Hal, Ivy; Ana is not a member.
    assert category_of(MID_OCTOBER + people(GUS, HAL, IVY, ANA)) is None


def test_group_session_for_a_member_of_that_group():
    # The same meeting on Gus's calendar is a group session for Gus.
    assert category_of(MID_OCTOBER + people(GUS, HAL, IVY, ANA), owner=GUS) is Category.GROUP


# -- mentee ------------------------------------------------------------------------------------------


def test_meeting_with_an_active_mentee_is_mentee():
    assert category_of(MID_OCTOBER + people(ANA, BEN)) is Category.MENTEE


def test_organizer_being_the_mentee_is_mentee():
    assert category_of(MID_OCTOBER + people(BEN, ANA)) is Category.MENTEE


def test_mentee_as_organizer_without_attendees_is_mentee():
    assert category_of(MID_OCTOBER + people(BEN)) is Category.MENTEE


def test_mentee_relationship_is_directional():
    # Ana mentors Ben; on Ben's calendar Ana is not his mentee.
    assert category_of(MID_OCTOBER + people(ANA, BEN), owner=BEN) is None


def test_someone_elses_mentee_is_not_a_mentee_of_the_owner():
    assert category_of(MID_OCTOBER + people(DEE, BEN), owner=DEE) is None


def test_meeting_after_relationship_end_is_not_mentee():
    # Ana -> Ben ends 2026-03-31.
    assert category_of("DTSTART:20260415T140000Z\nDTEND:20260415T150000Z\n" + people(ANA, BEN)) is None


def test_meeting_on_relationship_last_day_is_mentee():
    assert (
        category_of("DTSTART:20260331T140000Z\nDTEND:20260331T150000Z\n" + people(ANA, BEN))
        is Category.MENTEE
    )


def test_evening_meeting_on_last_local_day_is_mentee_although_utc_date_is_the_next_day():
    # 2026-03-31 21:00-22:00 EDT == 2026-04-01 01:00-02:00Z; the local start date is the last day.
    body = (
        "DTSTART;TZID=America/New_York:20260331T210000\nDTEND;TZID=America/New_York:20260331T220000\n"
        + people(ANA, BEN)
    )
    instance = only_instance(calendar("UID:eve1@example.edu\n" + body))
    assert instance.start.date().isoformat() == "2026-04-01"  # the UTC date really differs
    assert category_of(body) is Category.MENTEE


def test_evening_meeting_before_relationship_start_is_not_mentee_although_utc_date_is_the_start():
    # Ana -> Cy starts 2025-10-01. 2025-09-30 20:30 EDT == 2025-10-01 00:30Z: local date is Sep 30.
    body = (
        "DTSTART;TZID=America/New_York:20250930T203000\nDTEND;TZID=America/New_York:20250930T213000\n"
        + people(ANA, CY)
    )
    assert category_of(body) is None


def test_meeting_on_relationship_first_day_is_mentee():
    body = (
        "DTSTART;TZID=America/New_York:20251001T090000\nDTEND;TZID=America/New_York:20251001T100000\n"
        + people(ANA, CY)
    )
    assert category_of(body) is Category.MENTEE


def test_open_ended_relationship_stays_active():
    body = "DTSTART:20260625T140000Z\nDTEND:20260625T150000Z\n" + people(CY, ANA)
    assert category_of(body) is Category.MENTEE


def test_relationship_ending_mid_window_splits_a_series():
    # Mondays 10:00 EDT with Ben from 2026-03-23: Mar 23, Mar 30 (mentee), Apr 6, Apr 13 (not mentoring).
    data = calendar(
        "UID:ben-weekly@example.edu\nDTSTART;TZID=America/New_York:20260323T100000\n"
        "DTEND;TZID=America/New_York:20260323T110000\nRRULE:FREQ=WEEKLY;COUNT=4\n" + people(ANA, BEN)
    )
    result = count_instances(parse(data).instances, owner=ANA, calendar_key="cal", book=BOOK)
    assert sorted(e.start.date().isoformat() for e in result.entries) == ["2026-03-23", "2026-03-30"]
    assert {e.category for e in result.entries} == {Category.MENTEE}
    assert result.dropped == {DropReason.NOT_MENTORING: 2}


def test_upper_case_addresses_in_the_calendar_match_the_roster():
    body = (
        MID_OCTOBER
        + f"ORGANIZER;CN=Ana:MAILTO:{ANA.upper()}\nATTENDEE;PARTSTAT=ACCEPTED:MAILTO:Ben@Med.Example.EDU\n"
    )
    assert category_of(body) is Category.MENTEE


def test_upper_case_addresses_in_the_config_match_the_calendar():
    config = make_config(
        relationships=[
            {
                "mentor": "ANA@MED.EXAMPLE.EDU",
                "mentee": "Ben@Med.Example.Edu",
                "kind": "dyad",
                "start": "2025-07-01",
            }
        ],
        groups=[
            {
                "id": "urim-circle",
                "name": "URiM",
                "members": ["Ana@Med.Example.Edu", DEE.upper(), EVE.upper()],
            }
        ],
    )
    book = RuleBook(config)
    assert category_of(MID_OCTOBER + people(ANA, BEN), book=book) is Category.MENTEE
    assert category_of(MID_OCTOBER + people(DEE, EVE), book=book) is Category.GROUP


# -- tag ---------------------------------------------------------------------------------------------


def test_tag_in_summary_matches_case_insensitively():
    assert category_of(MID_OCTOBER + "SUMMARY:Weekly #MENTORING check-in") is Category.TAG


def test_configured_tag_in_upper_case_matches_lower_case_summary():
    book = RuleBook(make_config(counting={"tags": ["#Mentoring"]}))
    assert category_of(MID_OCTOBER + "SUMMARY:coffee #mentoring", book=book) is Category.TAG


def test_summary_without_the_hash_does_not_match_the_tag():
    assert category_of(MID_OCTOBER + "SUMMARY:mentoring chat") is None


def test_categories_value_equal_to_tag_without_hash_matches():
    assert category_of(MID_OCTOBER + "SUMMARY:Coffee\nCATEGORIES:MENTORING") is Category.TAG


def test_any_categories_value_can_match():
    assert category_of(MID_OCTOBER + "SUMMARY:Coffee\nCATEGORIES:Work,Mentoring") is Category.TAG
    assert category_of(MID_OCTOBER + "SUMMARY:Coffee\nCATEGORIES:Work\nCATEGORIES:mentoring") is Category.TAG


def test_categories_value_only_containing_the_tag_does_not_match():
    assert category_of(MID_OCTOBER + "SUMMARY:Coffee\nCATEGORIES:Mentoring-Lunch,Work") is None


def test_keyword_matches_as_a_whole_word():
    book = RuleBook(make_config(counting={"keywords": ["mentor"]}))
    assert category_of(MID_OCTOBER + "SUMMARY:Mentor meeting", book=book) is Category.TAG
    assert category_of(MID_OCTOBER + "SUMMARY:Coffee (mentor)", book=book) is Category.TAG
    assert category_of(MID_OCTOBER + "SUMMARY:Lunch with my MENTOR", book=book) is Category.TAG


def test_keyword_inside_a_longer_word_does_not_match():
    book = RuleBook(make_config(counting={"keywords": ["mentor"]}))
    assert category_of(MID_OCTOBER + "SUMMARY:Mentorship committee", book=book) is None
    assert category_of(MID_OCTOBER + "SUMMARY:Tormentor review", book=book) is None
    assert category_of(MID_OCTOBER + "SUMMARY:Mentors lunch", book=book) is None


def test_no_keywords_by_default():
    assert category_of(MID_OCTOBER + "SUMMARY:Mentor meeting") is None


def test_plain_meeting_is_not_mentoring():
    data = calendar("UID:p1@example.edu\n" + MID_OCTOBER + "SUMMARY:Budget review\n" + people(GUS, ANA))
    result = count_instances(parse(data).instances, owner=ANA, calendar_key="cal", book=BOOK)
    assert result.entries == []
    assert result.dropped == {DropReason.NOT_MENTORING: 1}


# -- priority ----------------------------------------------------------------------------------------


def test_group_wins_over_mentee_and_tag():
    body = MID_OCTOBER + "SUMMARY:#mentoring circle\n" + people(DEE, ANA, EVE, BEN)
    assert category_of(body) is Category.GROUP


def test_mentee_wins_over_tag():
    assert category_of(MID_OCTOBER + "SUMMARY:#mentoring 1:1\n" + people(ANA, BEN)) is Category.MENTEE


def test_tagged_meeting_with_two_group_members_is_tag():
    assert category_of(MID_OCTOBER + "SUMMARY:#mentoring\n" + people(ANA, FAY)) is Category.TAG


def test_entry_participants_are_roster_members_other_than_the_owner():
    data = calendar("UID:pp@example.edu\n" + MID_OCTOBER + people(DEE, ANA, EVE, "visitor@elsewhere.org"))
    (entry,) = count_instances(parse(data).instances, owner=ANA, calendar_key="cal", book=BOOK).entries
    assert entry.participants == (DEE, EVE)


def test_attendee_address_in_an_email_parameter_is_recognised() -> None:
    # Apple Calendar: the value is a urn:uuid and the address is in EMAIL=.
    instance = only_instance(
        calendar(
            f"""UID:apple-1
DTSTART;TZID=America/New_York:20251006T090000
DTEND;TZID=America/New_York:20251006T100000
ORGANIZER;CN=Ana;EMAIL={ANA}:urn:uuid:0d7a2c3e-1111-4aaa-9bbb-2c2c2c2c2c2c
ATTENDEE;CN=Ben;PARTSTAT=ACCEPTED;EMAIL={BEN.upper()}:urn:uuid:5f5f5f5f-2222-4ccc-8ddd-3e3e3e3e3e3e
SUMMARY:Check-in"""
        )
    )
    assert instance.organizer == ANA
    assert [a.email for a in instance.attendees] == [BEN]
    assert classify(instance, ANA, RuleBook(make_config())) == Match(Category.MENTEE, "mentee:near_peer")
