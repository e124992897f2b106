"""The e-mail of a monthly notice (a mentor's digest, a mentee's request): plain text, From the
institution's mentorledger sender, To one person. Every header that carries configuration text (the
institution's and the person's names) is built by ``mentorledger.mailheaders``, like the invites'."""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid

from mentorledger.mailheaders import address_field, set_header, unstructured_field


def notice(
    *,
    sender: str,
    institution: str,
    to: tuple[str, str],
    subject: str,
    text: str,
    unsubscribe: str | None = None,
    date: dt.datetime | None = None,
) -> EmailMessage:
    """``to`` is (name, address); ``unsubscribe`` the address of the page that turns this kind off."""
    message = EmailMessage(policy=SMTP)
    set_header(message, "From", address_field("From", [(f"mentorledger, {institution}", sender)]))
    set_header(message, "To", address_field("To", [to]))
    set_header(message, "Subject", unstructured_field("Subject", subject))
    message["Date"] = format_datetime(date or dt.datetime.now(dt.UTC))
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"
    if unsubscribe:
        message["List-Unsubscribe"] = f"<{unsubscribe}>"
    message.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    return message
