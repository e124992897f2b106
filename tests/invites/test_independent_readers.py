"""Moved, cancelled, re-organized, re-membered and holiday sessions, in several zones and scripts, as
independent programs read them: the test's own iTIP checker, vobject (a second iCalendar parser),
and a real CalDAV server (Radicale on loopback) holding each member's calendar, to which every
message is applied the way a calendar client applies iTIP (REQUEST/PUBLISH stored when its SEQUENCE
is not older, CANCEL deletes the event for the attendees it names)."""

from __future__ import annotations

import datetime as dt
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import icalendar
import pytest
import vobject

from mentorledger.config import load_config
from mentorledger.invites.run import run_group
from mentorledger.invites.store import InviteStore
from tests.invites import itip
from tests.invites.conftest import MEMBERS, write_department

ZONES = ["America/New_York", "Europe/Berlin", "Asia/Kolkata", "Australia/Sydney", "Pacific/Chatham"]
NAMES = {
    "ana@med.example.edu": "Ana Ruiz",
    "ben@med.example.edu": "Ngozi Okafor-Adébáyọ̀",
    "cy@med.example.edu": "محمد عبد الله",
    "dee@med.example.edu": "王小明",
    "eli@med.example.edu": "Ольга Рождественская",
    "fay@med.example.edu": "प्रिया शर्मा",
}
NOW = dt.datetime(2025, 11, 1, 12, 0, tzinfo=dt.UTC)
HORIZON = dt.timedelta(days=50)
GROUP = "Κύκλος Μεντόρων; Peds, Surgery"


@dataclass
class Radicale:
    base: str

    def calendar(self, user: str) -> CalDavCalendar:
        name = user.partition("@")[0]
        client = httpx.Client(base_url=self.base, auth=(name, "x"), timeout=10)
        path = f"/{name}/calendar/"
        response = client.request("MKCALENDAR", path)
        assert response.status_code in (201, 405), response.text  # 405: exists
        return CalDavCalendar(client, path, user)


@pytest.fixture(scope="module")
def radicale() -> Iterator[Radicale]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    folder = tempfile.mkdtemp(prefix="ml-radicale-")
    process = subprocess.Popen(
        [sys.executable, "-m", "radicale", "--server-hosts", f"127.0.0.1:{port}",
         "--storage-filesystem-folder", folder, "--auth-type", "none", "--logging-level", "error"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                httpx.get(base, timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield Radicale(base)
    finally:
        process.terminate()
        process.wait(timeout=10)


def without_method(raw: bytes) -> bytes:
    """A calendar object resource as a client stores it: no METHOD (RFC 4791 section 4.1)."""
    calendar = icalendar.Calendar.from_ical(raw)
    calendar.pop("METHOD", None)
    return bytes(calendar.to_ical())


@dataclass
class CalDavCalendar:
    client: httpx.Client
    path: str
    owner: str

    def _url(self, uid: str) -> str:
        return f"{self.path}{uid.replace('@', '_at_')}.ics"

    def stored(self, uid: str) -> icalendar.Event | None:
        response = self.client.get(self._url(uid))
        if response.status_code == 404:
            return None
        assert response.status_code == 200, response.text
        return next(iter(icalendar.Calendar.from_ical(response.content).walk("VEVENT")))

    def apply(self, method: str, raw: bytes) -> None:
        event = next(iter(icalendar.Calendar.from_ical(raw).walk("VEVENT")))
        uid, sequence = str(event["UID"]), int(event.get("SEQUENCE", 0))
        current = self.stored(uid)
        if current is not None and int(current.get("SEQUENCE", 0)) > sequence:
            return  # an older version arriving late is ignored, as clients do
        if method in ("REQUEST", "PUBLISH"):
            response = self.client.put(
                self._url(uid), content=without_method(raw), headers={"Content-Type": "text/calendar"}
            )
            assert response.status_code in (201, 204), response.text
        elif method == "CANCEL":
            named = {str(a).lower().removeprefix("mailto:") for a in _list(event.get("ATTENDEE"))}
            if "STATUS" in event or self.owner in named:
                self.client.delete(self._url(uid))

    def uids(self) -> set[str]:
        response = self.client.request("PROPFIND", self.path, headers={"Depth": "1"})
        assert response.status_code == 207, response.text
        hrefs = [part.split("</")[0] for part in response.text.split("href>")[1::2]]
        out = set()
        for href in hrefs:
            if href.endswith(".ics"):
                got = self.client.get(href)
                out.add(str(next(iter(icalendar.Calendar.from_ical(got.content).walk("VEVENT")))["UID"]))
        return out


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else ([] if value is None else [value])


@dataclass
class Router:
    """A mail server that hands each message to its recipients' calendars, and keeps every object."""

    calendars: dict[str, CalDavCalendar]
    objects: list[tuple[str, bytes]] = field(default_factory=list)

    def send(self, message: EmailMessage, recipients: list[str]) -> None:
        wire = message_from_bytes(message.as_bytes(), policy=policy.SMTP)
        part = next((p for p in wire.walk() if p.get_content_type() == "text/calendar"), None)
        if part is None:
            return  # the facilitator's digest: not a calendar message
        raw = part.get_payload(decode=True)
        assert isinstance(raw, bytes)
        method = str(part.get_param("method"))
        self.objects.append((method, raw))
        for recipient in recipients:
            self.calendars[recipient].apply(method, raw)


def run(tmp_path: Path, database_url: str, router: Router, zone: str, *, top: str = "", **kw: Any) -> None:
    kw["group_extra"] = f"    timezone: {zone}\n    digest_hours_before: 0\n" + kw.get("group_extra", "")
    path = write_department(tmp_path, names=NAMES, **kw)
    if top:
        path.write_text(
            path.read_text(encoding="utf-8").replace("people:", top + "people:", 1), encoding="utf-8"
        )
    config = load_config(path)
    group = config.groups[0].model_copy(update={"name": GROUP})
    config = config.model_copy(update={"groups": [group]})
    run_group(config, "urim-circle", store=InviteStore.open(database_url), now=NOW, horizon=HORIZON,
              sender=router, out_dir=None)  # fmt: skip


def check_with_vobject(raw: bytes) -> None:
    """vobject reads the object and sees the same instants and texts as icalendar."""
    parsed = vobject.readOne(raw.decode("utf-8"))
    ours = next(iter(icalendar.Calendar.from_ical(raw).walk("VEVENT")))
    theirs = parsed.vevent
    assert theirs.uid.value == str(ours["UID"])
    assert theirs.dtstart.value == ours["DTSTART"].dt
    assert theirs.dtstart.value.utcoffset() == ours["DTSTART"].dt.utcoffset()
    assert theirs.summary.value == str(ours["SUMMARY"])


@pytest.mark.parametrize("zone", ZONES)
def test_every_change_reaches_each_members_calendar_on_a_caldav_server(
    tmp_path: Path, database_url: str, radicale: Radicale, zone: str
) -> None:
    suffix = zone.replace("/", "-").lower()
    calendars = {
        email: radicale.calendar(f"{email.partition('@')[0]}-{suffix}@med.example.edu")
        for email, _ in MEMBERS
    }
    for email, calendar in calendars.items():
        calendar.owner = email
    router = Router(calendars)
    weekly = {"cadence": "weekly on Tuesday", "first_session": "2025-11-04"}

    run(tmp_path, database_url, router, zone, **weekly)
    assert len(calendars["fay@med.example.edu"].uids()) == 7  # 4 Nov - 16 Dec, before she leaves
    assert len(calendars["ana@med.example.edu"].uids()) == 7  # the organizer's own copies
    everyone = [e for e, _ in MEMBERS if e != "fay@med.example.edu"]
    changed = (
        "    rescheduled_sessions: {2025-11-18: '2025-11-19 15:30'}\n    cancelled_sessions: [2025-11-25]\n"
    )
    closed = "closed_dates: [2025-12-09]\n"  # an institution closure, after the invites went out
    run(tmp_path, database_url, router, zone, top=closed, members=everyone, group_extra=changed, **weekly)
    run(tmp_path, database_url, router, zone, top=closed, members=everyone, group_extra=changed,
        organizer="ben@med.example.edu", **weekly)  # fmt: skip

    for method, raw in router.objects:
        assert itip.problems(raw, method=method) == [], method
        check_with_vobject(raw)

    assert calendars["fay@med.example.edu"].uids() == set()  # removed: every session left her calendar
    held = {"20251104", "20251111", "20251118", "20251202", "20251216"}
    expected = {f"{t}-o1.urim-circle@test-school-of-medicine.groups.mentorledger" for t in held}
    for email in everyone:
        assert calendars[email].uids() == expected, email  # old organizer's meetings gone, new ones in
    moved = calendars["cy@med.example.edu"].stored(
        "20251118-o1.urim-circle@test-school-of-medicine.groups.mentorledger"
    )
    assert moved is not None
    start = moved["DTSTART"].dt
    assert (start.date(), start.hour, start.minute, str(start.tzinfo)) == (
        dt.date(2025, 11, 19),
        15,
        30,
        zone,
    )
    assert str(moved["ORGANIZER"]) == "mailto:ben@med.example.edu"
    assert GROUP in str(moved["SUMMARY"])
    copy = calendars["ben@med.example.edu"].stored(
        "20251104-o1.urim-circle@test-school-of-medicine.groups.mentorledger"
    )
    assert copy is not None
    assert "ATTENDEE" not in copy  # the organizer's own copy (PUBLISH)
    attendees = {str(a).removeprefix("mailto:"): a.params["CN"] for a in _list(moved.get("ATTENDEE"))}
    assert attendees["cy@med.example.edu"] == NAMES["cy@med.example.edu"]
    assert attendees["dee@med.example.edu"] == NAMES["dee@med.example.edu"]
