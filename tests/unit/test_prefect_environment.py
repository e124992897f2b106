"""How commands that run flows set up Prefect: its log in a file beside the ledger unless --verbose, the
temporary server announced once, and a failed run turned into one line naming the log."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mentorledger.cli import flows as cli_flows
from mentorledger.cli.flows import (
    LOG_FILE_ENV,
    LOGGING_SETTINGS_ENV,
    RunFailedError,
    log_file,
    prefect_environment,
)
from mentorledger.config import Config, load_config
from mentorledger.errors import UserError


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Config:
    for name in ("MENTORLEDGER_DATABASE_URL", "MENTORLEDGER_HOME", "PREFECT_API_URL", LOGGING_SETTINGS_ENV):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(cli_flows, "_announced", False)
    path = tmp_path / "peds" / "department.yaml"
    path.parent.mkdir()
    path.write_text("institution: X\ntimezone: UTC\n", encoding="utf-8")
    return load_config(path)


def test_prefects_log_goes_to_a_file_beside_the_ledger_for_the_run_only(
    config: Config, tmp_path: Path
) -> None:
    with prefect_environment(config, verbose=False, what="sync") as log:
        assert log == tmp_path / "peds" / "var" / "logs" / "prefect.log"
        assert os.environ[LOG_FILE_ENV] == str(log)
        assert Path(os.environ[LOGGING_SETTINGS_ENV]).name == "logging.yml"
        assert os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] == "false"
    assert LOG_FILE_ENV not in os.environ  # the process's environment is as it was
    assert LOGGING_SETTINGS_ENV not in os.environ
    assert log_file(config, f"sqlite:///{tmp_path / 'demo' / 'demo-ledger.db'}") == (
        tmp_path / "demo" / "logs" / "prefect.log"
    )


def test_verbose_leaves_prefects_logging_as_it_is(config: Config) -> None:
    with prefect_environment(config, verbose=True, what="sync") as log:
        assert log is None
        assert LOGGING_SETTINGS_ENV not in os.environ


def test_the_temporary_server_is_announced_once(config: Config, capsys: pytest.CaptureFixture[str]) -> None:
    for _ in range(2):
        with prefect_environment(config, verbose=True, what="sync"):
            pass
    assert capsys.readouterr().err.count("No Prefect server configured (PREFECT_API_URL)") == 1


def test_a_failed_run_is_one_line_naming_the_log_and_a_users_mistake_passes_through(config: Config) -> None:
    with (
        pytest.raises(RunFailedError) as caught,
        prefect_environment(config, verbose=False, what="sync") as log,
    ):
        raise RuntimeError("the server went away")
    assert (
        str(caught.value) == f"the sync run failed (RuntimeError: the server went away); Prefect's log: {log}"
    )
    assert caught.value.exit_code == 1
    with (
        pytest.raises(UserError, match=r"^no group 'x'$"),
        prefect_environment(config, verbose=False, what="sync"),
    ):
        raise UserError("no group 'x'")
