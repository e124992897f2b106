"""Reply samples (tests/invites/replies/) filled in for one session, as a client would send them."""

from __future__ import annotations

import base64
import datetime as dt
import quopri
from dataclasses import dataclass
from pathlib import Path
from string import Template

CASES = Path(__file__).resolve().parent / "replies"


@dataclass(frozen=True)
class Answering:
    """Who answers which session."""

    uid: str
    sequence: int
    start: dt.datetime  # aware
    end: dt.datetime
    summary: str
    attendee: str
    attendee_name: str
    organizer: str
    organizer_name: str
    dtstamp: dt.datetime
    delegate: str = "assistant@med.example.edu"


def fold(text: str) -> bytes:
    """Content lines with CRLF, folded at 75 octets (RFC 5545 3.1), as clients write them."""
    out = []
    for line in text.strip("\n").split("\n"):
        raw = line.encode()
        while len(raw) > 75:
            cut = 75
            while cut > 0 and (raw[cut] & 0xC0) == 0x80:  # never inside a UTF-8 sequence
                cut -= 1
            out.append(raw[:cut])
            raw = b" " + raw[cut:]
        out.append(raw)
    return b"\r\n".join(out) + b"\r\n"


def reply_calendar(case: str, who: Answering) -> bytes:
    """The calendar object of ``case`` filled in, folded, with CRLF line ends."""
    return fold(Template((CASES / f"{case}.ics").read_text(encoding="utf-8")).substitute(_values(who)))


def _values(who: Answering) -> dict[str, str]:
    return {
        "uid": who.uid,
        "sequence": str(who.sequence),
        "future_sequence": str(who.sequence + 5),
        "dtstamp": who.dtstamp.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ"),
        "start_utc": who.start.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ"),
        "end_utc": who.end.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ"),
        "start_local": who.start.strftime("%Y%m%dT%H%M%S"),
        "end_local": who.end.strftime("%Y%m%dT%H%M%S"),
        "summary": who.summary,
        "attendee": who.attendee,
        "attendee_upper": who.attendee.upper(),
        "attendee_name": who.attendee_name,
        "organizer": who.organizer,
        "organizer_name": who.organizer_name,
        "delegate": who.delegate,
        "date": who.dtstamp.strftime("%a, %d %b %Y %H:%M:%S +0000"),
        "google_when": who.start.strftime("%a %b %d, %Y %I%p"),
    }


def reply_message(case: str, who: Answering) -> bytes:
    """The finished e-mail for ``case``, with the calendar encoded as its wrapper says."""
    values = _values(who)
    if (CASES / f"{case}.ics").exists():
        calendar = reply_calendar(case, who)
        values["calendar"] = calendar.decode().rstrip("\r\n")
        encoded = base64.encodebytes(calendar).decode()
        values["calendar_base64"] = encoded.rstrip("\n")
        values["calendar_qp"] = quopri.encodestring(calendar).decode().rstrip("\n")
    wrapper = Template((CASES / f"{case}.eml").read_text(encoding="utf-8")).substitute(values)
    return wrapper.replace("\r\n", "\n").replace("\n", "\r\n").encode()
