"""Running a Prefect flow from the command line, quietly and honestly.

Commands that run flows (sync, resync, invites, demo, and reports when a server is configured) import
Prefect only here, after its environment is set: quiet, loss-free local runs; Prefect's own log in a
file beside the ledger (``var/logs/prefect.log``) unless ``--verbose``; and, when no server is
configured, one line saying that a temporary one is started for this run (the only slow part).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mentorledger.cli.app import err
from mentorledger.config import Config
from mentorledger.errors import UserError
from mentorledger.store.location import locate_ledger, state_dir

# Quiet, loss-free local Prefect runs wherever the command is started (pyproject.toml's [tool.prefect]
# only applies inside the repository). Explicit environment settings still win.
PREFECT_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE": "100",
    "PREFECT_LOGGING_EXTRA_LOGGERS": "mentorledger",
    "PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW": "ignore",
    # The temporary server takes ~10 s to start, far more on a busy machine; the default gives up at 20 s.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
}
LOGGING_SETTINGS_ENV = "PREFECT_LOGGING_SETTINGS_PATH"
# flows/logging.yml names its file handler "file"; Prefect lets the environment set any of its keys.
LOG_FILE_ENV = "PREFECT_LOGGING_HANDLERS_FILE_FILENAME"
TEMPORARY_SERVER = (
    "No Prefect server configured (PREFECT_API_URL): starting a temporary one for this run, which "
    "takes a few seconds; run `prefect server start` and set PREFECT_API_URL to skip this."
)

_announced = False


class RunFailedError(UserError):
    """A flow run failed for a reason that is not the user's input; its log says why."""

    exit_code = 1


def log_file(config: Config, database_url: str | None = None) -> Path:
    """Where Prefect's log goes: beside the run's SQLite ledger (``logs/prefect.log`` next to it), else
    in the configuration's state folder (a PostgreSQL ledger has no folder of its own)."""
    ledger = locate_ledger(database_url, config_path=config.source_path).sqlite_path
    folder = ledger.parent if ledger is not None else state_dir(config.source_path)
    return folder / "logs" / "prefect.log"


@contextmanager
def prefect_environment(
    config: Config, *, verbose: bool, what: str, database_url: str | None = None
) -> Iterator[Path | None]:
    """Set Prefect's environment before it is imported, announce a temporary server once, and turn an
    unexpected failure of the run into one line naming the log file. Yields the log file (None with
    ``--verbose`` or a logging configuration of the user's own)."""
    saved = dict(os.environ)
    for key, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(key, value)
    log: Path | None = None
    if not verbose and LOGGING_SETTINGS_ENV not in os.environ:
        log = log_file(config, database_url)
        log.parent.mkdir(parents=True, exist_ok=True)
        os.environ[LOGGING_SETTINGS_ENV] = str(_logging_settings())
        os.environ[LOG_FILE_ENV] = str(log)
    _announce_temporary_server()
    try:
        yield log
    except UserError:
        raise
    except Exception as exc:
        where = f"; Prefect's log: {log}" if log is not None else ""
        raise RunFailedError(f"the {what} run failed ({type(exc).__name__}: {exc}){where}") from exc
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _logging_settings() -> Path:
    import flows  # the package only: Prefect itself is imported later, by the flow

    return Path(flows.__file__).resolve().parent / "logging.yml"


def _announce_temporary_server() -> None:
    global _announced
    if not os.environ.get("PREFECT_API_URL") and not _announced:
        err.print(TEMPORARY_SERVER, highlight=False, soft_wrap=True)
        _announced = True


def server_configured() -> bool:
    return bool(os.environ.get("PREFECT_API_URL"))
