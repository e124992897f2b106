"""The starter configuration ``mentorledger init`` writes: every section a department needs, empty and
explained, so the file validates as written and each step of getting started fills one section."""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

CONFIG_NAME = "department.yaml"
CALENDARS_FOLDER = "calendars"

_TEMPLATE = """\
# mentorledger configuration for {institution_comment}.
# Every key is checked: `mentorledger validate --config THIS_FILE` lists every problem, one per line.
# The full reference: config/README.md in the mentorledger repository.

institution: {institution}
timezone: {timezone}                  # IANA name: local dates and floating meeting times use it

# The period counted; inclusive dates, YYYY-MM-DD. Leave it out to count the current academic year
# (July 1 to June 30).
# window: {{start: 2025-07-01, end: 2026-06-30}}

counting:
  tags: ["#mentoring"]                # a meeting whose title contains a tag counts as mentoring
  keywords: []                        # whole words in a title that count too, e.g. ["mentoring"]
  count_transparent: false            # count meetings marked "free"?

# The roster: fill it from your HR export with
#   mentorledger import people FACULTY.csv --config THIS_FILE
# rank is one of instructor, assistant_professor, associate_professor, professor, fellow, resident,
# student, other (the import maps titles such as "Associate Professor of Pediatrics" or "PGY-2").
people: []
#  - {{email: ana@med.example.edu, name: Ana Ruiz, department: Pediatrics, rank: assistant_professor}}

# Who mentors whom, and since when (end is optional):
#   mentorledger import relationships MENTORING.csv --config THIS_FILE
# kind is one of dyad, near_peer, peer, sponsor.
relationships: []
#  - {{mentor: ana@med.example.edu, mentee: ben@med.example.edu, kind: near_peer, start: 2025-07-01}}

# Peer-mentoring groups (members are e-mails from people); see config/README.md for cadence and agendas.
groups: []
#  - {{id: urim-circle, name: URiM Peer Circle, members: [ana@med.example.edu, ben@med.example.edu, cy@med.example.edu]}}

# Whose calendars to read, exactly one source each. Credentials never go in this file: see the README.
calendars: []
#  - {{owner: ana@med.example.edu, ics: calendars/ana.ics}}                  # a file in {calendars}/ (relative to this file)
#  - {{owner: ben@med.example.edu, ics: "https://calendar.example.edu/ben/private-token/basic.ics"}}
#  - {{owner: cy@med.example.edu, google: primary}}                          # Google Calendar
#  - {{owner: di@med.example.edu, m365: primary}}                            # Microsoft 365 (needs microsoft: below)
#  - {{owner: ed@med.example.edu, caldav: "https://caldav.example.edu/calendars/ed/default/"}}

# Microsoft 365 calendars are read through one app registration (see the README, "Microsoft 365"):
# microsoft: {{tenant_id: 00000000-0000-0000-0000-000000000000, client_id: 11111111-1111-1111-1111-111111111111}}
"""


def starter_config(institution: str, timezone: str) -> str:
    """The text of a starter configuration for ``institution`` in ``timezone`` (both already checked)."""
    return _TEMPLATE.format(
        institution=json.dumps(institution, ensure_ascii=False),  # a JSON string is a YAML string
        institution_comment=" ".join(institution.split()),
        timezone=timezone,
        calendars=CALENDARS_FOLDER,
    )


def machine_timezone() -> str | None:
    """This machine's IANA time zone, when it can be told (TZ, /etc/timezone, /etc/localtime)."""
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    with contextlib.suppress(OSError):
        candidates.append(Path("/etc/timezone").read_text(encoding="utf-8").strip())
    localtime = Path("/etc/localtime")
    if localtime.is_symlink():
        target = str(localtime.resolve())
        if "zoneinfo/" in target:
            candidates.append(target.split("zoneinfo/", 1)[1])
    for name in candidates:
        if name and is_timezone(name):
            return name
    return None


def is_timezone(name: str) -> bool:
    if "/" not in name and name not in ("UTC", "GMT"):
        return False  # "EST", "Eastern": not what the configuration accepts people to mean
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True
