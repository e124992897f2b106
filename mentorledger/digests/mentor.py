"""A mentor's monthly digest: hours counted last month, entries awaiting review, sessions mentees have
not answered or said did not take place, with links to the mentor's pages.

Every number is the one the mentor's pages and reports show: hours from ``LedgerView.period`` (the
computation of ``mentorledger hours`` and every report), formatted by ``reports.formatting``; the
attestation counts from ``attestation.rules.for_mentor``. No title and nothing about anyone else is
in it, except the name of the mentee whose answer awaits the mentor's decision.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from mentorledger.attestation.rules import Recorded, SessionKey, for_mentor
from mentorledger.config import Person, Window
from mentorledger.coverage import PersonSync
from mentorledger.explain import Roster
from mentorledger.reports.basis import LedgerView, PeriodHours
from mentorledger.reports.formatting import coverage_note, hours, sync_text
from mentorledger.reviews import MANUAL, Review


@dataclass(frozen=True, slots=True)
class MentorDigest:
    email: str
    name: str
    month: Window
    month_hours: PeriodHours
    year: Window
    year_hours: PeriodHours
    sync: PersonSync
    pending: int  # counted calendar entries of the year so far awaiting the mentor's review
    unattested: int | None  # sessions mentees have not answered (None: attestation is off)
    denied: list[tuple[dt.datetime, str]]  # open denials: the session's start and the mentee


def mentor_digest(
    view: LedgerView,
    person: Person,
    month: Window,
    year: Window,
    roster: Roster,
    recorded: dict[SessionKey, Recorded] | None,
) -> MentorDigest:
    """``recorded``: the stored answers, or None when attestation is off."""
    counted = view.counted(person.email, year)
    pending = sum(1 for e in counted if e.origin != MANUAL and e.review == Review.PENDING)
    unattested, denied = None, []
    if recorded is not None:
        attestation = for_mentor(counted, roster, recorded)
        unattested = attestation.unattested
        starts = {e.event_key: e.start for e in counted}
        denied = sorted(
            (starts[key], roster.name(r.mentee)) for key, found in attestation.denials.items() for r in found
        )
    return MentorDigest(
        person.email,
        person.name,
        month,
        view.period(person.email, month),
        year,
        view.period(person.email, year),
        view.sync(person.email),
        pending,
        unattested,
        denied,
    )


def month_label(month: Window) -> str:
    return f"{month.start:%B %Y}"


def _categories(p: PeriodHours) -> str:
    names = (("group", "peer group"), ("mentee", "mentees"), ("tag", "other"))
    return ", ".join(f"{label} {hours(p.category(key))}" for key, label in names)


def digest_text(d: MentorDigest, *, public_url: str, unsubscribe: str, tz: ZoneInfo) -> tuple[str, str]:
    """Subject and body."""
    label = month_label(d.month)
    lines = [f"Hello {d.name},", "", f"Your mentoring in {label}:", ""]
    if d.month_hours.has_data:
        lines.append(
            f"  Hours counted in {label}: {hours(d.month_hours.minutes)} ({_categories(d.month_hours)})"
        )
        note = coverage_note(d.month_hours.coverage, tz)
        if note:
            lines.append(f"  (your calendars cover the month in part: {note})")
    else:
        lines.append(
            f"  No data for {label}: your calendar is {sync_text(d.sync, tz)}, so nothing could be counted."
        )
    year = f"{d.year.start:%-d %B %Y} to {d.year.end:%-d %B %Y}"
    lines += [f"  This academic year ({year}) so far: {hours(d.year_hours.minutes)} hours", ""]
    lines.append(f"  Entries from your calendar awaiting your review: {d.pending}")
    if d.unattested is not None:
        lines.append(f"  Sessions your mentees have not confirmed yet: {d.unattested}")
        lines.append(f"  Sessions a mentee said did not take place: {len(d.denied)}")
        lines += [
            f"    - {start.astimezone(tz):%a %-d %b %Y, %H:%M}: {mentee} said it did not take place"
            for start, mentee in d.denied
        ]
        if d.denied:
            them = "it" if len(d.denied) == 1 else "them"
            lines.append(
                f"    {'It still counts' if them == 'it' else 'They still count'} until you decide: "
                f"exclude {them}, or keep counting {them}."
            )
    lines += [
        "",
        f"Review the month: {public_url}/me/entries?month={d.month.start:%Y-%m}",
        f"Your overview: {public_url}/me",
        "",
        "You get this e-mail once a month. To stop it, open this link (or sign in and choose E-mails):",
        unsubscribe,
        "",
    ]
    subject = f"Your mentoring in {label}: {hours(d.month_hours.minutes)} hours"
    if d.denied:
        subject += f", {len(d.denied)} to decide"
    return subject, "\n".join(lines)
