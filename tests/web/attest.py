"""Helpers for the attestation pages: send the month's requests to the test inbox, find their links."""

from __future__ import annotations

import datetime as dt
import re

from mentorledger.digests.send import Mailing, MailingResult, attestation_requests, mentor_digests, month_of
from mentorledger.smtp import SmtpSender, SmtpSettings
from tests.smtpserver import Inbox
from tests.web.department import Site

MAILED_AT = dt.datetime(2025, 11, 1, 12, tzinfo=dt.UTC)  # the web department's sessions are in October 2025


def send_month(site: Site, inbox: Inbox, kind: str = "attestation") -> MailingResult:
    mailing = Mailing(
        config=site.config,
        ledger=site.ledger,
        sender=SmtpSender(SmtpSettings(host="127.0.0.1", port=inbox.port, security="none")),
        mail_from="mentorledger@med.example.edu",
        public_url=site.url,
        month=month_of(None, MAILED_AT, site.config.tz),
        now=MAILED_AT,
    )
    return (attestation_requests if kind == "attestation" else mentor_digests)(mailing)


def mail_text(inbox: Inbox, to: str) -> str:
    (message,) = [m for recipients, m in inbox.messages if recipients == [to]]
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content())


def attest_links(text: str) -> list[str]:
    """Every "yes"/"no"/"all" link of a request, in the order of the mail."""
    return re.findall(r"(http://\S+/attest\?token=[\w-]+&answer=(?:yes|no|all))", text)
