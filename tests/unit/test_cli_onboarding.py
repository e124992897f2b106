"""A new department's first commands: init, --version, MENTORLEDGER_CONFIG, and messages that say which
ledger was read, which format a date takes, and who is not in the roster."""

from __future__ import annotations

import importlib.metadata
import json
from pathlib import Path

import pytest

from mentorledger.config import load_config
from mentorledger.store.db import dispose_all
from mentorledger.store.ledger import Ledger
from mentorledger.sync import SyncContext, sync_batch
from tests.clirunner import run_cli
from tests.unit.icsbuild import calendar

MEETING = """UID:onb-1
DTSTART;TZID=America/Chicago:20251006T090000
DTEND;TZID=America/Chicago:20251006T100000
SUMMARY:Career chat #mentoring"""


@pytest.fixture(autouse=True)
def no_ledger_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("MENTORLEDGER_DATABASE_URL", "MENTORLEDGER_HOME", "MENTORLEDGER_CONFIG", "PREFECT_API_URL"):
        monkeypatch.delenv(name, raising=False)


def started(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """`init` plus one person and one calendar; returns the configuration file."""
    result = run_cli(
        capsys, "init", str(tmp_path / "peds"), "--timezone", "America/Chicago", "--institution", "Riverside"
    )
    assert result.code == 0, result.stderr
    config = tmp_path / "peds" / "department.yaml"
    (tmp_path / "peds" / "calendars" / "ana.ics").write_bytes(calendar(MEETING))
    text = config.read_text(encoding="utf-8")
    text = text.replace(
        "people: []\n", "people:\n  - {email: ana@x.edu, name: Ana, department: Peds, rank: professor}\n"
    )
    text = text.replace("calendars: []\n", "calendars:\n  - {owner: ana@x.edu, ics: calendars/ana.ics}\n")
    text = text.replace("# window: {start: 2025-07-01", "window: {start: 2025-07-01")
    config.write_text(text, encoding="utf-8")
    return config


def test_version_prints_the_installed_version(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_cli(capsys, "--version")
    assert (result.code, result.stdout) == (0, f"mentorledger {importlib.metadata.version('mentorledger')}\n")


def test_init_writes_a_commented_starter_that_validates_and_says_what_comes_next(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_cli(
        capsys,
        "init",
        str(tmp_path / "peds"),
        "--timezone",
        "America/Chicago",
        "--institution",
        "Riverside: Peds",
    )

    assert result.code == 0, result.stderr
    config = tmp_path / "peds" / "department.yaml"
    loaded = load_config(config)
    assert (loaded.institution, loaded.timezone, loaded.people, loaded.calendars) == (
        "Riverside: Peds",
        "America/Chicago",
        [],
        [],
    )
    assert list((tmp_path / "peds" / "calendars").iterdir()) == []
    assert config.read_text(encoding="utf-8").count("\n#") >= 20  # a commented file, not a bare one
    for step in ("import people", "import relationships", "validate", "sync", "hours"):
        assert f"mentorledger {step} " in result.stdout, step
    assert f"export MENTORLEDGER_CONFIG={config}" in result.stdout


def test_init_without_a_terminal_never_asks_and_says_what_it_chose(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", "Europe/Berlin")  # pytest's stdin is no terminal: nothing may be asked

    result = run_cli(capsys, "init", str(tmp_path / "d"))

    assert result.code == 0, result.stderr
    assert load_config(tmp_path / "d" / "department.yaml").timezone == "Europe/Berlin"
    assert "Time zone: Europe/Berlin (this machine's; pass --timezone to choose another)" in result.stderr
    assert "Institution: Example School of Medicine (pass --institution NAME" in result.stderr


def test_init_never_overwrites_and_refuses_a_time_zone_that_is_no_iana_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = run_cli(capsys, "init", str(tmp_path / "d"), "--timezone", "UTC")
    before = (tmp_path / "d" / "department.yaml").read_bytes()
    again = run_cli(capsys, "init", str(tmp_path / "d"), "--timezone", "UTC")
    wrong = run_cli(capsys, "init", str(tmp_path / "e"), "--timezone", "Eastern Time")

    assert first.code == 0
    assert again.code == 2
    assert "already exists; nothing was changed" in again.stderr
    assert (tmp_path / "d" / "department.yaml").read_bytes() == before
    assert wrong.code == 2
    assert wrong.stderr.strip() == (
        "error: --timezone 'Eastern Time' is not an IANA time zone (for example America/New_York)"
    )
    assert not (tmp_path / "e").exists()


def test_mentorledger_config_works_for_every_command_that_takes_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = started(tmp_path, capsys)
    export = tmp_path / "hr.csv"
    export.write_text("email,name,department,rank\nben@x.edu,Ben,Peds,resident\n", encoding="utf-8")
    monkeypatch.setenv("MENTORLEDGER_CONFIG", str(config))
    monkeypatch.chdir(tmp_path)

    outcomes = {
        "validate": run_cli(capsys, "validate"),
        "hours": run_cli(capsys, "hours", "--format", "json"),
        "status": run_cli(capsys, "status", "--format", "json"),
        "import": run_cli(capsys, "import", "people", str(export), "--dry-run"),
        "report": run_cli(
            capsys, "report", "dossier", "--mentor", "ana@x.edu", "--format", "md", "--out", "o"
        ),
        "db": run_cli(capsys, "db", "where"),
    }

    assert outcomes["validate"].code == 0
    assert "1 people" in outcomes["validate"].stdout
    assert json.loads(outcomes["hours"].stdout)["mentors"] == []
    assert outcomes["status"].code == 1  # never synced: needs attention
    assert json.loads(outcomes["status"].stdout)["calendars"][0]["attention"] == "never synced"
    assert "+ ben@x.edu" in outcomes["import"].stdout
    assert outcomes["report"].code == 0, outcomes["report"].stderr
    assert outcomes["db"].stdout.strip() == (
        f"Ledger: {tmp_path / 'peds' / 'var' / 'mentorledger.db'} (beside the configuration file)"
    )


def test_no_configuration_at_all_is_one_line_naming_both_ways(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_cli(capsys, "hours")
    assert (result.code, result.stderr) == (
        2,
        "error: no configuration given: pass --config FILE.yaml or set MENTORLEDGER_CONFIG\n",
    )


def test_hours_for_someone_not_in_the_roster_exits_2_naming_the_roster(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = started(tmp_path, capsys)
    result = run_cli(capsys, "hours", "--config", str(config), "--mentor", "nobody@x.edu")
    assert result.code == 2
    assert result.stderr.strip() == (
        f"error: --mentor nobody@x.edu is not in people of {config}; check the address (or add them with "
        "`mentorledger import people`)"
    )


@pytest.mark.parametrize(
    "args",
    [
        ("hours", "--from", "2025-7-1"),
        ("hours", "--to", "07/01/2026"),
        ("report", "chair", "--department", "Peds", "--from", "2025-7-1"),
        ("report", "dossier", "--mentor", "ana@x.edu", "--to", "07/01/2026"),
    ],
)
def test_a_date_option_that_is_no_date_shows_the_format_with_an_example(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    config = started(tmp_path, capsys)
    flag, value = args[-2:]
    result = run_cli(capsys, *args, "--config", str(config))
    assert (result.code, result.stderr) == (
        2,
        f"error: {flag} {value!r} is not a date; write YYYY-MM-DD, e.g. 2026-03-01\n",
    )


def test_hours_before_any_sync_names_the_ledger_it_read_and_what_to_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = started(tmp_path, capsys)
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")

    result = run_cli(capsys, "hours", "--config", str(config))

    assert result.code == 0
    assert result.stderr.strip() == (
        f"None of the 1 calendars has been synced yet (ledger: {tmp_path / 'peds' / 'var' / 'mentorledger.db'}, "
        f"beside the configuration file); run `mentorledger sync --config {config}`."
    )
    assert not (tmp_path / "elsewhere" / "var").exists()


def test_an_old_ledger_in_the_current_folder_is_named_never_forked_and_moved_on_request(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = started(tmp_path, capsys)
    loaded = load_config(config)
    monkeypatch.chdir(tmp_path)
    old = Ledger.open(f"sqlite:///{tmp_path / 'var' / 'mentorledger.db'}")  # where 0.1 put it
    sync_batch(SyncContext(config=loaded, ledger=old, run_id="old"), loaded.calendars)
    dispose_all()

    hours = run_cli(capsys, "hours", "--config", str(config), "--format", "json")
    sync = run_cli(capsys, "sync", "--config", str(config))
    adopt = run_cli(capsys, "db", "adopt", "--config", str(config))
    after = run_cli(capsys, "hours", "--config", str(config), "--format", "json")

    advice = (
        "var/mentorledger.db (where ledgers used to be kept: ./var/ of the folder a command ran in) holds "
        f"1 calendar of this configuration, but its ledger is now {tmp_path / 'peds' / 'var' / 'mentorledger.db'}; "
        "move it there with `mentorledger db adopt --config peds/department.yaml`, or keep it where it is with "
        f"MENTORLEDGER_DATABASE_URL=sqlite:///{tmp_path / 'var' / 'mentorledger.db'}"
    )
    assert json.loads(hours.stdout)["mentors"] == []
    assert f"note: {advice}" in hours.stderr
    assert (sync.code, sync.stderr) == (2, f"error: {advice}\n")
    assert adopt.code == 0, adopt.stderr
    assert "the old file is kept as var/mentorledger.db.moved" in adopt.stdout
    assert [(m["email"], m["minutes"]) for m in json.loads(after.stdout)["mentors"]] == [("ana@x.edu", 60)]
    assert after.stderr == ""
    dispose_all()
