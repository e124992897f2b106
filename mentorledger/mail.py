"""Sending report e-mail over SMTP (STARTTLS, SSL or plain), with files attached.

Self-contained on purpose: the host, port, security and sender come from the configuration's ``smtp``
section or the environment; the user name and password only from the environment
(MENTORLEDGER_SMTP_USER / MENTORLEDGER_SMTP_PASSWORD), never from a file, and they are never logged or
put in an error message.
"""

from __future__ import annotations

import mimetypes
import os
import smtplib
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from mentorledger.config import Smtp
from mentorledger.errors import UserError

HOST_ENV, PORT_ENV = "MENTORLEDGER_SMTP_HOST", "MENTORLEDGER_SMTP_PORT"
USER_ENV, PASSWORD_ENV = "MENTORLEDGER_SMTP_USER", "MENTORLEDGER_SMTP_PASSWORD"
SECURITY_ENV, FROM_ENV = "MENTORLEDGER_SMTP_SECURITY", "MENTORLEDGER_SMTP_FROM"
CAFILE_ENV = "MENTORLEDGER_SMTP_CAFILE"  # an institution's own CA bundle, when its mail server uses one
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
SECURITIES = ("starttls", "ssl", "none")


class MailError(UserError):
    """Mail could not be sent; the message says where and what to check, never the credentials."""


@dataclass(frozen=True, slots=True)
class MailSettings:
    host: str
    port: int
    security: str
    from_address: str
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    cafile: str | None = None


def mail_settings(configured: Smtp | None, environ: Mapping[str, str] | None = None) -> MailSettings:
    """Settings from the configuration, overridden by the environment; an error if no host or sender."""
    env = os.environ if environ is None else environ
    security = env.get(SECURITY_ENV) or (configured.security if configured else "starttls")
    if security not in SECURITIES:
        raise MailError(f"{SECURITY_ENV}={security!r} is not one of {', '.join(SECURITIES)}")
    host = env.get(HOST_ENV) or (configured.host if configured else None)
    sender = env.get(FROM_ENV) or (configured.from_address if configured else None)
    if not host or not sender:
        raise MailError(
            "no mail server configured: add smtp: {host, port, security, from_address} to the configuration "
            f"or set {HOST_ENV} and {FROM_ENV}"
        )
    raw_port = env.get(PORT_ENV)
    try:
        port = int(raw_port) if raw_port else (configured.port if configured and configured.port else None)
    except ValueError:
        raise MailError(f"{PORT_ENV}={raw_port!r} is not a port number") from None
    return MailSettings(
        host=host,
        port=port or DEFAULT_PORTS[security],
        security=security,
        from_address=sender,
        user=env.get(USER_ENV) or None,
        password=env.get(PASSWORD_ENV) or None,
        cafile=env.get(CAFILE_ENV) or None,
    )


def build_message(
    *, sender: str, to: Sequence[str], subject: str, body: str, attachments: Sequence[Path] = ()
) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, ", ".join(to), subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(body)
    for path in attachments:
        kind, _ = mimetypes.guess_type(path.name)
        maintype, subtype = (kind or "application/octet-stream").split("/", 1)
        message.add_attachment(path.read_bytes(), maintype=maintype, subtype=subtype, filename=path.name)
    return message


def send(settings: MailSettings, message: EmailMessage, *, timeout: float = 30) -> None:
    """Send one message; any failure becomes a MailError naming the server, not the credentials."""
    where = f"{settings.host}:{settings.port}"
    try:
        context = ssl.create_default_context(cafile=settings.cafile)  # verifies the server's certificate
        if settings.security == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=timeout, context=context
            )
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=timeout)
        with client:
            client.ehlo()
            if settings.security == "starttls":
                client.starttls(context=context)
                client.ehlo()
            if settings.user:
                client.login(settings.user, settings.password or "")
            client.send_message(message)
    except smtplib.SMTPAuthenticationError:
        raise MailError(
            f"the mail server {where} refused the login; check {USER_ENV} and {PASSWORD_ENV}"
        ) from None
    except smtplib.SMTPNotSupportedError as exc:
        raise MailError(f"the mail server {where} does not support {exc}; check smtp.security") from None
    except (smtplib.SMTPException, OSError) as exc:
        reason = exc.__class__.__name__ + (
            f": {exc.strerror}" if isinstance(exc, OSError) and exc.strerror else ""
        )
        raise MailError(
            f"could not send mail through {where} ({reason}); check smtp.host, port and security"
        ) from None
