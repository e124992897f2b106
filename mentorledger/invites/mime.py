"""iMIP (RFC 6047) e-mail for an invite or a cancellation.

Layout, the one Outlook, Gmail and Apple Mail all render as a meeting request:

    multipart/alternative
      text/plain; charset=utf-8                      the agenda, readable anywhere
      text/html; charset=utf-8                       the same agenda
      text/calendar; method=REQUEST; charset=UTF-8   the iTIP object (method equals METHOD inside)

From: the organizer. To: every recipient; for a REQUEST that is every member, the organizer included
(mentorledger sends on the organizer's behalf, so this is how the session reaches their own calendar;
their ATTENDEE entry is ACCEPTED, CHAIR, no RSVP). When the mail goes out through another account (the
``smtp.from_address``), that account is the Sender: and the envelope sender, so the message still comes
from the organizer in every client without forging their envelope. Header values are built with the
``email`` package's structured headers from names already stripped of line breaks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid

from mentorledger.invites.ics_build import Person
from mentorledger.invites.text import single_line


def _address(person: Person) -> Address:
    username, _, domain = person.email.partition("@")
    return Address(display_name=single_line(person.name), username=username, domain=domain)


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
    message = EmailMessage(policy=SMTP)
    message["Subject"] = single_line(subject)
    message["From"] = _address(organizer)
    if sender and sender != organizer.email:
        message["Sender"] = Address(addr_spec=sender)
    message["To"] = [_address(p) for p in recipients]
    message["Date"] = format_datetime(date or dt.datetime.now(dt.UTC))
    message["Message-ID"] = make_msgid(domain=organizer.email.partition("@")[2])
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
