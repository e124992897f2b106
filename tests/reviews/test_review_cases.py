"""Counting rules v2, items 8 and 9, pinned as stories: each case file in tests/data/reviews holds
Ana's calendars, her hand-made entries and reviews, an optional later sync, and what ``hours`` says."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from mentorledger.config import Window
from mentorledger.counting import window_bounds
from mentorledger.manual_input import check_manual
from mentorledger.reviews import Review
from mentorledger.store.ledger import Ledger
from mentorledger.store.manual import add_checked
from mentorledger.store.reviews import confirm_period
from tests.reviews.support import (
    ana_row,
    department,
    event,
    keys,
    review,
    reviews_by_uid,
    rewrite,
    sync,
)
from tests.unit.support import ANA, BEN

CASES = sorted((Path(__file__).resolve().parents[1] / "data" / "reviews").glob("*.yaml"))
AFTER_THE_WINDOW = dt.datetime(2026, 7, 1, 12, tzinfo=dt.UTC)  # every case's meetings are over


def _events(items: list[dict[str, Any]]) -> list[str]:
    out = []
    for item in items:
        extra = (
            [f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:{BEN}", f"ORGANIZER:mailto:{ANA}"]
            if item.get("with") == "ben"
            else []
        )
        if "sequence" in item:
            extra.append(f"SEQUENCE:{item['sequence']}")
        text = event(
            item["uid"], item["day"], item["start"], item["end"], *extra, month=item.get("month", 10)
        )
        if "summary" in item:
            text = text.replace("SUMMARY:#mentoring", f"SUMMARY:{item['summary']}")
        out.append(text)
    return out


def _review(config: Any, ledger: Ledger, step: dict[str, Any]) -> None:
    state = Review(step["review"])
    if "period" in step:
        first, last = (dt.date.fromisoformat(d) for d in step["period"])
        start, end = window_bounds(Window(start=first, end=last), config.tz)
        confirm_period(ledger, owner=ANA, actor=ANA, start=start, end=end, calendar_keys=keys(config))
        return
    review(config, ledger, step["uid"], state, step.get("reason"))


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_review_case(path: Path, tmp_path: Path, database_url: str) -> None:
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert case["story"].strip()
    config = department(tmp_path, {name: _events(items) for name, items in case["calendars"].items()})
    ledger = Ledger.open(database_url)
    sync(config, ledger, "first")
    for item in case.get("manual", []):
        entry, errors = check_manual(
            config,
            ANA,
            day=item["day"],
            start=item["start"],
            minutes=str(item["minutes"]),
            how=item["how"],
            with_whom=item.get("with", ""),
            now=AFTER_THE_WINDOW,
        )
        assert entry is not None, errors
        add_checked(ledger, owner=ANA, actor=ANA, entry=entry)
    for step in case.get("reviews", []):
        _review(config, ledger, step)
    for name, items in case.get("then_calendars", {}).items():
        rewrite(tmp_path, name, *_events(items))
    if "then_calendars" in case:
        sync(config, ledger, "second")

    row = ana_row(config, ledger)
    expected = case["expected"]
    assert {key: row.get(key) for key in expected} == expected
    assert row["confirmed_minutes"] + row["pending_minutes"] + row["manual_minutes"] == row["minutes"]
    for uid, states in case.get("expected_reviews", {}).items():
        assert reviews_by_uid(ledger, uid)[uid] == set(states), uid
