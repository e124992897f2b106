"""Report e-mail over a real SMTP server (aiosmtpd on 127.0.0.1, a free port): one message per chair,
PDF and XLSX attached, credentials only from the environment and never in an error."""

from __future__ import annotations

from pathlib import Path

import pytest

from mentorledger.config import Smtp
from mentorledger.errors import UserError
from mentorledger.mail import MailError, MailSettings, build_message, mail_settings, send
from mentorledger.reports.delivery import chair_messages
from tests.smtpserver import self_signed_certificate, smtp_server

SENDER = "reports@med.example.edu"


def attachments(tmp_path: Path) -> dict[str, Path]:
    pdf, xlsx = tmp_path / "effort.pdf", tmp_path / "effort.xlsx"
    pdf.write_bytes(b"%PDF-1.7 test")
    xlsx.write_bytes(b"PK\x03\x04 test")
    return {"pdf": pdf, "xlsx": xlsx}


def test_each_chair_gets_one_message_with_the_pdf_and_xlsx(tmp_path: Path) -> None:
    chairs = ["chair@med.example.edu", "vice@med.example.edu"]
    messages = chair_messages("Effort report", "Totals ...", attachments(tmp_path), chairs, SENDER)
    with smtp_server() as inbox:
        settings = MailSettings(host=inbox.host, port=inbox.port, security="none", from_address=SENDER)
        for message in messages:
            send(settings, message)
    assert [rcpts for rcpts, _ in inbox.messages] == [[chairs[0]], [chairs[1]]]
    for _, message in inbox.messages:
        assert message["From"] == SENDER
        assert message["Subject"] == "Effort report"
        parts = {part.get_filename(): part for part in message.iter_attachments()}
        assert set(parts) == {"effort.pdf", "effort.xlsx"}
        assert parts["effort.pdf"].get_content_type() == "application/pdf"
        assert parts["effort.pdf"].get_content() == b"%PDF-1.7 test"
        assert parts["effort.xlsx"].get_content_type().endswith("spreadsheetml.sheet")


def test_e_mail_needs_both_attachments(tmp_path: Path) -> None:
    files = attachments(tmp_path)
    del files["xlsx"]
    with pytest.raises(UserError, match="needs the xlsx report"):
        chair_messages("s", "b", files, ["c@med.example.edu"], SENDER)


def test_login_uses_the_environment_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    with smtp_server(user="reports", password="s3cret-Pw") as inbox:
        monkeypatch.setenv("MENTORLEDGER_SMTP_USER", "reports")
        monkeypatch.setenv("MENTORLEDGER_SMTP_PASSWORD", "s3cret-Pw")
        monkeypatch.setenv("MENTORLEDGER_SMTP_PORT", str(inbox.port))
        configured = Smtp(host=inbox.host, port=1, security="none", from_address=SENDER)
        settings = mail_settings(configured)
        assert settings.port == inbox.port  # the environment wins over the file
        assert "s3cret" not in repr(settings)
        send(settings, build_message(sender=SENDER, to=["c@med.example.edu"], subject="s", body="b"))
    assert inbox.logins == ["reports"]
    assert len(inbox.messages) == 1


def test_a_refused_login_names_the_variables_not_the_password() -> None:
    with smtp_server(user="reports", password="right") as inbox:
        settings = MailSettings(
            inbox.host, inbox.port, "none", SENDER, user="reports", password="wrong-Pw-123"
        )
        with pytest.raises(MailError) as caught:
            send(settings, build_message(sender=SENDER, to=["c@med.example.edu"], subject="s", body="b"))
    assert "MENTORLEDGER_SMTP_PASSWORD" in str(caught.value)
    assert "wrong-Pw-123" not in str(caught.value)
    assert inbox.messages == []


def test_starttls_against_a_server_without_it_is_a_readable_error() -> None:
    with smtp_server() as inbox:
        settings = MailSettings(inbox.host, inbox.port, "starttls", SENDER)
        with pytest.raises(MailError, match=rf"{inbox.port} does not support .*STARTTLS.*smtp.security"):
            send(settings, build_message(sender=SENDER, to=["c@med.example.edu"], subject="s", body="b"))


def test_an_unreachable_server_is_a_readable_error() -> None:
    with smtp_server() as inbox:
        port = inbox.port
    settings = MailSettings("127.0.0.1", port, "none", SENDER)  # the server has stopped
    with pytest.raises(MailError, match=rf"could not send mail through 127.0.0.1:{port}"):
        send(
            settings, build_message(sender=SENDER, to=["c@med.example.edu"], subject="s", body="b"), timeout=5
        )


def test_settings_need_a_host_and_a_sender(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HOST", "PORT", "FROM", "SECURITY", "USER", "PASSWORD"):
        monkeypatch.delenv(f"MENTORLEDGER_SMTP_{name}", raising=False)
    with pytest.raises(MailError, match="no mail server configured"):
        mail_settings(None)
    settings = mail_settings(Smtp(host="mail.example.edu", security="ssl", from_address=SENDER))
    assert (settings.port, settings.user) == (465, None)


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_encrypted_submission_verifies_the_certificate_and_logs_in(
    security: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    certificate = self_signed_certificate(tmp_path)
    with smtp_server(user="reports", password="pw", tls=security, certificate=certificate) as inbox:
        for name, value in {
            "HOST": inbox.host,
            "PORT": str(inbox.port),
            "SECURITY": security,
            "FROM": SENDER,
            "USER": "reports",
            "PASSWORD": "pw",
        }.items():
            monkeypatch.setenv(f"MENTORLEDGER_SMTP_{name}", value)
        message = build_message(sender=SENDER, to=["c@med.example.edu"], subject="s", body="b")
        # without the institution's CA the server's certificate is refused...
        with pytest.raises(MailError, match="could not send mail"):
            send(mail_settings(None), message, timeout=5)
        # ...and with it the message goes through, after the login
        monkeypatch.setenv("MENTORLEDGER_SMTP_CAFILE", str(certificate[0]))
        send(mail_settings(None), message, timeout=5)
    assert inbox.logins == ["reports"]
    assert len(inbox.messages) == 1
