"""``--out`` of every command that writes files: pointing at a file, below a file, or at a place that
cannot be written is one line naming the option and the path, exit status 2, and no traceback (the
check runs before any work, so no flow run starts). A missing folder is created, as the defaults are."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.clirunner import run_cli

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "config" / "demo" / "department.yaml"
MENTOR = "amara.okafor@riverside-med.example.edu"

COMMANDS = {
    "report chair": ["report", "chair", "--config", str(DEMO), "--department", "Pediatrics"],
    "report school": ["report", "school", "--config", str(DEMO)],
    "report dossier": ["report", "dossier", "--config", str(DEMO), "--mentor", MENTOR],
    "export json": ["export", "json", "--config", str(DEMO)],
    "export far": ["export", "far", "--config", str(DEMO)],
    "export watermark": ["export", "watermark", "--config", str(DEMO)],
    "invites": ["invites", "--config", str(DEMO), "--no-replies"],
    "demo": ["demo"],
}


def places(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """Bad --out values and what the one line must say about each."""
    a_file = tmp_path / "notes.txt"
    a_file.write_text("not a folder\n", encoding="utf-8")
    return {
        "a file": (a_file, "is a file, not a folder"),
        "below a file": (a_file / "reports", "cannot write the"),
        "unwritable": (Path("/proc/mentorledger-out"), "cannot write the"),
    }


@pytest.fixture(autouse=True)
def _ledger(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MENTORLEDGER_DATABASE_URL", database_url)


@pytest.mark.parametrize("place", ["a file", "below a file", "unwritable"])
@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_bad_out_is_one_line_and_no_traceback(
    command: str, place: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, says = places(tmp_path)[place]
    if command.startswith("export") and place == "a file":
        path = path.with_suffix("")  # an export --out with a suffix names the file to write
        path.write_text("a file without a suffix\n", encoding="utf-8")
    result = run_cli(capsys, *COMMANDS[command], "--out", str(path))
    assert result.code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: --out {path}")
    assert says in lines[0]
    assert "Traceback" not in result.stderr + result.stdout


def test_an_export_file_name_in_a_missing_folder_is_written_there(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "new" / "deeper" / "summaries.json"
    result = run_cli(capsys, *COMMANDS["export json"], "--out", str(target))
    assert result.code == 0, result.stderr
    assert target.is_file()
