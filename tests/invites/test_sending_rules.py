"""Idempotent sending: what goes out on each run, with which SEQUENCE, and what is remembered."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import icalendar
import pytest

from mentorledger.config import load_config
from mentorledger.invites.run import GroupResult, run_group
from mentorledger.invites.store import InviteStore
from mentorledger.smtp import DeliveryError
from tests.invites import itip
from tests.invites.conftest import MEMBERS, write_department

NOW = dt.datetime(2025, 9, 1, 12, 0, tzinfo=dt.UTC)
HORIZON = dt.timedelta(days=90)
EVERYONE = [email for email, _ in MEMBERS]
ORGANIZER = "ana@med.example.edu"
INVITED = [e for e in EVERYONE if e != ORGANIZER]  # the organizer gets their own copy instead


def uid(token: str) -> str:
    return f"{token}.urim-circle@test-school-of-medicine.groups.mentorledger"


@dataclass
class Sent:
    method: str
    uid: str
    sequence: int
    recipients: list[str]
    calendar: bytes


@dataclass
class FakeSender:
    """Records what would go out; fails every message whose UID is in ``failing``."""

    failing: set[str] = field(default_factory=set)
    sent: list[Sent] = field(default_factory=list)
    copies: list[Sent] = field(default_factory=list)  # what the organizer got

    def send(self, message: EmailMessage, recipients: list[str]) -> None:
        wire = message_from_bytes(message.as_bytes(), policy=policy.SMTP)  # as a server receives it
        part = next(p for p in wire.walk() if p.get_content_type() == "text/calendar")
        raw = part.get_payload(decode=True)
        assert isinstance(raw, bytes)
        event = next(iter(icalendar.Calendar.from_ical(raw).walk("VEVENT")))
        if str(event["UID"]) in self.failing:
            raise DeliveryError("the mail server answered 550 mailbox unavailable", transient=False)
        method = str(part.get_param("method"))
        assert itip.problems(raw, method=method) == []
        sent = Sent(method, str(event["UID"]), int(event["SEQUENCE"]), recipients, raw)
        (self.copies if recipients == [ORGANIZER] else self.sent).append(sent)


def run(
    tmp_path: Path,
    database_url: str,
    sender: FakeSender,
    *,
    now: dt.datetime = NOW,
    horizon: dt.timedelta = HORIZON,
    top: str = "",
    **config: Any,
) -> GroupResult:
    """One run of the group's invites; ``top``: top-level YAML keys (holidays, closed_dates)."""
    # The facilitator's digest has its own tests (test_replies_imap); here only invites go out.
    config["group_extra"] = "    digest_hours_before: 0\n" + config.get("group_extra", "")
    path = write_department(tmp_path, **config)
    if top:
        path.write_text(
            path.read_text(encoding="utf-8").replace("people:", top + "people:", 1), encoding="utf-8"
        )
    return run_group(
        load_config(path),
        "urim-circle",
        store=InviteStore.open(database_url),
        now=now,
        horizon=horizon,
        sender=sender,
        out_dir=None,
    )


def stored_sequences(database_url: str) -> dict[str, int]:
    return {t: s.sequence for t, s in InviteStore.open(database_url).sent("urim-circle").items()}


def test_first_run_invites_everyone_and_a_rerun_sends_nothing(tmp_path: Path, database_url: str) -> None:
    first = FakeSender()
    result = run(tmp_path, database_url, first)
    assert (result.requests, result.cancels, result.unchanged, result.organizer_copies) == (7, 0, 0, 7)
    assert all(s.method == "REQUEST" and s.sequence == 0 for s in first.sent)
    assert all(sorted(s.recipients) == sorted(INVITED) for s in first.sent)
    assert len({s.uid for s in first.sent}) == 7
    assert [(c.method, c.uid, c.sequence) for c in first.copies] == [
        ("PUBLISH", s.uid, 0) for s in first.sent
    ]
    again = FakeSender()
    result = run(tmp_path, database_url, again)
    assert again.sent == again.copies == []
    assert (result.requests, result.unchanged) == (0, 7)


def test_moving_a_session_raises_its_sequence_and_only_it_is_resent(
    tmp_path: Path, database_url: str
) -> None:
    run(tmp_path, database_url, FakeSender())
    moved = "    rescheduled_sessions: {2025-10-14: '2025-10-15 14:00'}\n"
    sender = FakeSender()
    run(tmp_path, database_url, sender, group_extra=moved)
    # The moved session gets SEQUENCE 1, and so does the one before it: its agenda names the date of
    # the next session, and every change a member sees raises SEQUENCE (issue 13, defect 2).
    assert [(s.method, s.uid, s.sequence) for s in sender.sent] == [
        ("REQUEST", uid("20250930"), 1),
        ("REQUEST", uid("20251014"), 1),
    ]
    assert "next session Wed 15 Oct 2025" in " ".join(
        str(
            next(iter(icalendar.Calendar.from_ical(sender.sent[0].calendar).walk("VEVENT")))["DESCRIPTION"]
        ).split()
    )
    start = next(iter(icalendar.Calendar.from_ical(sender.sent[1].calendar).walk("VEVENT")))["DTSTART"].dt
    assert (start.date(), start.hour) == (dt.date(2025, 10, 15), 14)
    assert stored_sequences(database_url)["20251014"] == 1
    quiet = FakeSender()
    run(tmp_path, database_url, quiet, group_extra=moved)
    assert quiet.sent == []


def test_an_agenda_or_place_change_raises_the_sequence_so_every_client_applies_it(
    tmp_path: Path, database_url: str
) -> None:
    run(tmp_path, database_url, FakeSender())
    sender = FakeSender()
    run(tmp_path, database_url, sender, group_extra="    location: Room 9, Library\n")
    assert len(sender.sent) == 7
    assert {s.sequence for s in sender.sent} == {1}
    assert {c.sequence for c in sender.copies} == {1}
    assert set(stored_sequences(database_url).values()) == {1}


def test_removing_a_member_cancels_for_them_and_updates_the_others(tmp_path: Path, database_url: str) -> None:
    run(tmp_path, database_url, FakeSender())
    sender = FakeSender()
    remaining = [e for e in EVERYONE if e != "fay@med.example.edu"]
    result = run(tmp_path, database_url, sender, members=remaining)
    cancels = [s for s in sender.sent if s.method == "CANCEL"]
    requests = [s for s in sender.sent if s.method == "REQUEST"]
    assert (result.cancels, result.requests) == (7, 7)
    assert all(c.recipients == ["fay@med.example.edu"] for c in cancels)
    for cancel in cancels:
        event = next(iter(icalendar.Calendar.from_ical(cancel.calendar).walk("VEVENT")))
        assert str(event["ATTENDEE"]) == "mailto:fay@med.example.edu"  # the only attendee
        assert "STATUS" not in event  # RFC 5546 3.2.5: the session goes on for the others
    assert all(sorted(r.recipients) == sorted(e for e in remaining if e != ORGANIZER) for r in requests)
    assert {s.sequence for s in sender.sent} == {1}
    assert set(stored_sequences(database_url).values()) == {1}


def test_cancelling_a_session_sends_cancel_once(tmp_path: Path, database_url: str) -> None:
    run(tmp_path, database_url, FakeSender())
    cancelled = "    cancelled_sessions: [2025-09-30]\n"
    sender = FakeSender()
    run(tmp_path, database_url, sender, group_extra=cancelled)
    assert [(s.method, s.uid, s.sequence) for s in sender.sent] == [
        ("REQUEST", uid("20250916"), 1),  # its agenda names the next session
        ("CANCEL", uid("20250930"), 1),
    ]
    assert sorted(sender.sent[1].recipients) == sorted(INVITED)
    assert [(c.method, c.uid) for c in sender.copies] == [
        ("PUBLISH", uid("20250916")),
        ("CANCEL", uid("20250930")),
    ]
    assert InviteStore.open(database_url).sent("urim-circle")["20250930"].status == "cancelled"
    quiet = FakeSender()
    run(tmp_path, database_url, quiet, group_extra=cancelled)
    assert quiet.sent == []
    restored = FakeSender()
    run(tmp_path, database_url, restored)  # the cancellation is withdrawn
    reinstated = [s for s in restored.sent if s.uid == uid("20250930")]
    assert [(s.method, s.sequence) for s in reinstated] == [("REQUEST", 2)]


def test_sessions_gone_from_a_new_cadence_are_cancelled(tmp_path: Path, database_url: str) -> None:
    run(tmp_path, database_url, FakeSender())
    sender = FakeSender()
    run(tmp_path, database_url, sender, cadence="every 2 weeks on Wednesday", first_session="2025-09-03")
    cancelled = {s.uid for s in sender.sent if s.method == "CANCEL"}
    invited = {s.uid for s in sender.sent if s.method == "REQUEST"}
    assert len(cancelled) == 7
    assert all(uid.startswith("202509") or uid.startswith(("202510", "202511")) for uid in cancelled)
    assert len(invited) == 7
    assert not cancelled & invited


def test_sessions_already_started_are_left_alone(tmp_path: Path, database_url: str) -> None:
    run(tmp_path, database_url, FakeSender())
    later = dt.datetime(2025, 9, 20, 12, 0, tzinfo=dt.UTC)  # sessions of 2 and 16 Sep are over
    sender = FakeSender()
    run(tmp_path, database_url, sender, now=later, group_extra="    location: Room 9\n")
    assert uid("20250902") not in {s.uid for s in sender.sent}
    assert uid("20250916") not in {s.uid for s in sender.sent}
    assert uid("20250930") in {s.uid for s in sender.sent}


def test_a_failed_send_is_reported_not_recorded_and_sent_next_time(tmp_path: Path, database_url: str) -> None:
    failing = uid("20250916")
    result = run(tmp_path, database_url, FakeSender(failing={failing}))
    assert result.requests == 6
    assert [(f["uid"], f["method"]) for f in result.failed] == [(failing, "REQUEST")]
    assert "550" in result.failed[0]["reason"]
    assert "20250916" not in stored_sequences(database_url)
    log = InviteStore.open(database_url).deliveries("urim-circle")
    assert [d.outcome for d in log if d.uid == failing] == ["failed"]
    retry = FakeSender()
    result = run(tmp_path, database_url, retry)
    assert [s.uid for s in retry.sent] == [failing]
    assert result.failed == []
    assert stored_sequences(database_url)["20250916"] == 0


def test_out_mode_writes_files_and_records_nothing(tmp_path: Path, database_url: str) -> None:
    loaded = load_config(write_department(tmp_path))
    out = tmp_path / "out"
    result = run_group(
        loaded,
        "urim-circle",
        store=InviteStore.open(database_url),
        now=NOW,
        horizon=HORIZON,
        sender=None,
        out_dir=out,
    )
    assert result.requests == 7
    files = sorted(p.name for p in (out / "urim-circle").iterdir())
    assert "urim-circle-feed.ics" in files
    assert len([f for f in files if f.endswith(".eml") and "-request-" in f]) == 7
    assert len([f for f in files if f.endswith("-organizer.eml") and "-publish-" in f]) == 7
    for path in (out / "urim-circle").glob("*-request-*.ics"):
        assert itip.problems(path.read_bytes(), method="REQUEST") == []
    assert stored_sequences(database_url) == {}


def test_an_unknown_group_is_a_user_error(tmp_path: Path, database_url: str) -> None:
    from mentorledger.errors import UserError

    loaded = load_config(write_department(tmp_path))
    with pytest.raises(UserError, match="no group 'nope'"):
        run_group(
            loaded,
            "nope",
            store=InviteStore.open(database_url),
            now=NOW,
            horizon=HORIZON,
            sender=None,
            out_dir=None,
        )


def test_adding_a_member_invites_them_and_raises_the_sequence(tmp_path: Path, database_url: str) -> None:
    five = [e for e in EVERYONE if e != "fay@med.example.edu"]
    run(tmp_path, database_url, FakeSender(), members=five)
    sender = FakeSender()
    run(tmp_path, database_url, sender)
    assert len(sender.sent) == 7
    assert all(s.method == "REQUEST" and s.sequence == 1 for s in sender.sent)
    assert all("fay@med.example.edu" in s.recipients for s in sender.sent)
