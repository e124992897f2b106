"""Setting up Microsoft 365: the configuration's checks, where the app's credential comes from, the
endpoints, and the per-mailbox limits."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from mentorledger.config import check_config, load_config
from mentorledger.errors import SourceError
from mentorledger.sources.m365.credentials import load_credential
from mentorledger.sources.m365.limits import MailboxLimiter
from mentorledger.sources.m365.settings import endpoints
from mentorledger.sources.protocol import Runtime

HEAD = """\
institution: Test
timezone: America/New_York
people:
  - {email: ana@med.example.edu, name: Ana, department: Peds, rank: professor}
"""
APP = """\
microsoft:
  tenant_id: contoso.onmicrosoft.com
  client_id: 11111111-1111-1111-1111-111111111111
"""


def problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "dept.yaml"
    path.write_text(HEAD + textwrap.dedent(text), encoding="utf-8")
    found, _config = check_config(path)
    return found


def test_a_microsoft_calendar_needs_the_app_registration(tmp_path: Path) -> None:
    (line,) = problems(tmp_path, "calendars:\n  - {owner: ana@med.example.edu, m365: primary}\n")
    assert ":6: calendars[0].m365: a Microsoft 365 calendar needs the top-level microsoft: section" in line


def test_the_apps_secret_never_goes_in_the_file(tmp_path: Path) -> None:
    (line,) = problems(tmp_path, APP + "  client_secret: hunter2\n")
    assert ":5: microsoft: 'client_secret': the app's secret never goes in the configuration file" in line
    assert "hunter2" not in line


def test_microsoft_endpoints_must_be_https(tmp_path: Path) -> None:
    (line,) = problems(tmp_path, APP + "  authority: http://login.example.edu\n")
    assert "microsoft.authority: 'http://login.example.edu' is not an https URL" in line


def test_a_calendar_entry_names_exactly_one_source(tmp_path: Path) -> None:
    (line,) = problems(
        tmp_path,
        APP
        + "calendars:\n  - {owner: ana@med.example.edu, m365: primary, caldav: 'https://x.example.edu/c/'}\n",
    )
    assert ":9: calendars[0]: give exactly one of 'ics'" in line
    assert "'m365' (primary or a calendar id) or 'caldav' (a calendar collection URL)" in line


def test_errors_inside_an_entry_name_its_key_not_the_union_member(tmp_path: Path) -> None:
    line = problems(tmp_path, APP + "calendars:\n  - {owner: not-an-address, m365: primary}\n")[0]
    assert ":9: calendars[0].owner: 'not-an-address' is not a valid e-mail address" in line


def test_defaults_are_the_global_cloud(tmp_path: Path) -> None:
    path = tmp_path / "dept.yaml"
    path.write_text(HEAD + APP, encoding="utf-8")
    where = endpoints(load_config(path), environ={})
    assert (where.tenant_authority, where.graph, where.scope, where.requests_per_minute) == (
        "https://login.microsoftonline.com/contoso.onmicrosoft.com",
        "https://graph.microsoft.com/v1.0/",
        "https://graph.microsoft.com/.default",
        600,
    )
    assert not where.custom_authority


def test_an_http_override_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "dept.yaml"
    path.write_text(HEAD + APP, encoding="utf-8")
    with pytest.raises(SourceError, match="MENTORLEDGER_MICROSOFT_GRAPH_ENDPOINT"):
        endpoints(
            load_config(path), environ={"MENTORLEDGER_MICROSOFT_GRAPH_ENDPOINT": "http://127.0.0.1:9/v1.0/"}
        )


def test_the_credential_comes_from_a_secret_block_first() -> None:
    asked: list[str] = []

    def load_secret(name: str) -> Any:
        asked.append(name)
        return {"client_secret": "from-the-block"}

    env = {
        "MENTORLEDGER_MICROSOFT_CREDENTIALS_BLOCK": "m365-app",
        "MENTORLEDGER_MICROSOFT_CLIENT_SECRET": "env",
    }
    credential = load_credential(Runtime(load_secret=load_secret), environ=env)
    assert (credential.secret, credential.origin, asked) == (
        "from-the-block",
        "Prefect Secret block 'm365-app'",
        ["m365-app"],
    )
    assert "from-the-block" not in repr(credential)


def test_a_missing_block_says_what_to_do() -> None:
    def load_secret(name: str) -> Any:
        raise LookupError(name)

    with pytest.raises(
        SourceError, match="'m365-app' not found; create it or unset MENTORLEDGER_MICROSOFT_CREDENTIALS_BLOCK"
    ):
        load_credential(
            Runtime(load_secret=load_secret), environ={"MENTORLEDGER_MICROSOFT_CREDENTIALS_BLOCK": "m365-app"}
        )


def test_without_any_credential_the_error_names_the_variables() -> None:
    with pytest.raises(
        SourceError, match="set MENTORLEDGER_MICROSOFT_CLIENT_SECRET, MENTORLEDGER_MICROSOFT_CERTIFICATE"
    ):
        load_credential(Runtime(), environ={})


def test_a_certificate_file_without_its_key_is_refused(tmp_path: Path) -> None:
    pem = tmp_path / "cert.pem"
    pem.write_text("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", encoding="utf-8")
    with pytest.raises(SourceError, match="has no private key"):
        load_credential(Runtime(), environ={"MENTORLEDGER_MICROSOFT_CERTIFICATE": str(pem)})


def test_a_mailbox_gets_at_most_its_window_of_requests() -> None:
    now = [0.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    limiter = MailboxLimiter(per_window=3, window=600.0, clock=lambda: now[0], sleep=sleep)
    for step in (0.0, 10.0, 20.0, 30.0):
        now[0] = max(now[0], step)
        with limiter.request():
            pass
    assert waits == [570.0]  # the fourth waits until the first leaves the 10-minute window
