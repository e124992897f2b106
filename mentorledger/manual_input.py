"""What a valid hand-made entry is (rule 9), checked before anything is stored.

The mentor gives a local date and start time (in the configured zone), a length in minutes, how it
happened, and optionally one of their mentees (who must be their mentee on that date) or one of their
groups. The entry must end by now and fall inside the counting window; a local time that does not
exist (the hour skipped when clocks go forward) is refused rather than guessed. Every problem is
reported against its field, in words a mentor can act on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from mentorledger.config import Config
from mentorledger.counting import Category
from mentorledger.reviews import How, manual_category

MAX_MINUTES = 720


@dataclass(frozen=True, slots=True)
class ManualInput:
    start: dt.datetime  # aware UTC
    minutes: int
    how: How
    category: Category
    mentee: str | None
    group_id: str | None
    note: str | None


def choices(config: Config, owner: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The mentees (email, name) and groups (id, name) a mentor may name on a hand-made entry."""
    names = {p.email: p.name for p in config.people}
    mentees = [
        (email, names.get(email, email))
        for email in {r.mentee for r in config.relationships if r.mentor == owner}
    ]
    groups = [(g.id, g.name) for g in config.groups if owner in g.members]
    return sorted(mentees, key=lambda item: item[1].casefold()), groups


def _local_start(day: dt.date, at: dt.time, tz: dt.tzinfo) -> dt.datetime | None:
    """The aware local start, or None if that wall-clock time does not exist on that day."""
    local = dt.datetime.combine(day, at, tzinfo=tz)
    round_trip = local.astimezone(dt.UTC).astimezone(tz)
    return local if round_trip.replace(tzinfo=None) == local.replace(tzinfo=None) else None


def check_manual(
    config: Config,
    owner: str,
    *,
    day: str,
    start: str,
    minutes: str,
    how: str,
    with_whom: str = "",
    note: str = "",
    now: dt.datetime | None = None,
) -> tuple[ManualInput | None, dict[str, str]]:
    """The entry, or None and one message per field that is wrong."""
    errors: dict[str, str] = {}
    window, tz = config.effective_window(), config.tz
    moment = now or dt.datetime.now(dt.UTC)
    try:
        parsed_day = dt.date.fromisoformat(day.strip())
    except ValueError:
        parsed_day = None
        errors["day"] = "Enter the date, like 2025-10-06"
    if parsed_day and not window.start <= parsed_day <= window.end:
        errors["day"] = (
            f"Choose a date from {window.start:%-d %b %Y} to {window.end:%-d %b %Y} (the counting window)"
        )
    try:
        parsed_start = dt.time.fromisoformat(start.strip())
    except ValueError:
        parsed_start = None
        errors["start"] = "Enter the start time, like 14:30"
    try:
        length = int(minutes.strip())
    except ValueError:
        length = 0
    if not 1 <= length <= MAX_MINUTES:
        errors["minutes"] = f"Enter the number of minutes, from 1 to {MAX_MINUTES}"
    try:
        chosen_how = How(how)
    except ValueError:
        chosen_how = None
        errors["how"] = "Choose how the mentoring happened"

    mentee = group_id = None
    mentees, groups = choices(config, owner)
    kind, _, value = with_whom.partition(":")
    if kind == "mentee" and value in {email for email, _ in mentees}:
        mentee = value
    elif kind == "group" and value in {gid for gid, _ in groups}:
        group_id = value
    elif with_whom:
        errors["with"] = "Choose one of your mentees or groups, or no one in particular"
    if mentee and parsed_day:
        active = [r for r in config.relationships if r.mentor == owner and r.mentee == mentee]
        if not any(r.active_on(parsed_day) for r in active):
            errors["with"] = (
                "They were not your mentee on that date; choose the date again or no one in particular"
            )

    local = None
    if parsed_day and parsed_start and "day" not in errors:
        local = _local_start(parsed_day, parsed_start, tz)
        if local is None:
            errors["start"] = (
                f"{parsed_start:%H:%M} does not exist on {parsed_day:%-d %b} (the clocks changed); check the time"
            )
        elif local + dt.timedelta(minutes=length or 0) > moment:
            errors["day"] = "That has not happened yet: add mentoring once it is over"
    if errors or local is None or chosen_how is None:
        return None, errors
    return (
        ManualInput(
            start=local.astimezone(dt.UTC),
            minutes=length,
            how=chosen_how,
            category=manual_category(mentee, group_id),
            mentee=mentee,
            group_id=group_id,
            note=note.strip() or None,
        ),
        {},
    )
