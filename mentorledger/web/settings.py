"""What the web app needs from its environment, checked once at start-up with one-line errors.

Outside the demo it refuses to start without MENTORLEDGER_WEB_SECRET (it signs the session cookies),
without a way to sign in (a mail server for e-mail links, or ``web.oidc``), or with ``web.oidc`` but
no MENTORLEDGER_OIDC_CLIENT_SECRET. The demo signs with a random secret, serves loopback only, and
prints sign-in links on the terminal instead of sending them.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field

from mentorledger.config import Config
from mentorledger.errors import UserError
from mentorledger.smtp import FROM_ENV, SmtpSettings

SECRET_ENV = "MENTORLEDGER_WEB_SECRET"
OIDC_SECRET_ENV = "MENTORLEDGER_OIDC_CLIENT_SECRET"
MIN_SECRET_CHARS = 32


@dataclass(frozen=True)
class WebSettings:
    public_url: str  # links in e-mails and the OIDC redirect are built from it, never from Host
    demo: bool
    session_lifetime: dt.timedelta
    secret: str = field(repr=False)
    mail: SmtpSettings | None = None  # None: sign-in links are printed (demo) or not offered
    oidc_secret: str | None = field(default=None, repr=False)

    @property
    def https(self) -> bool:
        return self.public_url.lower().startswith("https://")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def web_settings(
    config: Config, *, host: str, port: int, demo: bool, environ: Mapping[str, str] | None = None
) -> WebSettings:
    """The checked settings, or a UserError saying in one line what is missing and what to do."""
    env = os.environ if environ is None else environ
    public_url = config.web.public_url or f"http://{host}:{port}"
    lifetime = dt.timedelta(hours=config.web.session_hours)
    oidc_secret = env.get(OIDC_SECRET_ENV) or None
    if demo:
        if not is_loopback(host):
            raise UserError(f"--demo serves loopback only; drop --host {host} or use 127.0.0.1")
        return WebSettings(
            public_url=f"http://{host}:{port}",
            demo=True,
            session_lifetime=lifetime,
            secret=secrets.token_urlsafe(32),
            oidc_secret=oidc_secret if config.web.oidc else None,
        )
    secret = env.get(SECRET_ENV, "")
    if not secret:
        raise UserError(
            f"{SECRET_ENV} is not set: the web app signs its session cookies with it; set it to a long "
            "random value (python -c 'import secrets; print(secrets.token_urlsafe(32))'), or try --demo"
        )
    if len(secret) < MIN_SECRET_CHARS:
        raise UserError(
            f"{SECRET_ENV} is too short ({len(secret)} characters); use at least {MIN_SECRET_CHARS}"
        )
    if config.web.oidc and not oidc_secret:
        raise UserError(f"web.oidc is configured but {OIDC_SECRET_ENV} is not set; set the client secret")
    mail = None
    if config.web.email_links:
        try:
            mail = SmtpSettings.from_config(config.smtp, environ=env)
        except UserError as exc:
            raise UserError(
                f"sign-in by e-mail link needs a mail server ({exc}); or set web.email_links: false and use web.oidc"
            ) from None
        if not mail.sender:
            raise UserError(f"sign-in e-mails need a sender: set smtp.from_address or {FROM_ENV}")
    elif not config.web.oidc:
        raise UserError("web.email_links is false and web.oidc is not configured: nobody could sign in")
    return WebSettings(
        public_url=public_url,
        demo=False,
        session_lifetime=lifetime,
        secret=secret,
        mail=mail,
        oidc_secret=oidc_secret,
    )
