"""The facilitator's digest: before a session, its facilitator learns who is coming and who has not
answered, with the agenda. Kept modest: one plain-text e-mail per session, sent once, when the
session starts within ``digest_hours_before`` (default 48; 0: never) and was already announced.

It goes through the shared SMTP sender like every other mail, From: the group's organizer (the
address members already know), to the facilitator of that session in the agenda's rotation. No
member's comment or any other text from a reply is in it: only the answers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage

from mentorledger.config import Group
from mentorledger.invites.ics_build import Person
from mentorledger.invites.mime import plain_message
from mentorledger.invites.plan import NextUp


@dataclass(frozen=True, slots=True)
class Digest:
    token: str
    recipient: Person
    message: EmailMessage


def digest_for(
    group: Group,
    next_up: NextUp | None,
    names: Mapping[str, str],
    *,
    now: dt.datetime,
    sender: str | None = None,
) -> Digest | None:
    """The digest due now for the group's next session, if any."""
    if next_up is None or group.digest_hours_before == 0 or group.organizer is None:
        return None
    stored = next_up.stored
    if stored is None or stored.status != "confirmed" or stored.digest_sent_at is not None:
        return None
    if next_up.session.start - now > dt.timedelta(hours=group.digest_hours_before):
        return None
    agenda = next_up.agenda
    facilitator = Person(
        agenda.facilitator_email, names.get(agenda.facilitator_email, agenda.facilitator_email)
    )
    organizer = Person(group.organizer, names.get(group.organizer, group.organizer))
    start = next_up.session.start
    lines = [
        f"You facilitate {agenda.summary} on {start:%A %d %B %Y, %H:%M} ({start.tzname()}).",
        "",
        *(next_up.attendance.lines(lambda e: names.get(e, e)) or ["Nobody has answered yet."]),
        "",
        agenda.text(attendance=False),
    ]
    message = plain_message(
        subject=f"Who is coming: {agenda.summary}, {start:%a} {start.day} {start:%b %H:%M}",
        text="\n".join(lines),
        sender=organizer,
        recipients=(facilitator,),
        envelope_sender=sender,
        date=now,
    )
    return Digest(next_up.session.token, facilitator, message)
