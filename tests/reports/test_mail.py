"""Report e-mail over a real SMTP server (aiosmtpd on 127.0.0.1, a free port): one message per chair,
PDF and XLSX attached; settings from the file, overridden by the environment; an institution's CA.

Login, refusals, retries and unreachable servers are the shared sender's, tested in tests/invites."""

from __future__ import annotations

from pathlib import Path

import pytest

from mentorledger.config import Smtp
from mentorledger.errors import UserError
from mentorledger.reports.chair_data import ChairReport
from mentorledger.reports.delivery import build_message, chair_email_text, chair_messages
from mentorledger.retry import NO_RETRY
from mentorledger.smtp import DeliveryError, SmtpSender, SmtpSettings
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
        sender = SmtpSender(SmtpSettings(host=inbox.host, port=inbox.port, security="none", sender=SENDER))
        for chair, message in zip(chairs, messages, strict=True):
            sender.send(message, [chair])
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


def test_the_environment_overrides_the_file_and_holds_the_login() -> None:
    configured = Smtp(host="mail.example.edu", port=1, security="starttls", from_address=SENDER)
    settings = SmtpSettings.from_config(
        configured,
        environ={
            "MENTORLEDGER_SMTP_PORT": "2525",
            "MENTORLEDGER_SMTP_USER": "reports",
            "MENTORLEDGER_SMTP_PASSWORD": "s3cret-Pw",
        },
    )
    assert (settings.host, settings.port, settings.sender, settings.user) == (
        "mail.example.edu",
        2525,
        SENDER,
        "reports",
    )
    assert "s3cret" not in repr(settings)


def test_settings_need_a_host_and_default_the_port_to_the_security(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(UserError, match="no mail server configured"):
        SmtpSettings.from_config(None, environ={})
    with pytest.raises(UserError, match="MENTORLEDGER_SMTP_PORT='x' is not a port number"):
        SmtpSettings.from_config(Smtp(host="mail.example.edu"), environ={"MENTORLEDGER_SMTP_PORT": "x"})
    settings = SmtpSettings.from_config(Smtp(host="mail.example.edu", security="ssl"), environ={})
    assert (settings.port, settings.user) == (465, None)


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_an_institution_ca_bundle_lets_encrypted_submission_verify_the_server(
    security: str, tmp_path: Path
) -> None:
    certificate = self_signed_certificate(tmp_path)
    message = build_message(sender=SENDER, to=["c@med.example.edu"], subject="s", body="b")
    with smtp_server(user="reports", password="pw", tls=security, certificate=certificate) as inbox:
        environ = {
            "MENTORLEDGER_SMTP_HOST": inbox.host,
            "MENTORLEDGER_SMTP_PORT": str(inbox.port),
            "MENTORLEDGER_SMTP_SECURITY": security,
            "MENTORLEDGER_SMTP_USER": "reports",
            "MENTORLEDGER_SMTP_PASSWORD": "pw",
        }
        # without the institution's CA the server's certificate is refused...
        with pytest.raises(DeliveryError, match="could not reach the mail server"):
            SmtpSender(SmtpSettings.from_config(None, environ=environ), backoff=NO_RETRY).send(
                message, ["c@med.example.edu"]
            )
        # ...and with it the message goes through, after the login
        trusted = SmtpSettings.from_config(
            None, environ={**environ, "MENTORLEDGER_SMTP_CAFILE": str(certificate[0])}
        )
        SmtpSender(trusted, backoff=NO_RETRY).send(message, ["c@med.example.edu"])
    assert inbox.logins == ["reports"]
    assert len(inbox.messages) == 1


def test_the_chairs_mail_links_to_the_dashboard_and_gives_the_review_shares(cardiology: ChairReport) -> None:
    _, without = chair_email_text(cardiology)
    assert "dashboard" not in without
    subject, body = chair_email_text(cardiology, "https://mentoring.example.edu/chair/cardiology")
    assert "The dashboard, with the same numbers all month and every report format: " in body
    assert "https://mentoring.example.edu/chair/cardiology" in body
    assert "Of the hours: 0.0% confirmed by the mentor, 0.0% attested by mentees, 0.0% added by hand" in body
    assert subject.startswith("Mentoring effort report: Cardiology")
