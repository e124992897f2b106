"""Bad feeds, served for real on loopback: each calendar fails alone, in one line, within its budget,
and every good calendar in the same batch is saved.

The sync runs the way ``mentorledger sync`` runs it: ICS calendars read and counted in worker
processes, each download within ``sync.fetch_seconds`` (2 s here, to keep the test short). The one
time asserted is that contract itself, with a wide margin: twelve stalled or hostile feeds on two
workers, each cut off at its budget, finish far sooner than one feed that is never cut off.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mentorledger.retry import Backoff
from mentorledger.store.ledger import Ledger
from mentorledger.store.schema import EntryRow
from mentorledger.sync import CalendarOutcome, SyncContext, sync_batch
from mentorledger.workers import WorkerPool
from tests.badfeeds import PATHS, BadFeeds, bad_feed_server
from tests.unit.support import ANA, write_config

BUDGET = 4.0
LOOPBACK_ONLY = {"allow_private_addresses": ["127.0.0.0/8"], "fetch_seconds": BUDGET, "parse_seconds": 10}
GOOD = 4

# What each bad feed must be reported as: a phrase of its one-line reason.
EXPECTED = {
    "/hang.ics": f"took longer than {BUDGET:g} s to download",
    "/drip.ics": f"took longer than {BUDGET:g} s to download",
    "/missing.ics": "has no calendar at that address (HTTP 404)",
    "/error.ics": "answered HTTP 500",
    "/busy.ics": "answered HTTP 503; it asks to retry after 120 s",
    "/page.ics": "answered with a web page (text/html), not a calendar",
    "/loop.ics": "redirects in a loop",
    "/offhost.ics": "resolves to 10.0.0.1, a loopback, private or link-local address",
    "/big.ics": "is larger than 100 MiB",
    "/big-unsized.ics": "is larger than 100 MiB (after decompression)",
    "/bomb.ics": "is larger than 100 MiB (after decompression)",
    "/reset.ics": "cannot reach",
}


@pytest.fixture(scope="module")
def feeds() -> Iterator[BadFeeds]:
    with bad_feed_server() as server:
        yield server


@pytest.fixture(scope="module")
def pool() -> Iterator[WorkerPool]:
    workers = WorkerPool(2, preload=("mentorledger.sync", "mentorledger.sources.ics"))
    yield workers
    workers.close()


def _sync(tmp_path: Path, ledger: Ledger, urls: list[str], pool: WorkerPool | None) -> list[CalendarOutcome]:
    config = write_config(tmp_path, [(ANA, url) for url in urls], sync=LOOPBACK_ONLY)
    context = SyncContext(config=config, ledger=ledger, run_id="bad-feeds", backoff=Backoff(), pool=pool)
    return sync_batch(context, config.calendars)


def _saved_entries(ledger: Ledger) -> int:
    with Session(ledger.engine) as session:
        return session.scalar(select(func.count()).select_from(EntryRow)) or 0


def test_every_bad_feed_fails_alone_in_one_line_and_the_good_ones_are_saved(
    tmp_path: Path, ledger: Ledger, feeds: BadFeeds, pool: WorkerPool
) -> None:
    assert set(EXPECTED) == set(PATHS)
    good = [feeds.url(f"/good/{n}.ics") for n in range(GOOD)]
    bad = [feeds.url(path) for path in PATHS]
    # The slowest feeds first: the good ones behind them in the batch must not wait for them.
    urls = [bad[0], bad[1], *good[:2], *bad[2:], *good[2:]]

    started = time.monotonic()
    outcomes = _sync(tmp_path, ledger, urls, pool)
    elapsed = time.monotonic() - started

    by_url = dict(zip(urls, outcomes, strict=True))
    for path, phrase in EXPECTED.items():
        outcome = by_url[feeds.url(path)]
        assert outcome.outcome == "failed", path
        assert outcome.error is not None
        assert phrase in outcome.error, (path, outcome.error)
        assert "\n" not in outcome.error
    assert [(by_url[url].outcome, by_url[url].error) for url in good] == [("synced", None)] * GOOD
    assert _saved_entries(ledger) == GOOD
    # The budget contract, with a wide margin: never cut off, the hang alone would take 30 s or more.
    assert elapsed < 8 * BUDGET


def test_a_stalled_feed_is_cut_off_at_its_budget_without_workers_too(
    tmp_path: Path, ledger: Ledger, feeds: BadFeeds
) -> None:
    urls = [feeds.url("/drip.ics"), feeds.url("/hang.ics"), feeds.url("/good/7.ics")]
    drip, hang, good = _sync(tmp_path, ledger, urls, pool=None)

    for outcome in (drip, hang):
        assert outcome.outcome == "failed"
        assert outcome.error is not None
        assert f"took longer than {BUDGET:g} s to download" in outcome.error
    assert good.outcome == "synced"
    assert _saved_entries(ledger) == 1


def test_feeds_on_loopback_are_refused_unless_the_configuration_allows_them(
    tmp_path: Path, ledger: Ledger, feeds: BadFeeds
) -> None:
    config = write_config(tmp_path, [(ANA, feeds.url("/good/1.ics"))])
    (outcome,) = sync_batch(SyncContext(config=config, ledger=ledger, run_id="r"), config.calendars)

    assert outcome.outcome == "failed"
    assert outcome.error is not None
    assert "resolves to 127.0.0.1, a loopback, private or link-local address" in outcome.error
    assert "sync.allow_private_addresses" in outcome.error
    assert _saved_entries(ledger) == 0


@pytest.mark.parametrize(("redirects", "allowed", "outcome"), [(3, 5, "synced"), (3, 2, "failed")])
def test_a_feed_follows_at_most_the_configured_redirects(
    tmp_path: Path, ledger: Ledger, feeds: BadFeeds, redirects: int, allowed: int, outcome: str
) -> None:
    settings = {**LOOPBACK_ONLY, "max_redirects": allowed, "fetch_seconds": 30}
    config = write_config(tmp_path, [(ANA, feeds.url(f"/hop/{redirects}"))], sync=settings)
    (result,) = sync_batch(SyncContext(config=config, ledger=ledger, run_id="r"), config.calendars)

    assert result.outcome == outcome
    if outcome == "failed":
        assert result.error is not None
        assert f"redirected more than {allowed} times" in result.error
    assert _saved_entries(ledger) == (1 if outcome == "synced" else 0)
