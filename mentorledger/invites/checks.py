"""Warnings ``validate`` prints about invites (a warning never fails validation).

SPF and DMARC: receivers check the ``From:`` domain (the organizer's) against the server that sent
the mail and against the DKIM signature. When invites go out through a sending account in another
domain (``smtp.from_address`` or ``MENTORLEDGER_SMTP_FROM``), the organizer's domain must authorize
that server in its SPF record and the mail must carry a DKIM signature aligned with it, or receivers
may file the invites as spam or reject them. The README's "Getting invites delivered" says how.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

from mentorledger.config import Config
from mentorledger.smtp import FROM_ENV


def sender_alignment_warnings(
    config: Config, environ: Mapping[str, str] | None = None
) -> list[tuple[Sequence[str | int], str]]:
    """One warning per organizer domain that differs from the sending account's domain."""
    env = os.environ if environ is None else environ
    if config.smtp is None:
        return []
    sending = (env.get(FROM_ENV) or config.smtp.from_address or "").strip().lower()
    if not sending:
        return []
    sending_domain = sending.rpartition("@")[2]
    warned: set[str] = set()
    out: list[tuple[Sequence[str | int], str]] = []
    for i, group in enumerate(config.groups):
        if not group.schedules_meetings or group.organizer is None:
            continue
        domain = group.organizer.rpartition("@")[2]
        if domain == sending_domain or domain in warned:
            continue
        warned.add(domain)
        where = ("smtp", "from_address") if config.smtp.from_address else ("groups", i, "organizer")
        out.append(
            (
                where,
                f"invites come From: {group.organizer} but are sent by {sending} (another domain): receivers "
                f"check SPF and DMARC against {domain}, so authorize the sending server in {domain}'s SPF "
                f"record and sign with DKIM for {domain}, or send from an account in {domain}",
            )
        )
    return out
