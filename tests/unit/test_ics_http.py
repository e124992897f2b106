"""ICS feeds over HTTP, against a real loopback server: conditional GET, retries, clear failures,
secret-bearing URLs never shown; and a sync that dies halfway leaves every calendar consistent."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mentorledger.config import Config
from mentorledger.hours import compute_hours
from mentorledger.retry import Backoff
from mentorledger.store.ledger import Ledger
from mentorledger.store.schema import CalendarRow, EntryRow
from mentorledger.sync import SyncContext, sync_batch
from tests.unit.icsbuild import calendar
from tests.unit.support import ANA, BEN, write_config

FEED = calendar(
    f"""UID:http-1
DTSTART;TZID=America/New_York:20251006T090000
DTEND;TZID=America/New_York:20251006T100000
ORGANIZER:mailto:{ANA}
ATTENDEE;PARTSTAT=ACCEPTED:mailto:{BEN}
SUMMARY:Check-in"""
)
SECRET = "private-7f3a9c2e11d04b"
LOOPBACK = {"allow_private_addresses": True}  # the test server is on 127.0.0.1


@dataclass
class FeedServer:
    """Serves FEED at /<SECRET>/basic.ics with an ETag; ``plan`` scripts the status of each request."""

    plan: list[int] = field(default_factory=list)
    requests: list[dict[str, str]] = field(default_factory=list)
    body: bytes = FEED
    etag: str = '"v1"'
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/{SECRET}/basic.ics"


@pytest.fixture
def feed() -> Iterator[FeedServer]:
    state = FeedServer()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.requests.append(dict(self.headers))
            status = state.plan.pop(0) if state.plan else 200
            if status == 200 and self.headers.get("If-None-Match") == state.etag:
                status = 304
            self.send_response(status)
            if status in (200, 304):
                self.send_header("ETag", state.etag)
            body = state.body if status == 200 else b""
            self.send_header("Content-Type", "text/calendar")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def _context(config: Config, ledger: Ledger, run_id: str, waits: list[float] | None = None) -> SyncContext:
    sleep: Callable[[float], None] = waits.append if waits is not None else (lambda _s: None)
    return SyncContext(config=config, ledger=ledger, run_id=run_id, backoff=Backoff(attempts=3), sleep=sleep)


def test_unchanged_feed_answers_304_and_is_not_read_again(
    tmp_path: Path, ledger: Ledger, feed: FeedServer
) -> None:
    config = write_config(tmp_path, [(ANA, feed.url)], sync=LOOPBACK)
    (first,) = sync_batch(_context(config, ledger, "r1"), config.calendars)
    (second,) = sync_batch(_context(config, ledger, "r2"), config.calendars)

    assert first.outcome == "synced"
    assert first.created == 1
    assert second.outcome == "unchanged"
    assert feed.requests[1].get("If-None-Match") == '"v1"'
    assert compute_hours(config, ledger).as_json()["mentors"][0]["minutes"] == 60


def test_changed_rules_fetch_the_feed_again_without_validators(
    tmp_path: Path, ledger: Ledger, feed: FeedServer
) -> None:
    config = write_config(tmp_path, [(ANA, feed.url)], sync=LOOPBACK)
    sync_batch(_context(config, ledger, "r1"), config.calendars)
    retagged = write_config(tmp_path, [(ANA, feed.url)], sync=LOOPBACK, counting={"tags": ["#mentor"]})
    (outcome,) = sync_batch(_context(retagged, ledger, "r2"), retagged.calendars)

    assert "If-None-Match" not in feed.requests[1]  # a 304 would leave nothing to re-count
    assert outcome.outcome == "synced"


def test_server_errors_are_retried_with_backoff_then_succeed(
    tmp_path: Path, ledger: Ledger, feed: FeedServer
) -> None:
    feed.plan = [503, 502]
    waits: list[float] = []
    config = write_config(tmp_path, [(ANA, feed.url)], sync=LOOPBACK)
    (outcome,) = sync_batch(_context(config, ledger, "r1", waits), config.calendars)

    assert outcome.outcome == "synced"
    assert len(feed.requests) == 3
    assert len(waits) == 2
    assert all(wait > 0 for wait in waits)


def test_a_missing_feed_fails_at_once_with_a_reason_and_no_secret(
    tmp_path: Path, ledger: Ledger, feed: FeedServer
) -> None:
    feed.plan = [404]
    config = write_config(tmp_path, [(ANA, feed.url)], sync=LOOPBACK)
    (outcome,) = sync_batch(_context(config, ledger, "r1"), config.calendars)

    assert outcome.outcome == "failed"
    assert len(feed.requests) == 1  # 404 is not retried
    assert "HTTP 404" in (outcome.error or "")
    assert SECRET not in f"{outcome.label} {outcome.error}"
    with Session(ledger.engine) as session:
        stored = session.scalars(select(CalendarRow.label)).all()
    assert stored == ["http://127.0.0.1/…"]


def test_retries_give_up_after_the_policy_and_keep_the_last_good_entries(
    tmp_path: Path, ledger: Ledger, feed: FeedServer
) -> None:
    config = write_config(tmp_path, [(ANA, feed.url)], sync=LOOPBACK)
    sync_batch(_context(config, ledger, "r1"), config.calendars)
    feed.etag = '"v2"'  # force a full response, which then fails three times
    feed.plan = [500, 500, 500]
    (outcome,) = sync_batch(_context(config, ledger, "r2"), config.calendars)

    assert outcome.outcome == "failed"
    assert compute_hours(config, ledger).as_json()["mentors"][0]["minutes"] == 60


def test_a_sync_that_dies_halfway_leaves_each_calendar_whole_and_the_next_run_completes(
    tmp_path: Path, ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("a", "b"):
        (tmp_path / f"{name}.ics").write_bytes(FEED.replace(b"http-1", f"uid-{name}".encode()))
    config = write_config(tmp_path, [(ANA, "a.ics"), (ANA, "b.ics")])

    original = Ledger._finish
    calls = {"n": 0}

    class WorkerKilled(BaseException):
        """Stands in for SIGKILL: nothing in the sync may catch it."""

    def crash_on_second_calendar(*args: object, **kwargs: object) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise WorkerKilled
        original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Ledger, "_finish", crash_on_second_calendar)
    with pytest.raises(WorkerKilled):
        sync_batch(_context(config, ledger, "r1"), config.calendars)

    with Session(ledger.engine) as session:
        # The first calendar is complete; of the second, nothing was written (its transaction rolled back).
        assert session.scalar(select(func.count()).select_from(EntryRow)) == 1
        assert session.scalar(select(func.count()).select_from(CalendarRow)) == 1

    monkeypatch.setattr(Ledger, "_finish", original)
    outcomes = sync_batch(_context(config, ledger, "r2"), config.calendars)
    assert sorted(o.outcome for o in outcomes) == ["synced", "unchanged"]
    with Session(ledger.engine) as session:
        assert session.scalar(select(func.count()).select_from(EntryRow)) == 2


def test_an_unexpected_error_in_one_calendar_fails_only_that_calendar(
    tmp_path: Path, ledger: Ledger, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    for name in ("a", "b"):
        (tmp_path / f"{name}.ics").write_bytes(FEED.replace(b"http-1", f"uid-{name}".encode()))
    config = write_config(tmp_path, [(ANA, "a.ics"), (ANA, "b.ics")])
    import mentorledger.sources.ics.incremental as sync_module

    real_parse = sync_module.parse_ics
    calls = {"n": 0}

    def parse_failing_once(*args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] == 1:
            title = "".join(["Secret ", "meeting ", "title"])  # not in any source line the traceback shows
            raise ValueError(f"SUMMARY:{title}")  # a parser message quoting calendar text
        return real_parse(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sync_module, "parse_ics", parse_failing_once)
    outcomes = sync_batch(_context(config, ledger, "r1"), config.calendars)

    assert sorted(o.outcome for o in outcomes) == ["failed", "synced"]
    failed = next(o for o in outcomes if o.outcome == "failed")
    assert failed.error == "unexpected ValueError while syncing; see the log"
    assert "Secret meeting title" not in caplog.text
    assert "ValueError" in caplog.text
