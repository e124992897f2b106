"""Delivering a sign-in link: by e-mail through the project's SMTP sender, or (demo only) on the
terminal. Never logged: a link in a log would be a way in for whoever reads the log."""

from __future__ import annotations

import logging
import sys
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import make_msgid

from mentorledger.config import Config
from mentorledger.mailheaders import address_field, set_header, unstructured_field
from mentorledger.smtp import DeliveryError, SmtpSender
from mentorledger.store.web_auth import LINK_LIFETIME
from mentorledger.web.context import LinkDelivery
from mentorledger.web.settings import WebSettings

_log = logging.getLogger(__name__)


def link_message(*, sender: str, to: str, name: str, url: str, institution: str) -> EmailMessage:
    minutes = int(LINK_LIFETIME.total_seconds() // 60)
    message = EmailMessage(policy=SMTP)
    # The name comes from the configuration: built by mailheaders, so no encoded word or line break
    # in it can become a header of its own (and none makes the link impossible to send).
    set_header(message, "From", address_field("From", [("mentorledger", sender)]))
    set_header(message, "To", address_field("To", [(name, to)]))
    set_header(message, "Subject", unstructured_field("Subject", "Your mentorledger sign-in link"))
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(
        f"Hello {name},\n\n"
        f"Open this link to sign in to mentorledger ({institution}):\n\n{url}\n\n"
        f"It works once, within {minutes} minutes. If you did not ask for it, ignore this message:\n"
        "nobody can sign in without the link.\n"
    )
    return message


def smtp_delivery(settings: WebSettings, config: Config) -> LinkDelivery:
    assert settings.mail is not None
    assert settings.mail.sender
    mail, sender = settings.mail, settings.mail.sender

    def deliver(address: str, name: str, url: str) -> None:
        message = link_message(sender=sender, to=address, name=name, url=url, institution=config.institution)
        try:
            SmtpSender(mail).send(message, [address])
        except DeliveryError as exc:  # after the response: the person asks again; the reason is logged
            _log.warning("sign-in link to %s not delivered: %s", address, exc.reason)

    return deliver


def print_link(address: str, name: str, url: str) -> None:
    """Demo mode: the link goes to the terminal that runs the server, never to a log."""
    sys.stdout.write(f"Sign-in link for {name} <{address}>: {url}\n")
    sys.stdout.flush()
