"""STARTTLS and login against a real SMTP server; credentials come from the environment, never shown."""

from __future__ import annotations

import ssl
from email.message import EmailMessage
from pathlib import Path

import pytest

from mentorledger.config import Smtp
from mentorledger.retry import Backoff
from mentorledger.smtp import DeliveryError, SmtpSender, SmtpSettings
from tests.invites.conftest import running_smtp
from tests.smtpserver import self_signed_certificate

QUICK = Backoff(attempts=2, base_seconds=0.01, cap_seconds=0.01, jitter=False)


def self_signed(tmp_path: Path) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A server context with a fresh certificate for 127.0.0.1, and a client context trusting only it."""
    cert_file, key_file = self_signed_certificate(tmp_path)
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert_file, key_file)
    client = ssl.create_default_context(cafile=str(cert_file))
    return server, client


def message() -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = "ana@med.example.edu"
    mail["To"] = "ben@med.example.edu"
    mail["Subject"] = "test"
    mail.set_content("hello")
    return mail


def test_starttls_then_login_with_credentials_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server_tls, client_tls = self_signed(tmp_path)
    monkeypatch.setenv("MENTORLEDGER_SMTP_USER", "invites-bot")
    monkeypatch.setenv("MENTORLEDGER_SMTP_PASSWORD", "correct horse")
    with running_smtp(tls_context=server_tls, require_starttls=True) as server:
        settings = SmtpSettings.from_config(Smtp(host="127.0.0.1", port=server.port, security="starttls"))
        SmtpSender(settings, backoff=QUICK, tls_context=client_tls).send(message(), ["ben@med.example.edu"])
        [received] = server.handler.messages
    assert received.over_tls
    assert received.login == "invites-bot"


def test_a_wrong_password_fails_at_once_without_revealing_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server_tls, client_tls = self_signed(tmp_path)
    monkeypatch.setenv("MENTORLEDGER_SMTP_USER", "invites-bot")
    monkeypatch.setenv("MENTORLEDGER_SMTP_PASSWORD", "wrong-secret-123")
    sleeps: list[float] = []
    with running_smtp(tls_context=server_tls, require_starttls=True) as server:
        settings = SmtpSettings.from_config(Smtp(host="127.0.0.1", port=server.port, security="starttls"))
        sender = SmtpSender(settings, backoff=QUICK, sleep=sleeps.append, tls_context=client_tls)
        with pytest.raises(DeliveryError) as caught:
            sender.send(message(), ["ben@med.example.edu"])
        assert server.handler.messages == []
    assert not caught.value.transient
    assert sleeps == []
    assert "refused the login" in caught.value.reason
    assert "wrong-secret-123" not in caught.value.reason
    assert "wrong-secret-123" not in repr(settings)


def test_an_untrusted_certificate_is_refused(tmp_path: Path) -> None:
    server_tls, _client = self_signed(tmp_path)
    with running_smtp(tls_context=server_tls, require_starttls=True) as server:
        settings = SmtpSettings(host="127.0.0.1", port=server.port, security="starttls", timeout=5)
        with pytest.raises(DeliveryError):
            SmtpSender(settings, backoff=QUICK, sleep=lambda _s: None).send(
                message(), ["ben@med.example.edu"]
            )
        assert server.handler.messages == []
