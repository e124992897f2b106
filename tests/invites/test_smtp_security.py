"""STARTTLS and login against a real SMTP server; credentials come from the environment, never shown."""

from __future__ import annotations

import datetime as dt
import ssl
from email.message import EmailMessage
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from mentorledger.config import Smtp
from mentorledger.retry import Backoff
from mentorledger.smtp import DeliveryError, SmtpSender, SmtpSettings
from tests.invites.conftest import running_smtp

QUICK = Backoff(attempts=2, base_seconds=0.01, cap_seconds=0.01, jitter=False)


def self_signed(tmp_path: Path) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A server context with a fresh certificate for 127.0.0.1, and a client context trusting only it."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    import ipaddress

    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
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
