"""A mentee's monthly request: their own unanswered sessions with each mentor (date, time, minutes;
nothing else: no title, no category, no one else who was there), each with a single-use "yes, we
met" and "no" link, one link that says yes to all of them, their page, and how to stop these mails."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from mentorledger.attestation.sessions import AskedSession
from mentorledger.explain import Roster


@dataclass(frozen=True, slots=True)
class Linked:
    """One session in the mail and its two links."""

    session: AskedSession
    yes: str
    no: str


def request_text(
    name: str,
    linked: Sequence[Linked],
    *,
    all_yes: str,
    page: str,
    unsubscribe: str,
    roster: Roster,
    tz: ZoneInfo,
) -> tuple[str, str]:
    """Subject and body; ``linked`` newest first, as the mentee's page lists them."""
    by_mentor: dict[str, list[Linked]] = {}
    for item in sorted(linked, key=lambda i: i.session.meeting.start):
        by_mentor.setdefault(item.session.meeting.mentor, []).append(item)
    lines = [
        f"Hello {name},",
        "",
        "Your mentors' calendars counted these meetings with you as mentoring. Did they take place?",
        "Each link works once.",
    ]
    for mentor, items in sorted(by_mentor.items(), key=lambda kv: roster.name(kv[0]).casefold()):
        lines += ["", f"Sessions with {roster.name(mentor)}:"]
        for item in items:
            m = item.session.meeting
            start, end = m.start.astimezone(tz), m.end.astimezone(tz)
            lines += [
                f"- {start:%a %-d %b %Y}, {start:%H:%M}-{end:%H:%M} ({m.minutes} min)",
                f"    Yes, we met: {item.yes}",
                f"    No:          {item.no}",
            ]
    count = len(linked)
    lines += [
        "",
        f"Yes, we met, for all {count} {'session' if count == 1 else 'sessions'}: {all_yes}",
        "",
        f"You can also answer, or change an answer, on your page: {page}",
        "Your mentor sees your answers; reports show only totals, never your name.",
        "",
        "To stop these e-mails, open this link (or sign in and choose E-mails):",
        unsubscribe,
        "",
    ]
    subject = (
        f"Did these mentoring {'session' if count == 1 else 'sessions'} take place? ({count} to confirm)"
    )
    return subject, "\n".join(lines)
