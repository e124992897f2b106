"""An independent iCalendar reader and RFC 5546 checker for the tests (shares no code with icalendar).

It reads the raw bytes the way a strict client would: CRLF line ends, lines of at most 75 octets,
unfolding, then content lines ``NAME;PARAM=VALUE:VALUE`` with quoted parameter values. The checks are
RFC 5546's tables for VEVENT in REQUEST, CANCEL, PUBLISH and REPLY, plus RFC 5545's rules on TZID
references and VALARM, and RFC 7986's on CONFERENCE.
"""

from __future__ import annotations

from dataclasses import dataclass, field

REQUIRED = {
    "REQUEST": {"ATTENDEE", "DTSTAMP", "DTSTART", "ORGANIZER", "SEQUENCE", "SUMMARY", "UID"},
    "CANCEL": {"DTSTAMP", "ORGANIZER", "SEQUENCE", "UID"},  # ATTENDEE: see below
    "PUBLISH": {"DTSTAMP", "DTSTART", "ORGANIZER", "SUMMARY", "UID"},
    "REPLY": {"ATTENDEE", "DTSTAMP", "ORGANIZER", "UID"},
}
ANSWERS = {"NEEDS-ACTION", "ACCEPTED", "TENTATIVE", "DECLINED"}
AT_MOST_ONCE = {
    "UID",
    "DTSTAMP",
    "DTSTART",
    "DTEND",
    "DURATION",
    "SEQUENCE",
    "SUMMARY",
    "ORGANIZER",
    "STATUS",
    "DESCRIPTION",
    "LOCATION",
    "URL",
    "RECURRENCE-ID",
    "TRANSP",
    "CLASS",
}


@dataclass
class Prop:
    name: str
    params: dict[str, str]
    value: str


@dataclass
class Component:
    name: str
    props: list[Prop] = field(default_factory=list)
    children: list[Component] = field(default_factory=list)

    def all(self, name: str) -> list[Prop]:
        return [p for p in self.props if p.name == name]

    def one(self, name: str) -> Prop:
        found = self.all(name)
        assert len(found) == 1, f"{self.name} has {len(found)} {name}"
        return found[0]

    def walk(self, name: str) -> list[Component]:
        out = [self] if self.name == name else []
        for child in self.children:
            out += child.walk(name)
        return out


def physical_lines(raw: bytes) -> list[bytes]:
    assert raw.endswith(b"\r\n"), "the object does not end with CRLF"
    lines = raw[:-2].split(b"\r\n")
    for line in lines:
        assert b"\n" not in line, f"bare LF in {line[:40]!r}"
        assert b"\r" not in line, f"bare CR in {line[:40]!r}"
    return lines


def _split_content_line(line: str) -> Prop:
    in_quotes, colon = False, -1
    for i, ch in enumerate(line):
        if ch == '"':
            in_quotes = not in_quotes
        elif ch == ":" and not in_quotes:
            colon = i
            break
    assert colon > 0, f"no ':' in content line {line[:40]!r}"
    head, value = line[:colon], line[colon + 1 :]
    parts, current, in_quotes = [], "", False
    for ch in head:
        if ch == '"':
            in_quotes = not in_quotes
        if ch == ";" and not in_quotes:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    params = {}
    for part in parts[1:]:
        key, _, val = part.partition("=")
        assert key, f"bad parameter {part!r}"
        assert val, f"bad parameter {part!r}"
        params[key.upper()] = val[1:-1] if val.startswith('"') else val
    return Prop(parts[0].upper(), params, value)


def parse(raw: bytes) -> Component:
    unfolded: list[str] = []
    for line in physical_lines(raw):
        if line[:1] in (b" ", b"\t"):
            assert unfolded, "continuation line at the start"
            unfolded[-1] += line[1:].decode("utf-8")
        else:
            unfolded.append(line.decode("utf-8"))
    stack: list[Component] = []
    root: Component | None = None
    for text in unfolded:
        prop = _split_content_line(text)
        if prop.name == "BEGIN":
            component = Component(prop.value.upper())
            if stack:
                stack[-1].children.append(component)
            else:
                assert root is None, "more than one top-level component"
                root = component
            stack.append(component)
        elif prop.name == "END":
            assert stack, f"END:{prop.value} without BEGIN"
            assert stack[-1].name == prop.value.upper(), f"unbalanced END:{prop.value}"
            stack.pop()
        else:
            assert stack, f"property {prop.name} outside a component"
            stack[-1].props.append(prop)
    assert root is not None, "no component"
    assert not stack, "unterminated component"
    return root


def unescape(value: str) -> str:
    out, i = "", 0
    while i < len(value):
        if value[i] == "\\" and i + 1 < len(value):
            nxt = value[i + 1]
            out += "\n" if nxt in "nN" else nxt
            i += 2
        else:
            out += value[i]
            i += 1
    return out


def problems(raw: bytes, *, method: str) -> list[str]:
    """Every way ``raw`` breaks the iTIP rules for ``method``; empty when valid."""
    found: list[str] = []
    for number, line in enumerate(physical_lines(raw), 1):
        if len(line) > 75:
            found.append(f"line {number} is {len(line)} octets")
    lines = [line.decode() for line in physical_lines(raw)]
    if lines[0] != "BEGIN:VCALENDAR":
        found.append("does not start with BEGIN:VCALENDAR")
    # METHOD first is this project's rule for what it sends (some clients sniff the first lines), not
    # RFC 5546's; replies come from other programs, which put PRODID first (Google, Apple).
    if method != "REPLY" and lines[1] != f"METHOD:{method}":
        found.append(f"first property is {lines[1]!r}, not METHOD:{method}")
    calendar = parse(raw)
    if calendar.name != "VCALENDAR":
        return [*found, "top-level component is not VCALENDAR"]
    for name in ("PRODID", "VERSION", "METHOD"):
        if len(calendar.all(name)) != 1:
            found.append(f"VCALENDAR needs exactly one {name}")
    if calendar.all("VERSION") and calendar.one("VERSION").value != "2.0":
        found.append("VERSION is not 2.0")
    zones = {z.one("TZID").value for z in calendar.walk("VTIMEZONE")}
    events = calendar.walk("VEVENT")
    if not events:
        found.append("no VEVENT")
    uids = set()
    for event in events:
        names = {p.name for p in event.props}
        for missing in sorted(REQUIRED[method] - names):
            found.append(f"VEVENT lacks {missing} (required in {method})")
        for name in AT_MOST_ONCE:
            if len(event.all(name)) > 1:
                found.append(f"VEVENT has {name} more than once")
        if "DTEND" in names and "DURATION" in names:
            found.append("VEVENT has both DTEND and DURATION")
        if "DTSTAMP" in names and not event.one("DTSTAMP").value.endswith("Z"):
            found.append("DTSTAMP is not UTC")
        if "SEQUENCE" in names and not event.one("SEQUENCE").value.isdigit():
            found.append("SEQUENCE is not a non-negative integer")
        for prop in event.props:
            tzid = prop.params.get("TZID")
            if tzid is not None and tzid not in zones:
                found.append(f"{prop.name} uses TZID {tzid} without a VTIMEZONE")
        for prop in event.all("ORGANIZER") + event.all("ATTENDEE"):
            if not prop.value.lower().startswith("mailto:"):
                found.append(f"{prop.name} is not a mailto: address")
        if method == "CANCEL" and event.all("STATUS") and event.one("STATUS").value != "CANCELLED":
            found.append("a CANCEL whose STATUS is not CANCELLED")
        if method == "CANCEL" and not event.all("STATUS") and not event.all("ATTENDEE"):
            # Section 3.2.5: without STATUS:CANCELLED a CANCEL removes the attendees it names.
            found.append("VEVENT lacks ATTENDEE (required in CANCEL)")
        if method == "PUBLISH" and event.all("ATTENDEE"):
            found.append("a PUBLISH with ATTENDEE (section 3.2.1: Attendees MUST NOT be present)")
        if method == "REPLY" and len(event.all("ATTENDEE")) != 1:
            found.append("a REPLY must carry exactly one ATTENDEE (the one replying)")
        if method == "REQUEST":
            organizer = event.one("ORGANIZER").value.lower() if "ORGANIZER" in names else ""
            for attendee in event.all("ATTENDEE"):
                if attendee.value.lower() == organizer:
                    continue
                if attendee.params.get("RSVP") != "TRUE" or attendee.params.get("PARTSTAT") not in ANSWERS:
                    found.append(f"attendee {attendee.value} is not asked to reply (RSVP/PARTSTAT)")
        for conference in event.all("CONFERENCE"):
            if conference.params.get("VALUE") != "URI":
                found.append("CONFERENCE without VALUE=URI (RFC 7986 section 5.11)")
        for alarm in event.walk("VALARM"):
            alarm_props = {p.name for p in alarm.props}
            for missing in sorted({"ACTION", "TRIGGER"} - alarm_props):
                found.append(f"VALARM lacks {missing}")
            if (
                "ACTION" in alarm_props
                and alarm.one("ACTION").value == "DISPLAY"
                and "DESCRIPTION" not in alarm_props
            ):
                found.append("a DISPLAY VALARM lacks DESCRIPTION")
        if "UID" in names:
            uids.add(event.one("UID").value)
    if method != "PUBLISH" and len(uids) > 1:
        found.append("an iTIP message must carry one UID")
    return found
