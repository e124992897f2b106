"""Members' answers, written the way Outlook, Google Calendar and Apple Calendar write them, dropped
into a real IMAP mailbox (dovecot on loopback), read back, matched and shown on the next agenda."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import icalendar
import pytest

from mentorledger.config import Config, load_config
from mentorledger.invites.imap import ImapSettings, read_replies
from mentorledger.invites.plan import plan_group
from mentorledger.invites.run import run_group
from mentorledger.invites.store import InviteStore
from tests.invites import itip
from tests.invites.conftest import MEMBERS, write_department
from tests.invites.imapserver import ImapServer, running_imap
from tests.invites.replycases import Answering, reply_calendar, reply_message

NOW = dt.datetime(2025, 9, 1, 12, 0, tzinfo=dt.UTC)
HORIZON = dt.timedelta(days=28)
NAMES = dict(MEMBERS)
FIRST = "20250902"


@pytest.fixture(scope="module")
def imap_server() -> Iterator[ImapServer]:
    with running_imap() as server:
        yield server


@dataclass
class Mailbox:
    server: ImapServer
    name: str

    @property
    def processed(self) -> str:
        return f"{self.name}-processed"

    def settings(self) -> ImapSettings:
        return ImapSettings(
            host=self.server.host,
            port=self.server.port,
            security="none",
            mailbox=self.name,
            processed_folder=self.processed,
            user=self.server.user,
            password=self.server.password,
            timeout=10,
        )


@pytest.fixture
def mailbox(imap_server: ImapServer) -> Mailbox:
    """A folder of its own per test, so tests share one server but never each other's mail."""
    name = f"t{uuid.uuid4().hex[:10]}"
    with imap_server.client() as client:
        client.create(f'"{name}"')
    return Mailbox(imap_server, name)


@dataclass
class Recorder:
    messages: list[EmailMessage] = field(default_factory=list)

    def send(self, message: EmailMessage, recipients: list[str]) -> None:
        self.messages.append(message)

    def digests(self) -> list[EmailMessage]:
        return [m for m in self.messages if m.get_content_type() == "text/plain"]


def department(tmp_path: Path, box: Mailbox, extra: str = "") -> Config:
    imap = f"imap: {{host: 127.0.0.1, port: {box.server.port}, security: none, mailbox: {box.name}}}\n"
    path = write_department(tmp_path, group_extra=extra)
    path.write_text(
        path.read_text(encoding="utf-8").replace("people:", imap + "people:", 1), encoding="utf-8"
    )
    return load_config(path)


def send(config: Config, store: InviteStore, now: dt.datetime = NOW) -> Recorder:
    recorder = Recorder()
    run_group(config, "urim-circle", store=store, now=now, horizon=HORIZON, sender=recorder, out_dir=None)
    return recorder


def answering(store: InviteStore, attendee: str, token: str = FIRST, **kw: object) -> Answering:
    session = store.sent("urim-circle")[token]
    tz = dt.timezone(dt.timedelta(hours=-4))
    values: dict[str, object] = {
        "uid": session.uid,
        "sequence": session.sequence,
        "start": session.start.astimezone(tz),
        "end": session.end.astimezone(tz),
        "summary": "URiM Peer Circle - session 1",
        "attendee": attendee,
        "attendee_name": NAMES[attendee],
        "organizer": "ana@med.example.edu",
        "organizer_name": "Ana Ruiz",
        "dtstamp": NOW + dt.timedelta(hours=2),
        **kw,
    }
    return Answering(**values)  # type: ignore[arg-type]


def drop(box: Mailbox, case: str, who: Answering) -> None:
    box.server.deliver(reply_message(case, who), box.name)


def test_answers_from_outlook_google_and_apple_are_recorded_and_shown_on_the_next_agenda(
    tmp_path: Path, database_url: str, mailbox: Mailbox
) -> None:
    config = department(tmp_path, mailbox)
    store = InviteStore.open(database_url)
    send(config, store)
    drop(mailbox, "outlook-accepted", answering(store, "ben@med.example.edu"))
    drop(mailbox, "google-declined", answering(store, "cy@med.example.edu"))
    drop(mailbox, "apple-tentative", answering(store, "dee@med.example.edu"))

    summary = read_replies(mailbox.settings(), store, now=NOW)

    assert summary.error is None
    assert (summary.read, summary.counts["recorded"]) == (3, 3)
    assert store.answers("urim-circle")[FIRST] == {
        "ben@med.example.edu": "ACCEPTED",
        "cy@med.example.edu": "DECLINED",
        "dee@med.example.edu": "TENTATIVE",
    }
    assert mailbox.server.messages(mailbox.name) == []
    assert len(mailbox.server.messages(mailbox.processed)) == 3
    plan = plan_group(
        config,
        config.groups[0],
        sent=store.sent("urim-circle"),
        now=NOW,
        horizon=HORIZON,
        answers=store.answers("urim-circle"),
    )
    assert plan.next_up is not None
    agenda = plan.next_up.agenda.text()
    assert "Coming (2): Ana Ruiz, Ben Okafor" in agenda
    assert "Maybe (1): Dee Patel" in agenda
    assert "Not coming (1): Cy Tran" in agenda
    assert "Not answered yet (2): Eli Moreno, Fay Chen" in agenda
    assert plan.updates == []  # answers are shown, but never cause a re-send


def test_the_facilitators_digest_says_who_has_not_answered(
    tmp_path: Path, database_url: str, mailbox: Mailbox
) -> None:
    config = department(tmp_path, mailbox)
    store = InviteStore.open(database_url)
    early = NOW - dt.timedelta(days=5)  # more than 48 hours before the first session: no digest yet
    assert send(config, store, now=early).digests() == []
    drop(mailbox, "google-accepted-with-comment", answering(store, "ben@med.example.edu"))
    read_replies(mailbox.settings(), store, now=NOW)

    recorder = send(config, store)  # within 48 hours of the session
    [digest] = recorder.digests()
    assert [a.addr_spec for a in digest["To"].addresses] == ["ana@med.example.edu"]  # session 1's facilitator
    body = digest.get_content()
    assert "Coming (2): Ana Ruiz, Ben Okafor" in body
    assert "Not answered yet (4): Cy Tran, Dee Patel, Eli Moreno, Fay Chen" in body
    assert "draft aims" not in body  # the member's comment stays private
    assert "555-0199" not in body
    assert send(config, store).digests() == []  # once per session


@pytest.mark.parametrize(
    ("case", "attendee", "outcome"),
    [
        ("forged-sender", "ben@med.example.edu", "ignored"),
        ("forged-not-invited", "ben@med.example.edu", "ignored"),
        ("unknown-uid", "ben@med.example.edu", "ignored"),
        ("future-sequence", "ben@med.example.edu", "ignored"),
        ("forwarded-request", "ben@med.example.edu", "not-itip"),
        ("plain-mail", "ben@med.example.edu", "not-itip"),
        ("delegate-accepted", "ben@med.example.edu", "recorded"),
    ],
)
def test_forged_unknown_and_non_itip_mail_is_left_alone_and_never_counted(
    tmp_path: Path,
    database_url: str,
    mailbox: Mailbox,
    case: str,
    attendee: str,
    outcome: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    config = department(tmp_path, mailbox)
    store = InviteStore.open(database_url)
    send(config, store)
    drop(mailbox, case, answering(store, attendee))
    with caplog.at_level(logging.INFO, logger="mentorledger"):
        summary = read_replies(mailbox.settings(), store, now=NOW)
        again = read_replies(mailbox.settings(), store, now=NOW)  # flagged: not read twice
    assert summary.counts[outcome] == 1
    assert again.read == 0
    counted = store.answers("urim-circle").get(FIRST, {})
    if outcome == "recorded":
        assert counted == {attendee: "ACCEPTED"}
        assert len(mailbox.server.messages(mailbox.processed)) == 1
    else:
        assert counted == {}
        assert len(mailbox.server.messages(mailbox.name)) == 1  # left where it was
    logged = caplog.text
    if outcome == "ignored":
        assert "Ignored a calendar reply" in logged  # the log says why, and nothing personal
    for private in ("mallory", "ben@med.example.edu", "Ben Okafor", "see you Tuesday"):
        assert private not in logged


def test_an_answer_to_an_earlier_time_no_longer_counts_once_the_session_moved(
    tmp_path: Path, database_url: str, mailbox: Mailbox
) -> None:
    config = department(tmp_path, mailbox)
    store = InviteStore.open(database_url)
    send(config, store)
    before = answering(store, "ben@med.example.edu")
    moved = department(tmp_path, mailbox, "    rescheduled_sessions: {2025-09-02: '2025-09-03 15:00'}\n")
    assert send(moved, store).messages  # the moved session went out again, SEQUENCE 1
    assert store.sent("urim-circle")[FIRST].reply_floor == 1
    drop(mailbox, "outlook-accepted", before)  # answered the 2 Sep version, arriving late
    summary = read_replies(mailbox.settings(), store, now=NOW)
    assert summary.counts["stale"] == 1
    assert store.answers("urim-circle").get(FIRST, {}) == {}
    drop(
        mailbox,
        "apple-tentative",
        answering(store, "ben@med.example.edu", dtstamp=NOW + dt.timedelta(hours=3)),
    )
    read_replies(mailbox.settings(), store, now=NOW)
    assert store.answers("urim-circle")[FIRST] == {"ben@med.example.edu": "TENTATIVE"}


def test_a_later_answer_replaces_an_earlier_one_and_is_carried_into_the_next_update(
    tmp_path: Path, database_url: str, mailbox: Mailbox
) -> None:
    config = department(tmp_path, mailbox)
    store = InviteStore.open(database_url)
    send(config, store)
    drop(mailbox, "google-declined", answering(store, "eli@med.example.edu"))
    drop(
        mailbox,
        "outlook-accepted",
        answering(store, "eli@med.example.edu", dtstamp=NOW + dt.timedelta(hours=5)),
    )
    drop(
        mailbox,
        "apple-tentative",
        answering(store, "eli@med.example.edu", dtstamp=NOW + dt.timedelta(hours=1)),
    )
    summary = read_replies(mailbox.settings(), store, now=NOW)
    assert summary.counts["recorded"] + summary.counts["duplicate"] == 3
    assert store.answers("urim-circle")[FIRST] == {"eli@med.example.edu": "ACCEPTED"}
    # An agenda change re-sends the session; Eli's answer goes with it, so no client asks again.
    recorder = send(department(tmp_path, mailbox, "    location: Room 9, Library\n"), store)
    request = next(m for m in recorder.messages if "ben@med.example.edu" in str(m["To"]))
    raw = next(
        p
        for p in message_from_bytes(request.as_bytes(), policy=policy.default).walk()
        if p.get_content_type() == "text/calendar"
    )
    payload = raw.get_payload(decode=True)
    assert isinstance(payload, bytes)
    event = next(iter(icalendar.Calendar.from_ical(payload).walk("VEVENT")))
    partstats = {str(a).removeprefix("mailto:"): a.params["PARTSTAT"] for a in event.get("ATTENDEE")}
    assert partstats["eli@med.example.edu"] == "ACCEPTED"
    assert partstats["fay@med.example.edu"] == "NEEDS-ACTION"
    assert int(event["SEQUENCE"]) == 1


def test_an_unreachable_mail_server_is_reported_not_raised(database_url: str) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = ImapSettings(
        "127.0.0.1", port, "none", "INBOX", "done", user="u", password="secret-pw", timeout=3
    )
    summary = read_replies(settings, InviteStore.open(database_url), now=NOW)
    assert summary.error is not None
    assert "could not reach" in summary.error
    assert "secret-pw" not in summary.error
    assert "secret-pw" not in repr(settings)


def test_a_wrong_imap_password_is_a_clear_error(imap_server: ImapServer, database_url: str) -> None:
    settings = ImapSettings(
        imap_server.host,
        imap_server.port,
        "none",
        "INBOX",
        "done",
        user=imap_server.user,
        password="wrong-pw",
        timeout=5,
    )
    summary = read_replies(settings, InviteStore.open(database_url), now=NOW)
    assert summary.error is not None
    assert "refused" in summary.error
    assert "wrong-pw" not in summary.error


def test_the_samples_are_replies_as_the_rfc_and_each_client_write_them(
    tmp_path: Path, database_url: str
) -> None:
    """Google's and Apple's samples satisfy RFC 5546's REPLY table; Outlook's lacks ORGANIZER, as
    Exchange's replies do; every sample parses in vobject, a reader that shares no code with ours."""
    import vobject

    start = dt.datetime(2025, 9, 2, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=-4)))
    who = Answering(
        uid="20250902.urim-circle@test-school-of-medicine.groups.mentorledger",
        sequence=0,
        start=start,
        end=start + dt.timedelta(hours=1),
        summary="URiM Peer Circle - session 1",
        attendee="ben@med.example.edu",
        attendee_name="Ben Okafor",
        organizer="ana@med.example.edu",
        organizer_name="Ana Ruiz",
        dtstamp=NOW,
    )
    assert itip.problems(reply_calendar("google-declined", who), method="REPLY") == []
    assert itip.problems(reply_calendar("apple-tentative", who), method="REPLY") == []
    assert itip.problems(reply_calendar("outlook-accepted", who), method="REPLY") == [
        "VEVENT lacks ORGANIZER (required in REPLY)"
    ]
    for case in ("google-declined", "apple-tentative", "outlook-accepted", "delegate-accepted"):
        parsed = vobject.readOne(reply_calendar(case, who).decode())
        assert parsed.vevent.uid.value == who.uid
        assert parsed.vevent.attendee.params["PARTSTAT"][0] in ("ACCEPTED", "DECLINED", "TENTATIVE")
