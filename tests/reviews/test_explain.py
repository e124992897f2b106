"""Why an entry counted, in plain words, from the stored rule, participants and group."""

from __future__ import annotations

import datetime as dt

from mentorledger.counting import Category
from mentorledger.explain import Roster, why_it_counted
from mentorledger.store.ledger import StoredEntry
from tests.unit.support import ANA, BEN, CY, DEE, EVE, make_config

OCT = dt.datetime(2025, 10, 15, 14, tzinfo=dt.UTC)


def entry(
    rule: str, participants: tuple[str, ...] = (), group_id: str | None = None, start: dt.datetime = OCT
) -> StoredEntry:
    return StoredEntry(
        ANA,
        "c",
        "s",
        "e",
        start,
        start + dt.timedelta(hours=1),
        Category.TAG,
        rule,
        group_id,
        participants,
        "pending",
    )


def why(item: StoredEntry) -> str:
    config = make_config(
        people=[
            *make_config().model_dump()["people"][:1],
            {"email": BEN, "name": "Ben Cho", "department": "Pediatrics", "rank": "resident"},
            *make_config().model_dump()["people"][2:],
        ]
    )
    return why_it_counted(item, Roster.of(config))


def test_each_rule_reads_as_a_sentence() -> None:
    assert why(entry("mentee:near_peer", (BEN,))) == "Ben Cho, your mentee, attended"
    assert why(entry("mentee:dyad", (BEN, CY))) == "Ben Cho and Cy, your mentees, attended"
    assert why(entry("group:urim-circle", (DEE, EVE, BEN), "urim-circle")) == "3 members of URiM Peer Circle"
    assert (
        why(entry("group:urim-circle:invite", (), "urim-circle"))
        == "A URiM Peer Circle session (a mentorledger invite)"
    )
    assert why(entry("tag:#mentoring")) == "#mentoring in the title"
    assert why(entry("category:mentoring")) == "Calendar category “Mentoring”"
    assert why(entry("keyword:mentoring")) == "The word “mentoring” in the title"
    assert why(entry("manual:phone", (BEN,))) == "Added by you (phone) with Ben Cho"
    assert why(entry("manual:in_person", (), "urim-circle")) == "Added by you (in person): URiM Peer Circle"


def test_a_mentee_counts_as_a_mentee_only_on_the_relationships_dates() -> None:
    # Cy becomes Ana's mentee on 2025-10-01; in September the entry names no mentee.
    september = entry("mentee:dyad", (CY,), start=dt.datetime(2025, 9, 10, 14, tzinfo=dt.UTC))
    assert why(september) == "A mentee of yours took part"
