"""What a hand-made entry must be: inside the window, over by now, an existing local time, and only
with the mentor's own mentees (on that date) or groups."""

from __future__ import annotations

import datetime as dt

from mentorledger.counting import Category
from mentorledger.manual_input import check_manual
from mentorledger.reviews import How
from tests.unit.support import ANA, BEN, CY, GUS, make_config

NOW = dt.datetime(2026, 7, 1, 12, tzinfo=dt.UTC)


def check(**fields: str):  # type: ignore[no-untyped-def]
    values = {"day": "2025-10-06", "start": "09:30", "minutes": "45", "how": "phone", **fields}
    return check_manual(make_config(), ANA, now=NOW, **values)


def test_a_valid_entry_is_read_in_the_configured_zone() -> None:
    entry, errors = check(with_whom=f"mentee:{BEN}", note="  follow up on the K award  ")
    assert errors == {}
    assert entry is not None
    assert entry.start == dt.datetime(2025, 10, 6, 13, 30, tzinfo=dt.UTC)  # 09:30 EDT
    assert (entry.minutes, entry.how, entry.category, entry.mentee, entry.note) == (
        45,
        How.PHONE,
        Category.MENTEE,
        BEN,
        "follow up on the K award",
    )


def test_a_group_makes_it_a_group_entry_and_no_one_a_tag_entry() -> None:
    group, _ = check(with_whom="group:urim-circle")
    alone, _ = check()
    assert group is not None
    assert alone is not None
    assert (group.category, group.group_id, alone.category) == (Category.GROUP, "urim-circle", Category.TAG)


def test_someone_elses_mentee_or_group_is_refused() -> None:
    assert check(with_whom=f"mentee:{GUS}")[1] == {
        "with": "Choose one of your mentees or groups, or no one in particular"
    }
    assert "with" in check(with_whom="group:other-circle")[1]  # Ana is not a member


def test_a_mentee_outside_the_relationship_dates_is_refused() -> None:
    # Cy is Ana's mentee from 2025-10-01 only.
    assert "not your mentee on that date" in check(day="2025-09-15", with_whom=f"mentee:{CY}")[1]["with"]
    assert check(day="2025-10-15", with_whom=f"mentee:{CY}")[1] == {}


def test_outside_the_window_in_the_future_or_malformed_is_refused_per_field() -> None:
    assert "counting window" in check(day="2024-10-06")[1]["day"]
    assert (
        "has not happened yet"
        in check_manual(
            make_config(),
            ANA,
            day="2026-06-30",
            start="23:00",
            minutes="90",
            how="video",
            now=NOW.replace(month=6, day=30),
        )[1]["day"]
    )
    errors = check(day="06/10/2025", start="9h30", minutes="0", how="telepathy")[1]
    assert set(errors) == {"day", "start", "minutes", "how"}
    assert "minutes" in check(minutes="721")[1]


def test_a_local_time_skipped_by_daylight_saving_is_refused() -> None:
    # 2026-03-08 02:30 does not exist in New York (clocks go from 02:00 to 03:00).
    assert "does not exist" in check(day="2026-03-08", start="02:30")[1]["start"]
    assert check(day="2026-03-08", start="03:30")[1] == {}
