"""How long do the mentor's pages take for a mentor with 2,000 entries? (Target: under 300 ms.)

Builds a ledger with one mentor's 2,000 calendar entries over the academic year (a mix of group,
mentee and tagged meetings, some confirmed, some excluded) and 50 hand-made entries, signs in, and
times, in this one run, with the app in-process (no network):

  baseline   compute_hours for that mentor: the floor (the same numbers, no page)
  overview   GET /me: the year at a glance (totals, by category, by month, chart)
  month      GET /me/entries?month=...: the busiest month's entries, week by week
  entry      GET /me/entries/{id}: one entry with its history

and prints each as milliseconds (median of the repetitions) and as a ratio to the baseline. Usage:
    .venv/bin/python benchmarks/bench_web.py [--entries 2000] [--repeat 15]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml
from fastapi.testclient import TestClient

from mentorledger.config import load_config
from mentorledger.counting import Category, Entry
from mentorledger.hours import compute_hours
from mentorledger.instances import stable_hash
from mentorledger.reviews import How, Review
from mentorledger.store.ledger import CalendarState, Ledger, RunRecord
from mentorledger.store.manual import add_manual
from mentorledger.store.reviews import set_review
from mentorledger.store.web_auth import issue_link
from mentorledger.sync import calendar_ref
from mentorledger.web.app import create_app
from mentorledger.web.settings import web_settings

MENTOR = "mentor@bench.example.edu"
MENTEES = [f"mentee{i}@bench.example.edu" for i in range(6)]
MEMBERS = [f"member{i}@bench.example.edu" for i in range(5)]


def write_config(root: Path) -> Path:
    people = [MENTOR, *MENTEES, *MEMBERS]
    data = {
        "institution": "Benchmark School of Medicine",
        "timezone": "America/New_York",
        "window": {"start": "2025-07-01", "end": "2026-06-30"},
        "people": [
            {"email": p, "name": p.split("@")[0].title(), "department": "D", "rank": "other"} for p in people
        ],
        "relationships": [
            {"mentor": MENTOR, "mentee": m, "kind": "dyad", "start": "2025-07-01"} for m in MENTEES
        ],
        "groups": [{"id": "circle", "name": "Bench Circle", "members": [MENTOR, *MEMBERS]}],
        "calendars": [{"owner": MENTOR, "ics": "mentor.ics"}],
        "smtp": {
            "host": "127.0.0.1",
            "port": 2525,
            "security": "none",
            "from_address": "bench@bench.example.edu",
        },
    }
    (root / "mentor.ics").write_text("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", encoding="utf-8")
    path = root / "config.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def fill_ledger(config_path: Path, ledger: Ledger, count: int, seed: int = 11) -> None:
    config = load_config(config_path)
    rng = random.Random(seed)
    ref = calendar_ref(config.calendars[0])
    first = dt.datetime(2025, 7, 1, 12, tzinfo=dt.UTC)
    entries = []
    for i in range(count):
        start = first + dt.timedelta(
            days=rng.randrange(362), hours=rng.randrange(9), minutes=rng.choice([0, 15, 30])
        )
        kind = rng.choice([Category.GROUP, Category.MENTEE, Category.TAG])
        participants = {
            Category.GROUP: tuple(sorted(rng.sample(MEMBERS, 3))),
            Category.MENTEE: (rng.choice(MENTEES),),
            Category.TAG: (),
        }[kind]
        rule = {
            Category.GROUP: "group:circle",
            Category.MENTEE: "mentee:dyad",
            Category.TAG: "tag:#mentoring",
        }[kind]
        entries.append(
            Entry(
                source_key=stable_hash(ref.calendar_key, str(i)),
                event_key=stable_hash(str(i)),
                owner=MENTOR,
                start=start,
                end=start + dt.timedelta(minutes=rng.choice([30, 45, 60, 90])),
                category=kind,
                rule=rule,
                group_id="circle" if kind is Category.GROUP else None,
                participants=participants,
            )
        )
    run = RunRecord("bench", dt.datetime.now(dt.UTC), "synced")
    window = (first - dt.timedelta(days=1), first + dt.timedelta(days=366))
    ledger.apply(ref, entries, window=window, state=CalendarState(), run=run)
    stored = ledger.entries([ref.calendar_key], *window, owner=MENTOR)
    for entry in stored[::10]:  # every tenth confirmed, every 25th excluded
        set_review(
            ledger,
            owner=MENTOR,
            actor=MENTOR,
            entry_id=entry.entry_id,
            review=Review.CONFIRMED,
            calendar_keys=[ref.calendar_key],
        )
    for entry in stored[5::25]:
        set_review(
            ledger,
            owner=MENTOR,
            actor=MENTOR,
            entry_id=entry.entry_id,
            review=Review.EXCLUDED,
            reason="not mentoring",
            calendar_keys=[ref.calendar_key],
        )
    for i in range(50):
        start = first + dt.timedelta(days=rng.randrange(362), hours=rng.randrange(9))
        add_manual(
            ledger,
            owner=MENTOR,
            actor=MENTOR,
            start=start,
            minutes=rng.choice([15, 20, 30]),
            how=rng.choice(list(How)),
            category=Category.MENTEE,
            mentee=rng.choice(MENTEES),
            note=f"note {i}",
        )


def median_ms(action: Callable[[], object], repeat: int) -> float:
    action()  # warm up (templates compiled, connections pooled)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        config_path = write_config(root)
        ledger = Ledger.open(f"sqlite:///{root / 'ledger.db'}")
        fill_ledger(config_path, ledger, args.entries)
        config = load_config(config_path)
        settings = web_settings(
            config, host="127.0.0.1", port=8000, demo=False, environ={"MENTORLEDGER_WEB_SECRET": "b" * 40}
        )
        client = TestClient(
            create_app(config, settings=settings, ledger=ledger, deliver_link=lambda *_: None)
        )
        token = issue_link(ledger, MENTOR, "/me")
        page = client.get("/login/link", params={"token": token})
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert csrf
        client.post("/login/link", data={"token": token, "csrf_token": csrf.group(1)}, follow_redirects=False)
        counts: dict[str, int] = {}
        for entry in ledger.entries(
            [calendar_ref(config.calendars[0]).calendar_key],
            dt.datetime(2025, 7, 1, tzinfo=dt.UTC),
            dt.datetime(2026, 7, 1, tzinfo=dt.UTC),
        ):
            key = f"{entry.start:%Y-%m}"
            counts[key] = counts.get(key, 0) + 1
        busiest = max(counts, key=counts.__getitem__)
        one = re.search(
            r'href="/me/entries/(\d+)"', client.get("/me/entries", params={"month": busiest}).text
        )
        assert one

        def page_ok(path: str, **params: str) -> Callable[[], object]:
            def fetch() -> object:
                answer = client.get(path, params=params)
                assert answer.status_code == 200, (path, answer.status_code)
                return answer

            return fetch

        baseline = median_ms(lambda: compute_hours(config, ledger, mentor=MENTOR), args.repeat)
        results = {
            "baseline (compute_hours)": baseline,
            "overview  GET /me": median_ms(page_ok("/me"), args.repeat),
            f"month     GET /me/entries?month={busiest} ({counts[busiest]} entries)": median_ms(
                page_ok("/me/entries", month=busiest), args.repeat
            ),
            "entry     GET /me/entries/{id}": median_ms(page_ok(f"/me/entries/{one.group(1)}"), args.repeat),
        }
    print(f"mentor with {args.entries} calendar entries + 50 by hand; median of {args.repeat} runs")
    for name, ms in results.items():
        print(f"  {name:62} {ms:8.1f} ms   {ms / baseline:5.1f}x baseline   target < 300 ms")


if __name__ == "__main__":
    main()
