"""The send-group-invites flow and the ``invites`` command against the test-harness Prefect server."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from flows.send_group_invites import send_group_invites
from tests.clirunner import run_cli
from tests.invites import itip
from tests.invites.conftest import SmtpServer, department_yaml
from tests.invites.conftest import smtp_server as smtp_server  # the loopback SMTP fixture

pytestmark = pytest.mark.prefect


def department(tmp_path: Path, smtp_port: int | None = None, digest_hours: int = 0) -> Path:
    """A group whose first session is two days from now, fortnightly: two sessions in 28 days.
    The facilitator's digest is off unless asked for (two days is on the edge of its 48 hours)."""
    first = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=2)
    path = tmp_path / "dept.yaml"
    path.write_text(
        department_yaml(
            cadence="every 2 weeks",
            first_session=first.isoformat(),
            smtp_port=smtp_port,
            group_extra=f"    digest_hours_before: {digest_hours}\n",
        ),
        encoding="utf-8",
    )
    return path


def test_flow_writes_ics_eml_and_feed_without_sending(tmp_path: Path, database_url: str) -> None:
    out = tmp_path / "out"
    summary = send_group_invites(
        config_path=str(department(tmp_path)), send=False, out_dir=str(out), database_url=database_url
    )
    assert summary["mode"] == "out"
    assert (summary["requests"], summary["cancels"], summary["failed"]) == (2, 0, [])
    folder = out / "urim-circle"
    requests = sorted(folder.glob("*-request-seq0.ics"))
    assert len(requests) == 2
    assert len(list(folder.glob("*-request-seq0.eml"))) == 2
    assert len(list(folder.glob("*-publish-seq0-organizer.eml"))) == 2  # the organizer's own copies
    for path in requests:
        assert itip.problems(path.read_bytes(), method="REQUEST") == []
    assert itip.problems((folder / "urim-circle-feed.ics").read_bytes(), method="PUBLISH") == []


def test_flow_sends_once_and_a_rerun_sends_nothing(
    tmp_path: Path, database_url: str, smtp_server: SmtpServer
) -> None:
    config = str(department(tmp_path, smtp_port=smtp_server.port))
    first = send_group_invites(config_path=config, database_url=database_url)
    assert (first["requests"], first["unchanged"]) == (2, 0)
    assert len(smtp_server.handler.messages) == 4  # each session: the members' and the organizer's
    again = send_group_invites(config_path=config, database_url=database_url)
    assert (again["requests"], again["unchanged"]) == (0, 2)
    assert len(smtp_server.handler.messages) == 4


def test_invites_command_writes_to_out_invites_by_default_and_says_so(
    tmp_path: Path, database_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MENTORLEDGER_DATABASE_URL", database_url)
    monkeypatch.chdir(tmp_path)
    result = run_cli(capsys, "invites", "--config", str(department(tmp_path)))
    assert result.code == 0, result.stderr
    assert "writing the invites to out/invites" in result.stderr
    assert "urim-circle: 2 sessions ahead; wrote 2 invitation(s)" in result.stdout
    assert len(list((tmp_path / "out" / "invites" / "urim-circle").glob("*-request-*.eml"))) == 2
    shorter = run_cli(
        capsys, "invites", "--config", str(tmp_path / "dept.yaml"), "--horizon-days", "10", "--out", "soon"
    )
    assert "urim-circle: 1 sessions ahead; wrote 1 invitation(s)" in shorter.stdout
    assert len(list((tmp_path / "soon" / "urim-circle").glob("*-request-*.eml"))) == 1


def test_invites_command_sends_and_reports_failures_with_a_nonzero_exit(
    tmp_path: Path,
    database_url: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    smtp_server: SmtpServer,
) -> None:
    monkeypatch.setenv("MENTORLEDGER_DATABASE_URL", database_url)
    monkeypatch.chdir(tmp_path)
    config = str(department(tmp_path, smtp_port=smtp_server.port))
    smtp_server.handler.fail_first = 1
    smtp_server.handler.reply = "554 5.7.1 Rejected by policy"
    result = run_cli(capsys, "invites", "--config", config, "--send", "--group", "urim-circle")
    assert result.code == 1
    assert "1 message(s) could not be delivered" in result.stderr
    assert "554" in result.stderr
    assert "Traceback" not in result.stderr
    result = run_cli(capsys, "invites", "--config", config, "--send")
    assert result.code == 0, result.stderr
    assert "sent 1 invitation(s)" in result.stdout  # the one that failed, and only it
    assert len(smtp_server.handler.messages) == 4  # two sessions, each with the organizer's copy


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--send"], "no smtp section"),
        (["--send", "--out", "x"], "either --send or --out"),
        (["--group", "nope"], "no group 'nope'"),
    ],
)
def test_invites_command_mistakes_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    result = run_cli(capsys, "invites", "--config", str(department(tmp_path)), *args)
    assert result.code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_demo_also_writes_the_demo_groups_invites(
    tmp_path: Path, database_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from mentorledger.cli import demo
    from tests.conftest import ROOT

    monkeypatch.setattr(demo, "DEMO_CONFIG", ROOT / "config" / "examples" / "peer-groups.yaml")
    monkeypatch.setenv("MENTORLEDGER_DATABASE_URL", database_url)
    out = tmp_path / "out"
    result = run_cli(capsys, "demo", "--out", str(out))
    assert result.code == 0, result.stderr
    for group in ("urim-circle", "surgery-circle"):
        emails = list((out / "invites" / group).glob("*-request-seq0.eml"))
        assert emails, group
        assert (out / "invites" / group / f"{group}-feed.ics").is_file()
    assert f"feeds and files in {out / 'invites'}" in result.stdout


def test_the_smtp_password_comes_from_the_environment_or_a_secret_block(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import uuid

    from prefect.blocks.system import Secret

    from mentorledger.config import Smtp
    from mentorledger.errors import UserError
    from tasks.invites import smtp_password

    name = f"smtp-test-{uuid.uuid4().hex[:8]}"
    Secret(value="from-the-block").save(name)
    monkeypatch.delenv("MENTORLEDGER_SMTP_PASSWORD", raising=False)
    assert smtp_password(Smtp(host="mail.example.edu", password_secret=name)) == "from-the-block"
    assert smtp_password(Smtp(host="mail.example.edu")) is None
    monkeypatch.setenv("MENTORLEDGER_SMTP_PASSWORD", "from-the-env")
    assert smtp_password(Smtp(host="mail.example.edu", password_secret=name)) == "from-the-env"
    monkeypatch.delenv("MENTORLEDGER_SMTP_PASSWORD")
    with pytest.raises(UserError, match="no Prefect Secret block named"):
        smtp_password(Smtp(host="mail.example.edu", password_secret="no-such-block-here"))


def test_the_invites_command_reads_replies_first_and_shows_who_is_coming(
    tmp_path: Path,
    database_url: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    smtp_server: SmtpServer,
) -> None:
    """The whole loop through the CLI and the flow: invites out, an Outlook answer into a real IMAP
    mailbox, the next run reads it and the summary and the digest show it."""
    from mentorledger.invites.store import InviteStore
    from tests.invites.imapserver import running_imap
    from tests.invites.replycases import Answering, reply_message

    monkeypatch.setenv("MENTORLEDGER_DATABASE_URL", database_url)
    monkeypatch.chdir(tmp_path)
    path = department(tmp_path, smtp_port=smtp_server.port, digest_hours=96)
    with running_imap() as imap:
        monkeypatch.setenv("MENTORLEDGER_IMAP_USER", imap.user)
        monkeypatch.setenv("MENTORLEDGER_IMAP_PASSWORD", imap.password)
        section = f"imap: {{host: 127.0.0.1, port: {imap.port}, security: none}}\n"
        path.write_text(path.read_text(encoding="utf-8").replace("people:", section + "people:", 1))
        first = run_cli(capsys, "invites", "--config", str(path), "--send")
        assert first.code == 0, first.stderr
        token, session = sorted(InviteStore.open(database_url).sent("urim-circle").items())[0]
        answer = Answering(
            uid=session.uid,
            sequence=session.sequence,
            start=session.start,
            end=session.end,
            summary="URiM Peer Circle - session 1",
            attendee="ben@med.example.edu",
            attendee_name="Ben Okafor",
            organizer="ana@med.example.edu",
            organizer_name="Ana Ruiz",
            dtstamp=dt.datetime.now(dt.UTC),
        )
        imap.deliver(reply_message("outlook-accepted", answer))
        second = run_cli(capsys, "invites", "--config", str(path), "--send")
        assert second.code == 0, second.stderr
        assert "Replies: read 1 message(s): 1 answer(s) recorded" in second.stdout
        assert "next session" in second.stdout
        assert "2 coming, 0 maybe, 0 not coming, 4 not answered" in second.stdout
        assert len(imap.messages("mentorledger-processed")) == 1
    digests = [
        m for m in smtp_server.handler.messages if b"Subject: Who is coming" in m.data.split(b"\r\n\r\n")[0]
    ]
    assert len(digests) == 1  # the first session is two days away: its facilitator was told once
    assert InviteStore.open(database_url).answers("urim-circle")[token] == {"ben@med.example.edu": "ACCEPTED"}


def test_reading_replies_without_credentials_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MENTORLEDGER_IMAP_USER", raising=False)
    path = department(tmp_path)
    path.write_text(
        path.read_text(encoding="utf-8").replace("people:", "imap: {host: 127.0.0.1}\npeople:", 1)
    )
    result = run_cli(capsys, "invites", "--config", str(path))
    assert result.code == 2
    assert "MENTORLEDGER_IMAP_USER" in result.stderr
    assert "--no-replies" in result.stderr
    assert "Traceback" not in result.stderr
