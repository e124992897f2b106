"""A new user sets up a department of their own, as they would: the installed `mentorledger` command,
run from a folder of their own (not the repository), CSV exports from HR and faculty affairs, the usual
mistakes on the way, no Prefect server, and the ledger on SQLite or (with --backend=postgresql) on a
PostgreSQL database that does not exist yet. Every message the user meets is checked."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from mentorledger.store.admin import drop_database
from tests.conftest import DEFAULT_POSTGRES_URL, ROOT

pytestmark = pytest.mark.journey

BIN = Path(sys.executable).parent / "mentorledger"
EXPORTS = ROOT / "tests" / "data" / "roster"
ANA_ICS = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//journey//EN\r
BEGIN:VEVENT\r
UID:journey-1\r
DTSTART;TZID=America/New_York:20251006T090000\r
DTEND;TZID=America/New_York:20251006T100000\r
ORGANIZER:mailto:ana.ruiz@riverside-med.example.edu\r
ATTENDEE;PARTSTAT=ACCEPTED:mailto:ben.cho@riverside-med.example.edu\r
SUMMARY:Check-in\r
END:VEVENT\r
END:VCALENDAR\r
"""


@dataclass
class User:
    """Runs the installed command from the user's own folder, with only the settings a user has."""

    cwd: Path
    env: dict[str, str]
    timings: dict[str, float] = field(default_factory=dict)

    def run(self, step: str, *args: str) -> subprocess.CompletedProcess[str]:
        began = time.monotonic()
        done = subprocess.run(
            [str(BIN), *args],
            cwd=self.cwd,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        self.timings[step] = round(time.monotonic() - began, 1)
        assert "Traceback" not in done.stderr, done.stderr
        return done


@pytest.fixture
def ledger_url(backend: str) -> Iterator[str | None]:
    """None (the default SQLite ledger), or a PostgreSQL database that does not exist yet."""
    if backend == "sqlite":
        yield None
        return
    server = make_url(os.environ.get("MENTORLEDGER_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL))
    url = server.set(database=f"ml_journey_{uuid.uuid4().hex[:10]}").render_as_string(hide_password=False)
    yield url
    drop_database(url)


@pytest.fixture
def user(tmp_path: Path, ledger_url: str | None) -> User:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MENTORLEDGER_", "PREFECT_"))}
    env.update(
        {
            "HOME": str(tmp_path / "home"),
            "PREFECT_HOME": str(tmp_path / "home" / ".prefect"),
            "COLUMNS": "200",
        }
    )
    if ledger_url:
        env["MENTORLEDGER_DATABASE_URL"] = ledger_url
    (tmp_path / "home").mkdir()
    (tmp_path / "work").mkdir()
    return User(tmp_path / "work", env)


def test_a_new_department_from_csv_exports_in_a_folder_of_ones_own(
    user: User, tmp_path: Path, ledger_url: str | None
) -> None:
    config = "../peds/department.yaml"
    dept = tmp_path / "peds"

    # 1. Start the department; no terminal, so nothing is asked.
    init = user.run("init", "init", "../peds", "--timezone", "America/New_York", "--institution", "Riverside")
    assert init.returncode == 0, init.stderr
    assert "mentorledger import people FACULTY.csv --config ../peds/department.yaml" in init.stdout

    # 2. The roster from HR: first an export with a broken row, then the fixed one.
    broken = user.cwd / "faculty.csv"
    broken.write_text(
        (EXPORTS / "faculty.csv")
        .read_text(encoding="utf-8")
        .replace("ben.cho@riverside", "ben.cho riverside"),
        encoding="utf-8",
    )
    bad = user.run("import people (broken row)", "import", "people", "faculty.csv", "--config", config)
    assert bad.returncode == 2
    assert bad.stderr.splitlines()[0] == (
        "error: faculty.csv:3: column 'E-mail Address': 'ben.cho riverside-med.example.edu' is not an e-mail address"
    )
    shutil.copy(EXPORTS / "faculty.csv", broken)
    people = user.run("import people", "import", "people", "faculty.csv", "--config", config)
    assert people.returncode == 0, people.stderr
    assert "6 people read: 6 to add, 0 to update, 0 unchanged." in people.stdout
    relationships = user.run(
        "import relationships", "import", "relationships", str(EXPORTS / "mentoring.csv"), "--config", config
    )
    assert relationships.returncode == 0, relationships.stderr

    # 3. Calendars: Ana's export, and Dee's that was never copied; a typo on the way.
    (dept / "calendars" / "ana.ics").write_text(ANA_ICS, encoding="utf-8")
    text = (dept / "department.yaml").read_text(encoding="utf-8")
    text = text.replace("# window: {start: 2025-07-01", "window: {start: 2025-07-01").replace(
        "  keywords:", "  keyword:"
    )
    text = text.replace(
        "calendars: []\n",
        "calendars:\n  - {owner: ana.ruiz@riverside-med.example.edu, ics: calendars/ana.ics}\n"
        "  - {owner: dee.patel@riverside-med.example.edu, ics: calendars/dee.ics}\n",
    )
    (dept / "department.yaml").write_text(text, encoding="utf-8")
    typo = user.run("validate (typo)", "validate", "--config", config)
    assert typo.returncode == 2
    assert "counting.keyword: unknown key (did you mean keywords?)" in typo.stderr
    (dept / "department.yaml").write_text(text.replace("  keyword:", "  keywords:"), encoding="utf-8")
    valid = user.run("validate", "validate", "--config", config)
    assert valid.returncode == 0, valid.stderr
    assert "6 people, 3 relationships, 0 groups, 2 calendars (1 warning)" in valid.stdout
    assert "calendar file 'calendars/dee.ics' not found" in valid.stderr

    # 4. Before the first sync: which ledger, and (PostgreSQL) a database to create first.
    before = user.run("hours before sync", "hours", "--config", config)
    if ledger_url:
        assert before.returncode == 2
        assert "does not exist on " in before.stderr
        assert "create it with `mentorledger db create`" in before.stderr
        created = user.run("db create", "db", "create", "--config", config)
        assert created.returncode == 0, created.stderr
        before = user.run("hours before sync", "hours", "--config", config)
    assert before.returncode == 0
    where = "from MENTORLEDGER_DATABASE_URL" if ledger_url else "beside the configuration file"
    assert where in before.stderr
    assert "None of the 2 calendars has been synced yet" in before.stderr

    # 5. Sync: a temporary Prefect server, said once; Prefect's log in a file; Dee's calendar fails alone.
    sync = user.run("sync", "sync", "--config", config)
    assert sync.returncode == 1
    assert sync.stdout.strip() == "Synced 2 calendars: 1 failed, 1 synced"
    assert sync.stderr.count("starting a temporary one") == 1
    assert (
        "failed: calendars/dee.ics (dee.patel@riverside-med.example.edu): calendar file not found"
        in sync.stderr
    )
    assert "| INFO" not in sync.stdout + sync.stderr
    assert "Beginning flow run" in (dept / "var" / "logs" / "prefect.log").read_text(encoding="utf-8")
    assert (dept / "var" / "mentorledger.db").is_file() is (ledger_url is None)
    assert not (user.cwd / "var").exists()

    # 6. Hours, status and a report; the same numbers from any folder.
    hours = user.run("hours", "hours", "--config", config, "--format", "json")
    counted = [
        (m["email"], m["minutes"], m["by_category"]["mentee"]) for m in json.loads(hours.stdout)["mentors"]
    ]
    assert counted == [("ana.ruiz@riverside-med.example.edu", 60, 60)]
    elsewhere = User(tmp_path / "home", user.env, user.timings)
    again = elsewhere.run(
        "hours from another folder", "hours", "--config", str(dept / "department.yaml"), "--format", "json"
    )
    assert json.loads(again.stdout)["mentors"] == json.loads(hours.stdout)["mentors"]
    nobody = user.run(
        "hours --mentor unknown", "hours", "--config", config, "--mentor", "zed@riverside-med.example.edu"
    )
    assert nobody.returncode == 2
    assert f"is not in people of {dept / 'department.yaml'}" in nobody.stderr
    status = user.run("status", "status", "--config", config, "--format", "json")
    assert status.returncode == 1
    assert [c["attention"] for c in json.loads(status.stdout)["calendars"]] == [
        None,
        "failing (1 time(s) in a row)",
    ]
    report = user.run(
        "report chair",
        "report",
        "chair",
        "--config",
        config,
        "--department",
        "Pediatrics",
        "--format",
        "csv",
        "--out",
        "reports",
    )
    assert report.returncode == 0, report.stderr
    assert "temporary" not in report.stderr  # a report is the core's work, not a Prefect server's
    [written] = (user.cwd / "reports").glob("effort-pediatrics-*.csv")
    assert "Ana Ruiz" in written.read_text(encoding="utf-8")
    print("journey timings (s):", user.timings)
