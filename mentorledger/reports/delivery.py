"""E-mail of a chair report: one message per chair, with the PDF and XLSX attached.

The body repeats the headline numbers (from the same report object) so a chair sees them without
opening an attachment; it names no faculty member. The headers (the department's name is in the
Subject) are built by ``mentorledger.mailheaders``, like the invites', so no configuration text can add
a header field.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Sequence
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate, make_msgid
from pathlib import Path
from zoneinfo import ZoneInfo

from mentorledger.config import Config
from mentorledger.errors import UserError
from mentorledger.mailheaders import address_field, set_header, unstructured_field
from mentorledger.reports.chair_data import ChairReport
from mentorledger.reports.formatting import decimal, fte, hours, percent, share, through

ATTACHED_FORMATS = ("pdf", "xlsx")


def chairs_of(config: Config, department: str) -> list[str]:
    for entry in config.departments:
        if entry.name.casefold() == department.casefold() and entry.chairs:
            return list(entry.chairs)
    raise UserError(
        f"no chairs configured for department {department!r}; add it under departments: "
        "[{name, chairs: [e-mail]}] in the configuration"
    )


def chair_email_text(report: ChairReport, dashboard: str | None = None) -> tuple[str, str]:
    """Subject and body of the chairs' e-mail: headline numbers only, no names; ``dashboard`` is the
    address of the department's page in the web app (from ``web.public_url``), when there is one."""
    t, d, tz = report.totals, report.distribution, ZoneInfo(report.timezone)
    spread = (
        f"Gini coefficient {decimal(d.gini, 3)}; the top 10% of mentors carry {percent(d.top10_share)} of the hours"
        if d is not None
        else (report.distribution_note or "")
    )
    failing = t.by_status["failing"]
    body = "\n".join(
        [
            f"Mentoring effort report for {report.department}, {report.window.start} to {report.window.end}; "
            f"data through {through(report.data_through, tz)}.",
            "",
            f"People: {t.people}, of whom {t.with_data} with data; mentors with data: {t.mentors}",
            *([f"Calendars failing: {failing} (see the report for since when)"] if failing else []),
            f"Mentoring hours: {hours(t.minutes)} (FTE equivalent {fte(t.fte_equivalent)}; "
            f"FTE basis {report.fte_basis_hours:g} hours per 1.0 FTE per year)",
            f"Credited hours: {hours(t.credited_minutes)}; uncredited hours: {hours(t.uncredited_minutes)}",
            spread,
            f"Flagged for credit review: {'left out' if t.flagged is None else t.flagged}",
            f"Of the hours: {share(t.share(t.confirmed_minutes)) or '-'} confirmed by the mentor, "
            f"{share(t.share(t.attested_minutes)) or '-'} attested by mentees, "
            f"{share(t.share(t.manual_minutes)) or '-'} added by hand",
            "",
            *(
                [f"The dashboard, with the same numbers all month and every report format: {dashboard}", ""]
                if dashboard
                else []
            ),
            "The PDF and the spreadsheet are attached. Sent by mentorledger.",
            *(["To stop this monthly e-mail, sign in and choose E-mails."] if dashboard else []),
        ]
    )
    subject = f"Mentoring effort report: {report.department}, {report.window.start} to {report.window.end}"
    return subject, body


def chair_messages(
    subject: str, body: str, files: dict[str, Path], chairs: list[str], sender: str
) -> list[EmailMessage]:
    """One message per chair, so no chair's address is shown to another."""
    missing = [fmt for fmt in ATTACHED_FORMATS if fmt not in files]
    if missing:
        raise UserError(f"e-mail needs the {' and '.join(missing)} report; include it in the formats")
    return [
        build_message(
            sender=sender,
            to=[chair],
            subject=subject,
            body=body,
            attachments=[files[fmt] for fmt in ATTACHED_FORMATS],
        )
        for chair in chairs
    ]


def build_message(
    *, sender: str, to: Sequence[str], subject: str, body: str, attachments: Sequence[Path] = ()
) -> EmailMessage:
    message = EmailMessage(policy=SMTP)
    set_header(message, "From", address_field("From", [("", sender)]))
    set_header(message, "To", address_field("To", [("", address) for address in to]))
    set_header(message, "Subject", unstructured_field("Subject", subject))
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(body)
    for path in attachments:
        kind, _ = mimetypes.guess_type(path.name)
        maintype, subtype = (kind or "application/octet-stream").split("/", 1)
        message.add_attachment(path.read_bytes(), maintype=maintype, subtype=subtype, filename=path.name)
    return message
