"""Sending e-mail over SMTP (invites and chair reports): STARTTLS, implicit TLS or plain (for a local
relay), with retries.

Settings come from the configuration's ``smtp`` section, each overridable from the environment
(MENTORLEDGER_SMTP_HOST, _PORT, _SECURITY, _FROM, _CAFILE). Credentials come from
MENTORLEDGER_SMTP_USER / MENTORLEDGER_SMTP_PASSWORD, or are handed in by the Prefect task that resolved
a Secret block; they are never logged and never part of an error message.
Transient failures (connection refused or dropped, timeouts, 4xx replies) are retried with the
project's capped backoff; permanent ones (5xx, authentication) fail at once. A message counts as sent
only when the server accepted it for every recipient.

Before a message goes out, its serialised header block is checked against the fields it declares
(``mailheaders.check_headers``): a message whose configuration text managed to add a field (a
``Bcc:`` smuggled in through an encoded word, say) is refused, never sent. The envelope sender from
the environment is checked to be a plain address for the same reason.
"""

from __future__ import annotations

import os
import smtplib
import ssl
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage

from mentorledger.config import Smtp
from mentorledger.errors import UserError
from mentorledger.mailheaders import check_headers
from mentorledger.retry import Backoff, call_with_retries

USER_ENV = "MENTORLEDGER_SMTP_USER"
PASSWORD_ENV = "MENTORLEDGER_SMTP_PASSWORD"
HOST_ENV, PORT_ENV = "MENTORLEDGER_SMTP_HOST", "MENTORLEDGER_SMTP_PORT"
SECURITY_ENV, FROM_ENV = "MENTORLEDGER_SMTP_SECURITY", "MENTORLEDGER_SMTP_FROM"
CAFILE_ENV = "MENTORLEDGER_SMTP_CAFILE"  # an institution's own CA bundle, when its mail server uses one
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}


class DeliveryError(Exception):
    """A message could not be delivered; ``reason`` is safe to show and store (no credentials)."""

    def __init__(self, reason: str, *, transient: bool) -> None:
        self.reason = reason
        self.transient = transient
        super().__init__(reason)


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str  # starttls | ssl | none
    sender: str | None = None  # envelope sender; default the message's From
    user: str | None = field(default=None, repr=False)
    password: str | None = field(default=None, repr=False)
    timeout: float = 30.0
    cafile: str | None = None

    @classmethod
    def from_config(
        cls, smtp: Smtp | None, *, password: str | None = None, environ: Mapping[str, str] | None = None
    ) -> SmtpSettings:
        """Settings from the YAML's ``smtp`` block, each overridden by the environment (and the password
        by ``password``); a UserError if no mail server is configured either way."""
        env = os.environ if environ is None else environ
        security = env.get(SECURITY_ENV) or (smtp.security if smtp else "starttls")
        if security not in DEFAULT_PORTS:
            raise UserError(f"{SECURITY_ENV}={security!r} is not one of {', '.join(DEFAULT_PORTS)}")
        host = env.get(HOST_ENV) or (smtp.host if smtp else None)
        if not host:
            raise UserError(
                f"no mail server configured: add smtp: {{host, port, security}} to the configuration or set {HOST_ENV}"
            )
        raw_port = env.get(PORT_ENV)
        try:
            port = int(raw_port) if raw_port else (smtp.port if smtp else None)
        except ValueError:
            raise UserError(f"{PORT_ENV}={raw_port!r} is not a port number") from None
        return cls(
            host=host,
            port=port or DEFAULT_PORTS[security],
            security=security,
            sender=_plain_address(env.get(FROM_ENV)) or (smtp.from_address if smtp else None),
            user=env.get(USER_ENV) or None,
            password=password or env.get(PASSWORD_ENV) or None,
            cafile=env.get(CAFILE_ENV) or None,
        )


def _plain_address(value: str | None) -> str | None:
    """The environment's sending address, if it is one plain address (no name, no line break)."""
    if not value:
        return None
    local, at, domain = value.strip().rpartition("@")
    if not at or not local or "." not in domain or not value.isascii() or not value.strip().isprintable():
        raise UserError(
            f"{FROM_ENV} is not an e-mail address; give one plain address such as invites@med.example.edu"
        )
    if any(c in value.strip() for c in ' <>(),;:"[]\\'):
        raise UserError(
            f"{FROM_ENV} is not an e-mail address; give one plain address such as invites@med.example.edu"
        )
    return value.strip().lower()


def _classify(exc: BaseException) -> DeliveryError:
    if isinstance(exc, DeliveryError):
        return exc
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return DeliveryError(
            f"the mail server refused the login ({exc.smtp_code}); check {USER_ENV} and the password",
            transient=False,
        )
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = sorted({code for code, _ in exc.recipients.values()})
        return DeliveryError(
            f"the mail server refused all recipients ({', '.join(map(str, codes))})",
            transient=all(400 <= c < 500 for c in codes),
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        detail = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else ""
        return DeliveryError(
            f"the mail server answered {exc.smtp_code} {detail[:120]}".strip(),
            transient=400 <= exc.smtp_code < 500,
        )
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return DeliveryError("the mail server closed the connection", transient=True)
    if isinstance(exc, smtplib.SMTPException):  # e.g. STARTTLS not offered: retrying will not help
        return DeliveryError(f"mail error ({exc.__class__.__name__}: {exc})", transient=False)
    if isinstance(exc, OSError):  # refused, reset, timed out, TLS failure
        return DeliveryError(f"could not reach the mail server ({exc.__class__.__name__})", transient=True)
    raise exc


class SmtpSender:
    """Sends messages through one SMTP server; one connection per message, so a retry starts clean."""

    def __init__(
        self,
        settings: SmtpSettings,
        *,
        backoff: Backoff | None = None,
        sleep: Callable[[float], None] = time.sleep,
        tls_context: ssl.SSLContext | None = None,
    ) -> None:
        self.settings = settings
        # Verifies the server's certificate (against the institution's CA bundle when one is given).
        self.tls_context = tls_context or ssl.create_default_context(cafile=settings.cafile)
        self.backoff = backoff or Backoff(attempts=4, base_seconds=2.0, cap_seconds=60.0)
        self.sleep = sleep

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        if s.security == "ssl":
            return smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=self.tls_context)
        client = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        if s.security == "starttls":
            client.starttls(context=self.tls_context)
        return client

    def _send_once(self, message: EmailMessage, recipients: Sequence[str]) -> None:
        with self._connect() as client:
            if self.settings.user and self.settings.password:
                client.login(self.settings.user, self.settings.password)
            refused = client.send_message(message, from_addr=self.settings.sender, to_addrs=list(recipients))
        if refused:
            codes = sorted({code for code, _ in refused.values()})
            raise DeliveryError(
                f"the mail server refused {len(refused)} of {len(recipients)} recipients "
                f"({', '.join(map(str, codes))})",
                transient=all(400 <= c < 500 for c in codes),
            )

    def send(self, message: EmailMessage, recipients: Sequence[str]) -> None:
        """Deliver ``message`` to ``recipients``; raise DeliveryError once retries are exhausted."""
        try:
            check_headers(message)
        except ValueError as exc:
            raise DeliveryError(
                f"refused to send a message with unexpected headers ({exc})", transient=False
            ) from None

        def attempt() -> None:
            try:
                self._send_once(message, recipients)
            except Exception as exc:
                raise _classify(exc) from None

        call_with_retries(
            attempt,
            policy=self.backoff,
            retry_after=lambda exc: 0.0 if isinstance(exc, DeliveryError) and exc.transient else None,
            sleep=self.sleep,
        )
