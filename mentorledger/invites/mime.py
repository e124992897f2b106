"""iMIP (RFC 6047) e-mail for an invite, a cancellation or the organizer's copy.

Layout, the one Outlook, Gmail and Apple Mail all render as a meeting request:

    multipart/alternative
      text/plain; charset=utf-8                      the agenda, readable anywhere
      text/html; charset=utf-8                       the same agenda
      text/calendar; method=REQUEST; charset=UTF-8   the iTIP object (method equals METHOD inside)

From: the organizer. To: the recipients of that one message: the members for a REQUEST or CANCEL
(never the organizer: a REQUEST from oneself is filed by clients as an attendee's copy), the
organizer alone for their copy (METHOD:PUBLISH, see ``ics_build.build_organizer_copy``). When the
mail goes out through another account (``smtp.from_address``), that account is the Sender: and the
envelope sender, so the message still comes from the organizer in every client without forging
their envelope. Every header built from configuration text goes through ``mentorledger.mailheaders``
(encoded words decoded and defused, names encoded whole and folded between encoded words).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid

from mentorledger.invites.ics_build import Person
from mentorledger.mailheaders import address_field, set_header, unstructured_field


def itip_message(
    *,
    method: str,
    calendar: bytes,
    subject: str,
    text: str,
    html: str,
    organizer: Person,
    recipients: Sequence[Person],
    sender: str | None = None,
    date: dt.datetime | None = None,
) -> EmailMessage:
    """The e-mail carrying ``calendar`` (whose METHOD must be ``method``) to ``recipients``."""
    if f"\r\nMETHOD:{method}\r\n".encode() not in calendar:
        raise ValueError(f"the calendar's METHOD is not {method}")
    message = _headed(subject, organizer, recipients, sender, date)
    message.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
    message.add_alternative(
        calendar.decode("utf-8"),
        subtype="calendar",
        charset="utf-8",
        cte="7bit" if calendar.isascii() else "base64",  # lines are <= 75 octets; base64 for 8-bit text
        params={"method": method},
    )
    # After the content is set: set_content() clears every Content-* header.
    message["Content-Class"] = "urn:content-classes:calendarmessage"  # Outlook's hint
    *_, calendar_part = message.iter_parts()
    calendar_part.set_param("charset", "UTF-8")  # the spelling RFC 6047's examples use
    return message


def plain_message(
    *,
    subject: str,
    text: str,
    sender: Person,
    recipients: Sequence[Person],
    envelope_sender: str | None = None,
    date: dt.datetime | None = None,
) -> EmailMessage:
    """A plain-text notice (the facilitator's digest) with the same headers as invites."""
    message = _headed(subject, sender, recipients, envelope_sender, date)
    message.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    return message


def _headed(
    subject: str, author: Person, recipients: Sequence[Person], sender: str | None, date: dt.datetime | None
) -> EmailMessage:
    message = EmailMessage(policy=SMTP)
    set_header(message, "Subject", unstructured_field("Subject", subject))
    set_header(message, "From", address_field("From", [(author.name, author.email)]))
    if sender and sender != author.email:
        set_header(message, "Sender", address_field("Sender", [("", sender)]))
    set_header(message, "To", address_field("To", [(p.name, p.email) for p in recipients]))
    message["Date"] = format_datetime(date or dt.datetime.now(dt.UTC))
    message["Message-ID"] = make_msgid(domain=author.email.partition("@")[2])
    return message
