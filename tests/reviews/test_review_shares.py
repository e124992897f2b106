"""One implementation of each number (issue 12 item 6): for a mentor with a confirmed, an excluded and a
hand-made entry and a session a mentee attested, the chair report, the dossier, the JSON export and
every format show exactly what ``hours`` counts, and the same review shares."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

from mentorledger.attestation.rules import Answer
from mentorledger.config import Config
from mentorledger.counting import Category
from mentorledger.exports.summaries import check, summaries_document
from mentorledger.hours import compute_hours
from mentorledger.reports.basis import LedgerView
from mentorledger.reports.chair_data import build_chair_report
from mentorledger.reports.dossier_data import build_dossier
from mentorledger.reports.outputs import write_chair, write_dossier
from mentorledger.reviews import How, Review
from mentorledger.store.ledger import Ledger
from mentorledger.store.manual import add_manual
from tests.attestation.support import AS_OF, WITH_BEN, answer, attesting_department, event
from tests.reviews.support import review, sync
from tests.unit.support import ANA, BEN


def _ledger(tmp_path: Path, database_url: str) -> tuple[Config, Ledger]:
    config = attesting_department(
        tmp_path,
        [
            event("confirmed", 6, "09:00", "10:00"),  # 60 tag, confirmed by Ana
            event("excluded", 6, "14:00", "14:30"),  # excluded: not counted anywhere
            event("with-ben", 7, "09:00", "09:45", *WITH_BEN),  # 45 mentee, Ben says yes
        ],
    )
    ledger = Ledger.open(database_url)
    sync(config, ledger)
    review(config, ledger, "confirmed", Review.CONFIRMED)
    review(config, ledger, "excluded", Review.EXCLUDED, "a clinic meeting")
    add_manual(  # 30 minutes with Ben by hand, 15 over the confirmed meeting (counted once, as mentee time)
        ledger,
        owner=ANA,
        actor=ANA,
        start=dt.datetime(2025, 10, 6, 13, 45, tzinfo=dt.UTC),
        minutes=30,
        how=How.PHONE,
        category=Category.MENTEE,
        mentee=BEN,
    )
    answer(config, ledger, Answer.CONFIRMED, mentee=BEN, index=0)  # Ben's calendar session (newest)
    return config, ledger


def test_chair_report_dossier_and_export_count_exactly_what_hours_counts(
    tmp_path: Path, database_url: str
) -> None:
    config, ledger = _ledger(tmp_path, database_url)
    (hours,) = compute_hours(config, ledger, as_of=AS_OF).as_json()["mentors"]
    assert (hours["minutes"], hours["by_category"]) == (60 + 45 + 15, {"group": 0, "mentee": 75, "tag": 45})
    split = (hours["confirmed_minutes"], hours["pending_minutes"], hours["manual_minutes"])
    assert split == (60, 45, 15)

    chair = next(
        r for r in build_chair_report(config, ledger, "Pediatrics", as_of=AS_OF).rows if r.email == ANA
    )
    dossier = build_dossier(config, ledger, ANA, as_of=AS_OF)
    window = config.effective_window()
    exported = summaries_document(LedgerView.load(config, ledger, [window], AS_OF), window)
    check(exported)
    (ana,) = [m for m in exported["mentors"] if m["email"] == ANA]
    for period in (chair.current, dossier.period):
        assert (period.minutes, period.by_category) == (hours["minutes"], hours["by_category"])
        assert (period.confirmed_minutes, period.pending_minutes, period.manual_minutes) == split
        assert period.attested_minutes == 45  # Ben's session; the hand-made call he was not asked about yet
    assert (ana["minutes"], ana["by_category"]) == (hours["minutes"], hours["by_category"])
    assert ana["review"] == {
        "confirmed_minutes": 60,
        "pending_minutes": 45,
        "manual_minutes": 15,
        "attested_minutes": 45,
        "confirmed_share": 0.5,
        "attested_share": 0.375,
        "manual_share": 0.125,
    }


def test_every_format_shows_the_review_shares(tmp_path: Path, database_url: str) -> None:
    config, ledger = _ledger(tmp_path, database_url)
    report = build_chair_report(config, ledger, "Pediatrics", as_of=AS_OF)
    files = write_chair(report, ["csv", "html"], tmp_path / "out")
    (row,) = [r for r in csv.DictReader(io.StringIO(files["csv"].read_text("utf-8"))) if r["E-mail"] == ANA]
    assert (row["Confirmed by mentor (share)"], row["Attested by mentees (share)"]) == ("50.0%", "37.5%")
    assert (row["Added by hand (share)"], row["Mentee hours attested"]) == ("12.5%", "0.8")
    html = files["html"].read_text("utf-8")
    assert 'data-key="attested_share">37.5%' in html
    assert "0.8 of 1.3 mentee hours" in html
    dossier = build_dossier(config, ledger, ANA, as_of=AS_OF)
    markdown = write_dossier(dossier, ["md"], tmp_path / "out")["md"].read_text("utf-8")
    assert "| Confirmed by the mentor on review | 1.0 | 50.0% |" in markdown
    assert "| Attested by mentees (mentee-category hours) | 0.8 | 37.5% |" in markdown
    assert "0.8 of 1.3 mentee-category hours were attested by the mentees" in markdown
    assert json.dumps(dossier.period.confirmed_share) == "0.5"
