"""Tiny builders for iCalendar test input: VEVENT text in, RFC 5545 bytes (CRLF) out."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

CRLF = "\r\n"

# A Windows (Exchange/Outlook) zone definition, as Exchange 2010 writes it.
EASTERN_STANDARD_TIME_VTIMEZONE = """\
BEGIN:VTIMEZONE
TZID:Eastern Standard Time
BEGIN:STANDARD
DTSTART:16010101T020000
TZOFFSETFROM:-0400
TZOFFSETTO:-0500
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=1SU;BYMONTH=11
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010101T020000
TZOFFSETFROM:-0500
TZOFFSETTO:-0400
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=2SU;BYMONTH=3
END:DAYLIGHT
END:VTIMEZONE
"""


def _lines(text: str) -> list[str]:
    return [line.strip() for line in textwrap.dedent(text).strip().splitlines() if line.strip()]


def vevent(text: str) -> str:
    """Property lines (any indentation, LF) wrapped in BEGIN/END:VEVENT. Adds a DTSTAMP if missing."""
    lines = _lines(text)
    if not any(line.upper().startswith("DTSTAMP") for line in lines):
        lines.append("DTSTAMP:20250801T000000Z")
    return CRLF.join(["BEGIN:VEVENT", *lines, "END:VEVENT"]) + CRLF


def calendar(*events: str, headers: Iterable[str] = (), components: Iterable[str] = ()) -> bytes:
    """A VCALENDAR with CRLF line endings around the given VEVENT bodies (see ``vevent``).

    ``headers`` are extra calendar properties (e.g. "X-WR-TIMEZONE:Europe/London"); ``components`` are
    extra raw components such as a VTIMEZONE.
    """
    parts = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//mentorledger tests//icsbuild//EN", *headers]
    body = CRLF.join(parts) + CRLF
    for component in components:
        body += CRLF.join(_lines(component)) + CRLF
    for event in events:
        body += vevent(event)
    return (body + "END:VCALENDAR" + CRLF).encode("utf-8")
