"""Totals computed without the whole ledger in memory count exactly what the one selection counts:
``hours`` streams the ledger owner by owner, and a report's view of some people (one department)
reads anyone else it is asked about when asked."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from mentorledger.counting import window_bounds
from mentorledger.hours import select_by_owner, select_entries
from mentorledger.reports.basis import LedgerView
from tests.attestation.support import AS_OF
from tests.reviews.test_review_shares import _ledger
from tests.unit.support import ANA


def test_streaming_owner_by_owner_selects_exactly_what_select_entries_selects(
    tmp_path: Path, database_url: str
) -> None:
    config, ledger = _ledger(tmp_path, database_url)  # confirmed, excluded, attested and hand-made time
    bounds = window_bounds(config.effective_window(), config.tz)
    counted, scheduled = select_entries(config, ledger, bounds, as_of=AS_OF)
    streamed = list(select_by_owner(config, ledger, bounds, as_of=AS_OF))
    assert [owner for owner, *_ in streamed] == [ANA]
    assert Counter(e for _, mine, _ in streamed for e in mine) == Counter(counted)
    assert Counter(e for *_, later in streamed for e in later) == Counter(scheduled)
    assert {e.origin for e in counted} == {"calendar", "manual"}


def test_a_view_of_some_people_reads_anyone_else_when_asked_with_the_same_numbers(
    tmp_path: Path, database_url: str
) -> None:
    config, ledger = _ledger(tmp_path, database_url)
    window = config.effective_window()
    everyone = LedgerView.load(config, ledger, [window], AS_OF)
    nobody = LedgerView.load(config, ledger, [window], AS_OF, owners=[])
    assert nobody.period(ANA, window) == everyone.period(ANA, window)
    assert (everyone.period(ANA, window).minutes, everyone.period(ANA, window).attested_minutes) == (120, 45)
    assert nobody.counted(ANA, window) == everyone.counted(ANA, window)
