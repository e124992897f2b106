"""A fixture department for report tests: twelve Pediatrics mentors with uneven loads, a peer group,
credit of every kind, self-reported answers with small cells, and one Surgery mentor who must never
appear in the Pediatrics report.

Every event title is a distinctive secret (``SECRET_TITLES``) so tests can search every output for a
leak; mentees without consent have distinctive names (``HIDDEN_MENTEES``) for the same reason.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from pathlib import Path

from mentorledger.config import Config, load_config
from mentorledger.store.ledger import Ledger
from mentorledger.sync import SyncContext, sync_batch

DOMAIN = "med.example.edu"
SECRET_TITLES = [
    "QUOKKA confidential career talk",
    "PANGOLIN circle agenda review",
    "AXOLOTL #mentoring lunch",
    "NARWHAL overlap check-in",
    "OKAPI previous-year session",
]
HIDDEN_MENTEES = ["Zebulon Quartermaine", "Philippa Nightingale"]
NAMED_MENTEE = "Carla Consenting"

# (local part, name, weekly 1:1 count in 2025-26, weekly count in 2024-25)
MENTORS = [
    ("ana", "Ana Ruiz", 40, 20),
    ("kwame", "Kwame Mensah", 30, 30),
    ("priya", "Priya Natarajan", 24, 10),
    ("tomas", "Tomás Herrera", 20, 25),
    ("mei", "Mei Chen", 16, 8),
    ("olu", "Olusegun Adeyemi", 12, 12),
    ("sarah", "Sarah Goldberg", 10, 0),
    ("jamal", "Jamal Carter", 8, 4),
    ("lucia", "Lucía Fernández", 6, 6),
    ("hiro", "Hiroshi Tanaka", 4, 2),
    ("grace", "Grace O'Neil", 2, 2),
    ("ravi", "Ravi Shah", 0, 0),  # an assigned mentee, nothing logged
]
CIRCLE = ["ana", "kwame", "priya", "tomas"]
GENDER = {  # 6 woman, 5 man, 1 nonbinary: nonbinary suppressed, then the smaller of the rest as complement
    "ana": "woman",
    "kwame": "man",
    "priya": "woman",
    "tomas": "man",
    "mei": "woman",
    "olu": "man",
    "sarah": "woman",
    "jamal": "man",
    "lucia": "woman",
    "hiro": "man",
    "grace": "woman",
    "ravi": "nonbinary",
}
URIM = {"kwame": True, "olu": True, "jamal": True, "ana": False, "priya": False, "mei": False}
URIM |= {"sarah": False, "hiro": False, "grace": False, "ravi": False}  # tomas, lucia: not reported


def email(local: str) -> str:
    return f"{local}@{DOMAIN}"


def _event(
    uid: str, start: dt.datetime, minutes: int, count: int, organizer: str, attendees: list[str], title: str
) -> str:
    end = start + dt.timedelta(minutes=minutes)
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{start:%Y%m%dT%H%M%S}Z",
        f"DTSTART;TZID=America/New_York:{start:%Y%m%dT%H%M%S}",
        f"DTEND;TZID=America/New_York:{end:%Y%m%dT%H%M%S}",
        f"ORGANIZER:mailto:{organizer}",
        *[f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:{a}" for a in attendees],
        f"SUMMARY:{title}",
        "DESCRIPTION:PRIVATE-DESCRIPTION-TEXT",
        "END:VEVENT",
    ]
    if count > 1:
        lines.insert(-1, f"RRULE:FREQ=WEEKLY;COUNT={count}")
    return "\r\n".join(lines)


def _calendar(events: list[str]) -> str:
    return "\r\n".join(
        ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//mentorledger tests//EN", *events, "END:VCALENDAR", ""]
    )


@dataclass(frozen=True)
class Department:
    config_path: Path
    config: Config


def write_department(root: Path, *, equity_section: bool = True) -> Department:
    """Write the YAML and the ICS files under ``root``; nothing is synced yet."""
    cals = root / "calendars"
    cals.mkdir(parents=True, exist_ok=True)
    people = []
    relationships = []
    calendars = []
    for i, (local, name, now_weeks, before_weeks) in enumerate(MENTORS):
        mentee = f"res{i:02d}"
        mentee_name = {0: NAMED_MENTEE, 1: HIDDEN_MENTEES[0]}.get(i, f"Resident {i:02d}")
        people.append(
            f'  - {{email: {email(local)}, name: "{name}", department: Pediatrics, rank: assistant_professor'
        )
        people.append(
            f'  - {{email: {email(mentee)}, name: "{mentee_name}", department: Pediatrics, rank: resident}}'
        )
        consent = "true" if i == 0 else "false"
        relationships.append(
            f"  - {{mentor: {email(local)}, mentee: {email(mentee)}, kind: {'near_peer' if i % 3 == 0 else 'dyad'}, "
            f"start: 2024-07-01, mentee_stage: PGY-{1 + i % 3}, consent_to_name: {consent}}}"
        )
        events = []
        if now_weeks:
            events.append(
                _event(
                    f"now-{local}",
                    dt.datetime(2025, 7, 7, 9),
                    60,
                    now_weeks,
                    email(local),
                    [email(mentee)],
                    SECRET_TITLES[0],
                )
            )
        if before_weeks:
            events.append(
                _event(
                    f"before-{local}",
                    dt.datetime(2024, 7, 8, 9),
                    60,
                    before_weeks,
                    email(local),
                    [email(mentee)],
                    SECRET_TITLES[4],
                )
            )
        if local in CIRCLE:
            others = [email(x) for x in CIRCLE if x != "ana"]
            events.append(
                _event("circle", dt.datetime(2025, 9, 3, 12), 90, 10, email("ana"), others, SECRET_TITLES[1])
            )
        if local == "mei":
            events.append(
                _event("lunch-mei", dt.datetime(2025, 10, 2, 12), 60, 5, email("mei"), [], SECRET_TITLES[2])
            )
        if local == "ana":
            # Overlaps the first circle session by 30 minutes: counted once, as group time.
            events.append(
                _event(
                    "overlap-ana",
                    dt.datetime(2025, 9, 3, 13),
                    60,
                    1,
                    email("ana"),
                    [email("res00")],
                    SECRET_TITLES[3],
                )
            )
        (cals / f"{local}.ics").write_text(_calendar(events), encoding="utf-8")
        calendars.append(f"  - {{owner: {email(local)}, ics: calendars/{local}.ics}}")

    # People fields appended per mentor: credit, promotion, track
    extra = {
        "ana": ", last_promotion: 2024-07-01, track: clinician-educator, credit: [{start: 2025-07-01, end: 2026-06-30, fte: 0.01, stipend: 2000}]",
        "kwame": ", credit: [{start: 2025-07-01, end: 2026-06-30, protected_hours: 20}]",
        "priya": ", credit: [{start: 2026-01-01, end: 2026-06-30, fte: 0.02}]",
        "mei": ", credit: [{start: 2025-07-01, end: 2026-06-30, stipend: 1500}]",
    }
    lines = []
    for line in people:
        if line.endswith("rank: assistant_professor"):
            local = line.split("email: ")[1].split("@")[0]
            line += extra.get(local, "") + "}"
        lines.append(line)
    # A second mentee for Ana without consent, and a junior-faculty mentee (Sarah) ending after a year.
    lines.append(
        f'  - {{email: {email("extra")}, name: "{HIDDEN_MENTEES[1]}", department: Pediatrics, rank: student}}'
    )
    relationships.append(
        f"  - {{mentor: {email('ana')}, mentee: {email('extra')}, kind: dyad, start: 2025-09-01}}"
    )
    relationships.append(
        f"  - {{mentor: {email('ana')}, mentee: {email('sarah')}, kind: peer, start: 2024-09-01, end: 2025-12-31, "
        'mentee_stage: junior faculty, outcomes: ["K08 award"]}'
    )
    # Surgery: one busy mentor who must not appear in the Pediatrics report.
    lines.append(f'  - {{email: {email("sam")}, name: "Sam Surgeon", department: Surgery, rank: professor}}')
    lines.append(
        f'  - {{email: {email("sres")}, name: "Surgery Resident", department: Surgery, rank: resident}}'
    )
    relationships.append(
        f"  - {{mentor: {email('sam')}, mentee: {email('sres')}, kind: dyad, start: 2024-07-01}}"
    )
    (cals / "sam.ics").write_text(
        _calendar(
            [
                _event(
                    "sam",
                    dt.datetime(2025, 7, 7, 7),
                    120,
                    50,
                    email("sam"),
                    [email("sres")],
                    SECRET_TITLES[0],
                )
            ]
        ),
        encoding="utf-8",
    )
    calendars.append(f"  - {{owner: {email('sam')}, ics: calendars/sam.ics}}")

    self_reported = [
        f"  {email(local)}: {{gender: {GENDER[local]}"
        + (f", urim: {str(URIM[local]).lower()}" if local in URIM else "")
        + "}"
        for local, *_ in MENTORS
    ]
    text = "\n".join(
        [
            "institution: Example School of Medicine & Health",
            "timezone: America/New_York",
            "window: {start: 2024-07-01, end: 2026-06-30}",
            "fte_basis_hours: 2080",
            f"equity_section: {str(equity_section).lower()}",
            "departments:",
            f"  - {{name: Pediatrics, chairs: [{email('chair')}, {email('vicechair')}]}}",
            "smtp: {host: 127.0.0.1, port: 2525, security: none, from_address: reports@" + DOMAIN + "}",
            "people:",
            *lines,
            f'  - {{email: {email("chair")}, name: "Chair Person", department: Pediatrics, rank: professor}}',
            "relationships:",
            *relationships,
            "groups:",
            "  - {id: peds-circle, name: Pediatrics Peer Circle, members: ["
            + ", ".join(email(x) for x in CIRCLE)
            + "], mission: Support early-career faculty toward promotion, founded_by: ["
            + email("ana")
            + "], facilitators: ["
            + email("kwame")
            + "], objectives: ["
            + "{what: Each member submits one abstract, measure: abstracts submitted, target: 1 each,"
            + f" due: 2026-03-01, owner: {email('ana')}, status: done}},"
            + " {what: Draft promotion narrative, measure: drafts shared, target: 1,"
            + f" due: 2026-05-01, owner: {email('kwame')}, status: in_progress}}]}}",
            "self_reported:",
            *self_reported,
            "calendars:",
            *calendars,
            "",
        ]
    )
    path = root / "department.yaml"
    path.write_text(text, encoding="utf-8")
    return Department(path, load_config(path))


def sync_department(department: Department, database_url: str) -> Ledger:
    """Sync every calendar with the core (no Prefect) and return the ledger."""
    ledger = Ledger.open(database_url)
    context = SyncContext(config=department.config, ledger=ledger, run_id=uuid.uuid4().hex)
    outcomes = sync_batch(context, department.config.calendars)
    assert all(o.ok for o in outcomes), [o.error for o in outcomes if not o.ok]
    return ledger
