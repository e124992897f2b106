"""The web app refuses to start without what it needs, saying so in one line; the demo needs nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from mentorledger.errors import UserError
from mentorledger.web.settings import SECRET_ENV, web_settings
from tests.clirunner import run_cli
from tests.web.department import write_department

GOOD = {SECRET_ENV: "s" * 40}


def test_no_secret_no_start_outside_the_demo(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_department(tmp_path, 2525)
    monkeypatch.delenv(SECRET_ENV, raising=False)
    monkeypatch.setenv("MENTORLEDGER_DATABASE_URL", f"sqlite:///{tmp_path / 'l.db'}")
    result = run_cli(capsys, "web", "--config", str(tmp_path / "department.yaml"))
    assert result.code == 2
    assert result.stderr.strip().count("\n") == 0
    assert f"{SECRET_ENV} is not set" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("env", "changes", "says"),
    [
        ({SECRET_ENV: "short"}, {}, "too short"),
        (GOOD, {"smtp": None}, "sign-in by e-mail link needs a mail server"),
        (GOOD, {"smtp": {"host": "mail.example.edu"}}, "need a sender"),
        (
            GOOD,
            {
                "web": {
                    "oidc": {
                        "metadata_url": "https://idp.example.edu/.well-known/openid-configuration",
                        "client_id": "c",
                    }
                }
            },
            "MENTORLEDGER_OIDC_CLIENT_SECRET is not set",
        ),
        (GOOD, {"web": {"email_links": False}}, "nobody could sign in"),
    ],
    ids=["short-secret", "no-mail-server", "no-sender", "sso-without-secret", "no-way-in"],
)
def test_what_the_app_needs_is_checked_at_start(
    tmp_path: Path, env: dict[str, str], changes: dict[str, object], says: str
) -> None:
    config = write_department(tmp_path, 2525, **changes)
    with pytest.raises(UserError, match=says):
        web_settings(config, host="127.0.0.1", port=8000, demo=False, environ=env)


def test_settings_take_the_public_url_and_https_from_the_configuration(tmp_path: Path) -> None:
    config = write_department(tmp_path, 2525, web={"public_url": "https://mentoring.example.edu/"})
    settings = web_settings(config, host="0.0.0.0", port=8000, demo=False, environ=GOOD)
    assert (settings.public_url, settings.https, settings.mail is not None) == (
        "https://mentoring.example.edu",
        True,
        True,
    )
    assert "s" * 40 not in repr(settings)


def test_the_demo_needs_no_secret_and_no_mail_but_stays_on_loopback(tmp_path: Path) -> None:
    config = write_department(tmp_path, 2525, smtp=None)
    demo = web_settings(config, host="127.0.0.1", port=8123, demo=True, environ={})
    assert (demo.demo, demo.public_url, demo.mail) == (True, "http://127.0.0.1:8123", None)
    assert len(demo.secret) >= 32
    with pytest.raises(UserError, match="loopback only"):
        web_settings(config, host="0.0.0.0", port=8123, demo=True, environ={})
