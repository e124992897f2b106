"""The effort-report and dossier-summary flows and the `report` commands, on the test Prefect server."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

from flows.dossier_summary import dossier_summary
from flows.effort_report import effort_report
from tests.clirunner import run_cli
from tests.reports.department import SECRET_TITLES, Department, email, sync_department, write_department
from tests.smtpserver import smtp_server

pytestmark = pytest.mark.prefect


@pytest.fixture
def synced(tmp_path: Path, database_url: str) -> Department:
    department = write_department(tmp_path / "dept")
    sync_department(department, database_url)
    return department


def artifacts_of(flow_run_id: object) -> dict[str, str]:
    async def read() -> dict[str, str]:
        async with get_client() as client:
            found = await client.read_artifacts(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
            )
            return {a.key or "": a.type or "" for a in found}

    return asyncio.run(read())


def test_effort_report_flow_writes_mails_and_publishes_artifacts(
    synced: Department, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with smtp_server() as inbox:
        monkeypatch.setenv("MENTORLEDGER_SMTP_PORT", str(inbox.port))  # the file says port 2525
        state = effort_report(
            config_path=str(synced.config_path),
            department="Pediatrics",
            date_from="2025-07-01",
            date_to="2026-06-30",
            formats=["html"],
            out_dir=str(tmp_path / "out"),
            email=True,
            database_url=database_url,
            return_state=True,
        )
    result = state.result()
    assert set(result["files"]) == {"html", "pdf", "xlsx"}  # e-mail adds its attachments
    assert all(Path(p).is_file() for p in result["files"].values())
    assert result["emailed"] == [email("chair"), email("vicechair")]
    assert sorted(r[0] for r, _ in inbox.messages) == [email("chair"), email("vicechair")]
    for _, message in inbox.messages:
        assert {p.get_filename() for p in message.iter_attachments()} == {
            Path(result["files"]["pdf"]).name,
            Path(result["files"]["xlsx"]).name,
        }
        body = message.get_body().get_content()
        assert f"Mentoring hours: {result['totals']['minutes'] / 60:.1f}" in body
        assert not any(title in body for title in SECRET_TITLES)
    assert artifacts_of(state.state_details.flow_run_id) == {
        "effort-report-pediatrics": "markdown",
        "effort-table-pediatrics": "table",
    }


def test_dossier_flow_writes_every_format_and_publishes_artifacts(
    synced: Department, database_url: str, tmp_path: Path
) -> None:
    state = dossier_summary(
        config_path=str(synced.config_path),
        mentor=email("ana"),
        out_dir=str(tmp_path / "dossiers"),
        database_url=database_url,
        return_state=True,
    )
    result = state.result()
    assert set(result["files"]) == {"docx", "pdf", "md"}
    assert result["window"] == {"start": "2024-07-01", "end": "2026-06-30"}
    assert artifacts_of(state.state_details.flow_run_id) == {
        "dossier-ana": "markdown",
        "dossier-hours-ana": "table",
    }


def test_report_commands_write_the_requested_formats(
    synced: Department,
    database_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MENTORLEDGER_DATABASE_URL", database_url)
    out = tmp_path / "out"
    chair = run_cli(
        capsys, "report", "chair", "--config", str(synced.config_path), "--department", "Pediatrics",
        "--from", "2025-07-01", "--to", "2026-06-30", "--format", "csv", "--format", "xlsx", "--out", str(out),
    )  # fmt: skip
    assert chair.code == 0, chair.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "effort-pediatrics-2025-07-01-2026-06-30.csv",
        "effort-pediatrics-2025-07-01-2026-06-30.xlsx",
    ]
    dossier = run_cli(
        capsys, "report", "dossier", "--config", str(synced.config_path), "--mentor", "ANA@med.example.edu",
        "--format", "md", "--out", str(out),
    )  # fmt: skip
    assert dossier.code == 0, dossier.stderr
    assert (out / "dossier-ana-2024-07-01-2026-06-30.md").is_file()
    assert "dossier-ana-2024-07-01-2026-06-30.md" in dossier.stdout


def test_report_command_runs_its_flow_when_a_prefect_server_is_configured(
    synced: Department,
    database_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from prefect.settings import PREFECT_API_URL

    monkeypatch.setenv("MENTORLEDGER_DATABASE_URL", database_url)
    monkeypatch.setenv("PREFECT_API_URL", str(PREFECT_API_URL.value()))  # the harness's server

    result = run_cli(
        capsys, "report", "chair", "--config", str(synced.config_path), "--department", "Pediatrics",
        "--format", "csv", "--out", str(tmp_path / "out"),
    )  # fmt: skip

    assert result.code == 0, result.stderr
    assert "temporary" not in result.stderr

    async def effort_runs() -> list[str]:
        async with get_client() as client:
            runs = await client.read_flow_runs()
            return [str(run.id) for run in runs if run.parameters.get("out_dir") == str(tmp_path / "out")]

    [run_id] = asyncio.run(effort_runs())
    assert artifacts_of(run_id) == {
        "effort-report-pediatrics": "markdown",
        "effort-table-pediatrics": "table",
    }


def test_report_commands_and_flows_take_an_as_of_date(
    tmp_path: Path, database_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.school_report import school_report
    from tests.reports.case_school import sync_case
    from tests.reports.outputs import csv_rows

    case = sync_case(tmp_path / "school", database_url)
    monkeypatch.setenv("MENTORLEDGER_DATABASE_URL", database_url)
    out = tmp_path / "out"
    school = run_cli(
        capsys, "report", "school", "--config", str(case.config_path), "--as-of", "2026-03-01",
        "--format", "csv", "--out", str(out),
    )  # fmt: skip
    assert school.code == 0, school.stderr
    rows = {r["Department"]: r for r in csv_rows(out / "effort-school-2025-07-01-2026-06-30.csv")}
    assert [rows[d]["Hours"] for d in ("Cardiology", "Dermatology", "Medicine")] == ["7.0", "8.0", "820.0"]
    chair = run_cli(
        capsys, "report", "chair", "--config", str(case.config_path), "--department", "Cardiology",
        "--as-of", "2026-03-02T00:30", "--format", "csv", "--out", str(out),
    )  # fmt: skip
    assert chair.code == 0, chair.stderr
    faculty = {r["E-mail"]: r for r in csv_rows(out / "effort-cardiology-2025-07-01-2026-06-30.csv")}
    assert faculty["ana@case.example.edu"]["Hours"] == "4.5"  # the late call has ended by 00:30
    result = school_report(
        config_path=str(case.config_path), as_of="2026-03-01", formats=["csv"], out_dir=str(tmp_path / "flow")
    )
    assert result["as_of"] == "2026-03-02T05:00:00+00:00"
    assert [d["minutes"] for d in result["departments"]] == [420, 480, 49200]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["school", "--as-of", "2026-02-30"],
            "--as-of '2026-02-30' is not a date or a date and time",
        ),
        (
            ["chair", "--department", "Cardiology", "--format", "pdf"],
            "no one in the configuration belongs to department 'Cardiology'",
        ),
        (["chair", "--department", "Pediatrics", "--format", "docx"], "'docx' is not one of"),
        (
            ["dossier", "--mentor", "zed@med.example.edu", "--format", "md"],
            "--mentor zed@med.example.edu is not in people",
        ),
        (
            ["dossier", "--mentor", "ana@med.example.edu", "--from", "2026-01-01", "--to", "2025-01-01"],
            "--to 2025-01-01 is before --from 2026-01-01",
        ),
    ],
)
def test_report_command_mistakes_are_one_line_without_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    department = write_department(tmp_path / "dept")
    command, *rest = args
    result = run_cli(
        capsys,
        "report",
        command,
        "--config",
        str(department.config_path),
        *rest,
        "--out",
        str(tmp_path / "o"),
    )
    assert result.code != 0
    assert message in " ".join(result.stderr.split())
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "o").exists()


def test_demo_step_writes_each_departments_report_and_the_busiest_mentors_dossier(
    synced: Department, database_url: str, tmp_path: Path
) -> None:
    from mentorledger.cli.demo import _demo_reports
    from mentorledger.hours import compute_hours
    from mentorledger.store.ledger import Ledger

    report = compute_hours(synced.config, Ledger.open(database_url))
    out = tmp_path / "out"
    _demo_reports(synced.config, report, database_url=database_url, out_dir=out)
    names = sorted(p.name for p in out.iterdir())
    window = f"{synced.config.window.start}-{synced.config.window.end}"
    # departments: lists only Pediatrics; the busiest mentor is Sam (Surgery, 100 h); the school
    # roll-up and the JSON summaries cover every department
    assert names == sorted(
        [f"effort-pediatrics-{window}.{ext}" for ext in ("csv", "html", "pdf", "xlsx")]
        + [f"effort-school-{window}.{ext}" for ext in ("csv", "html", "pdf", "xlsx")]
        + [f"mentor-summaries-{window}.json"]
        + [f"dossier-sam-{window}.{ext}" for ext in ("docx", "md", "pdf")]
    )
