"""A synthetic institution for the scale benchmark: N faculty in departments with chairs, mentoring
relationships, and one ICS calendar per person shaped like a real year of meetings.

Each calendar (with the defaults) holds about 1,630 instances in about 490 KB: weekly series (with an
exception date and a moved occurrence) and one-off meetings with agenda text. Mentors meet their
mentee weekly; 85 one-offs are tagged ``#mentoring``; everything else is noise the
counting rules drop. A third of the files are Exchange exports: the Windows TZID ``Eastern Standard
Time`` with its VTIMEZONE. ``edit`` moves 1% of a calendar's meetings (the "1% changed" re-sync).
Usage: .venv/bin/python benchmarks/institution.py DIR [--faculty 100]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

from tests.unit.icsbuild import EASTERN_STANDARD_TIME_VTIMEZONE

WINDOW = (dt.date(2025, 7, 1), dt.date(2026, 6, 30))
EXCHANGE_TZ = EASTERN_STANDARD_TIME_VTIMEZONE.rstrip("\n")  # as Exchange 2010 writes it
NOISE = ["Clinic", "Grand rounds", "Committee", "Lab meeting", "Teaching", "Admin block", "Journal club"]


@dataclass(frozen=True)
class Shape:
    """How big each calendar is: weekly series x instances each, one-off meetings, agenda bytes."""

    series: int = 20
    weeks: int = 40
    singles: int = 765  # one-off meetings that are not mentoring
    tagged: int = 85  # one-off meetings tagged #mentoring
    agenda: int = 300


def email(i: int) -> str:
    return f"f{i:05d}@inst.example.edu"


def department_of(i: int, size: int) -> str:
    return f"Department {i // size + 1:03d}"


def mentee_of(i: int, faculty: int, size: int) -> str | None:
    """Even-numbered people mentor the next person of their department."""
    if i % 2 or i + 1 >= faculty or department_of(i + 1, size) != department_of(i, size):
        return None
    return email(i + 1)


def calendar_text(i: int, faculty: int, size: int, shape: Shape, edit: int = 0) -> str:
    """Person ``i``'s calendar; ``edit`` > 0 moves every 100th meeting by ``edit`` x 15 minutes."""
    rng = random.Random(i)
    exchange = i % 3 == 0
    tzid = "Eastern Standard Time" if exchange else "America/New_York"
    owner, mentee = email(i), mentee_of(i, faculty, size)
    agenda = ("Agenda: review progress, plans and next steps. " * (shape.agenda // 48 + 1))[: shape.agenda]
    head = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//{'Microsoft Exchange' if exchange else 'bench'}//EN",
    ]
    lines = head + ([EXCHANGE_TZ] if exchange else [])
    first = dt.datetime(2025, 7, 7, 8)
    for s in range(shape.series):
        start = first + dt.timedelta(days=rng.randrange(5), hours=rng.randrange(9), minutes=30 * (s % 2))
        start += dt.timedelta(minutes=15 * edit if edit and s == 0 else 0)
        summary = f"1:1 {mentee}" if (mentee and s == 0) else rng.choice(NOISE)
        lines += _vevent(f"s{i}-{s}", start, 60, summary, tzid, owner, mentee if s == 0 else None, agenda)
        lines.insert(-1, f"RRULE:FREQ=WEEKLY;COUNT={shape.weeks}")
        lines.insert(-1, f"EXDATE;TZID={tzid}:{_stamp(start + dt.timedelta(weeks=3))}")
        moved = start + dt.timedelta(weeks=5)
        lines += _vevent(f"s{i}-{s}", moved + dt.timedelta(hours=1), 60, summary, tzid, owner, None, agenda)
        lines.insert(-1, f"RECURRENCE-ID;TZID={tzid}:{_stamp(moved)}")
    for j in range(shape.singles + shape.tagged):
        start = dt.datetime(2025, 7, 1, 8) + dt.timedelta(days=rng.randrange(364), hours=rng.randrange(9))
        start += dt.timedelta(minutes=15 * edit if edit and j % 100 == 0 else 0)
        summary = "Check-in #mentoring" if j < shape.tagged else rng.choice(NOISE)
        lines += _vevent(f"o{i}-{j}", start, rng.choice([30, 45, 60]), summary, tzid, owner, None, agenda)
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"


def _stamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%S")


def _vevent(
    uid: str,
    start: dt.datetime,
    minutes: int,
    summary: str,
    tzid: str,
    owner: str,
    attendee: str | None,
    agenda: str,
) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid}@inst.example.edu",
        "DTSTAMP:20250601T000000Z",
        f"DTSTART;TZID={tzid}:{_stamp(start)}",
        f"DTEND;TZID={tzid}:{_stamp(start + dt.timedelta(minutes=minutes))}",
        f"SUMMARY:{summary}",
        f"ORGANIZER:mailto:{owner}",
    ]
    if attendee:
        lines.append(f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:{attendee}")
    lines += [f"DESCRIPTION:{agenda}", "END:VEVENT"]
    return lines


def department_size(faculty: int) -> int:
    """200 people per department from 1,000 faculty up, five departments below (of at least two)."""
    return max(2, min(200, faculty // 5))


def write_calendars(root: Path, faculty: int, shape: Shape, edit: int = 0) -> None:
    size = department_size(faculty)
    (root / "calendars").mkdir(parents=True, exist_ok=True)
    for i in range(faculty):
        text = calendar_text(i, faculty, size, shape, edit)
        (root / "calendars" / f"{i:05d}.ics").write_text(text, encoding="utf-8", newline="")


def write_institution(root: Path, faculty: int, shape: Shape = Shape()) -> Path:
    """The configuration and calendars of a ``faculty``-person institution under ``root``."""
    size = department_size(faculty)
    write_calendars(root, faculty, shape)
    people = "".join(
        f"  - {{email: {email(i)}, name: Faculty {i}, department: {department_of(i, size)}, rank: professor}}\n"
        for i in range(faculty)
    )
    departments = "".join(
        f"  - {{name: {department_of(i, size)}, chairs: [{email(i)}]}}\n" for i in range(0, faculty, size)
    )
    relationships = "".join(
        f"  - {{mentor: {email(i)}, mentee: {mentee}, kind: dyad, start: 2025-07-01}}\n"
        for i in range(faculty)
        if (mentee := mentee_of(i, faculty, size))
    )
    calendars = "".join(f"  - {{owner: {email(i)}, ics: calendars/{i:05d}.ics}}\n" for i in range(faculty))
    config = root / "institution.yaml"
    config.write_text(
        "institution: Bench Institution\ntimezone: America/New_York\n"
        f"window: {{start: {WINDOW[0]}, end: {WINDOW[1]}}}\n"
        'counting: {tags: ["#mentoring"]}\n'
        f"people:\n{people}departments:\n{departments}"
        f"relationships:{'' if relationships else ' []'}\n{relationships}calendars:\n{calendars}",
        encoding="utf-8",
    )
    return config


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("root", type=Path)
    parser.add_argument("--faculty", type=int, default=100)
    args = parser.parse_args()
    print(write_institution(args.root, args.faculty))


if __name__ == "__main__":
    main()
