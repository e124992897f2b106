"""Reports use the same rules as ``hours``: an exclusion leaves the chair report and the dossier, a
hand-made entry with a mentee joins the dossier's time with that mentee."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from mentorledger.counting import Category
from mentorledger.reports.chair_data import build_chair_report
from mentorledger.reports.dossier_data import build_dossier
from mentorledger.reviews import How, Review
from mentorledger.store.ledger import Ledger
from mentorledger.store.manual import add_manual
from tests.reviews.support import department, event, review, sync
from tests.unit.support import ANA, BEN


def test_chair_report_and_dossier_count_what_hours_counts(tmp_path: Path, database_url: str) -> None:
    with_ben = (f"ORGANIZER:mailto:{ANA}", f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:{BEN}")
    config = department(
        tmp_path,
        {"work.ics": [event("tagged", 6, "09:00", "10:00"), event("ben", 7, "09:00", "09:45", *with_ben)]},
    )
    ledger = Ledger.open(database_url)
    sync(config, ledger)

    def chair_minutes() -> int:
        report = build_chair_report(config, ledger, "Pediatrics")
        return next(r.minutes for r in report.rows if r.email == ANA)

    assert chair_minutes() == 105
    review(config, ledger, "tagged", Review.EXCLUDED, "not mentoring")
    add_manual(
        ledger,
        owner=ANA,
        actor=ANA,
        start=dt.datetime(2025, 10, 8, 20, tzinfo=dt.UTC),
        minutes=30,
        how=How.PHONE,
        category=Category.MENTEE,
        mentee=BEN,
    )
    assert chair_minutes() == 45 + 30
    dossier = build_dossier(config, ledger, ANA)
    assert (dossier.minutes, dossier.by_category) == (75, {"group": 0, "mentee": 75, "tag": 0})
    (ben_row,) = [row for row in dossier.mentees if row.kind == "near_peer"]
    assert ben_row.minutes == 75
