"""Delivery to a real SMTP server on loopback: the iMIP layout as received, retries, failures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from mentorledger.config import load_config
from mentorledger.invites.run import GroupResult, run_group
from mentorledger.invites.store import InviteStore
from mentorledger.retry import Backoff
from mentorledger.smtp import DeliveryError, SmtpSender, SmtpSettings
from tests.invites import itip
from tests.invites.conftest import MEMBERS, Recorder, SmtpServer, running_smtp, write_department

NOW = dt.datetime(2025, 9, 1, 12, 0, tzinfo=dt.UTC)
QUICK = Backoff(attempts=3, base_seconds=0.01, cap_seconds=0.01, jitter=False)


def sender_for(server: SmtpServer, sleeps: list[float] | None = None) -> SmtpSender:
    settings = SmtpSettings(host="127.0.0.1", port=server.port, security="none", timeout=10)
    return SmtpSender(
        settings, backoff=QUICK, sleep=(sleeps.append if sleeps is not None else lambda _s: None)
    )


def send_all(tmp_path: Path, database_url: str, server: SmtpServer, days: int = 14) -> GroupResult:
    loaded = load_config(
        write_department(tmp_path, smtp_port=server.port, group_extra="    digest_hours_before: 0\n")
    )
    return run_group(
        loaded,
        "urim-circle",
        store=InviteStore.open(database_url),
        now=NOW,
        horizon=dt.timedelta(days=days),
        sender=sender_for(server),
        out_dir=None,
    )


def test_invites_arrive_as_imip_multipart_alternative(
    tmp_path: Path, database_url: str, smtp_server: SmtpServer
) -> None:
    send_all(tmp_path, database_url, smtp_server)
    received = smtp_server.handler.messages
    assert len(received) == 2  # one session (2 Sep) within 14 days: the members' and the organizer's
    envelope, copy = received
    assert envelope.mail_from == "ana@med.example.edu"
    invited = sorted(email for email, _ in MEMBERS if email != "ana@med.example.edu")
    assert sorted(envelope.rcpt_tos) == invited
    assert copy.rcpt_tos == ["ana@med.example.edu"]
    mail = message_from_bytes(envelope.data, policy=policy.default)
    assert isinstance(mail, EmailMessage)
    assert mail.get_content_type() == "multipart/alternative"
    assert mail["Content-Class"] == "urn:content-classes:calendarmessage"
    assert str(mail["From"]) == "Ana Ruiz <ana@med.example.edu>"
    assert sorted(a.addr_spec for a in mail["To"].addresses) == invited
    parts = list(mail.iter_parts())
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html", "text/calendar"]
    calendar_part = parts[2]
    assert calendar_part.get_param("method") == "REQUEST"
    assert str(calendar_part.get_param("charset")).upper() == "UTF-8"
    raw = calendar_part.get_payload(decode=True)
    assert isinstance(raw, bytes)
    assert itip.problems(raw, method="REQUEST") == []
    agenda = parts[0].get_content()
    assert "Facilitator: Ana Ruiz. Timekeeper: Ben Okafor." in agenda
    assert "Works in progress" in parts[1].get_content()
    assert mail["Subject"] == "Invitation: URiM Peer Circle - session 1, Tue 2 Sep 10:00"


def test_a_temporary_refusal_is_retried_and_then_delivered(
    tmp_path: Path, database_url: str, smtp_server: SmtpServer
) -> None:
    smtp_server.handler.fail_first = 2
    result = send_all(tmp_path, database_url, smtp_server)
    assert smtp_server.handler.calls == 4  # two refusals, the invitation, the organizer's copy
    assert len(smtp_server.handler.messages) == 2
    assert result.failed == []
    assert set(InviteStore.open(database_url).sent("urim-circle")) == {"20250902"}


def test_a_permanent_refusal_is_reported_not_recorded_and_retried_next_run(
    tmp_path: Path, database_url: str, smtp_server: SmtpServer
) -> None:
    smtp_server.handler.fail_first = 1
    smtp_server.handler.reply = "550 5.1.1 Mailbox unavailable"
    result = send_all(tmp_path, database_url, smtp_server)
    assert smtp_server.handler.calls == 1  # a 5xx is not retried
    assert [f["reason"] for f in result.failed] == ["the mail server answered 550 5.1.1 Mailbox unavailable"]
    assert InviteStore.open(database_url).sent("urim-circle") == {}
    send_all(tmp_path, database_url, smtp_server)
    assert len(smtp_server.handler.messages) == 2
    send_all(tmp_path, database_url, smtp_server)
    assert len(smtp_server.handler.messages) == 2  # and not again once delivered


def test_an_unreachable_server_is_retried_with_backoff_then_fails_cleanly() -> None:
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sleeps: list[float] = []
    settings = SmtpSettings(
        host="127.0.0.1", port=port, security="none", user="u", password="s3cret-pw", timeout=5
    )
    sender = SmtpSender(settings, backoff=QUICK, sleep=sleeps.append)
    message = EmailMessage()
    message["From"] = "ana@med.example.edu"
    message["To"] = "ben@med.example.edu"
    message.set_content("x")
    with pytest.raises(DeliveryError) as caught:
        sender.send(message, ["ben@med.example.edu"])
    assert len(sleeps) == 2  # three attempts
    assert caught.value.transient
    assert "s3cret-pw" not in str(caught.value)
    assert "s3cret-pw" not in repr(settings)


@dataclass
class RefusesEli(Recorder):
    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if address == "eli@med.example.edu":
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_a_partly_refused_message_is_a_failure_so_it_is_sent_again(tmp_path: Path, database_url: str) -> None:
    with running_smtp(RefusesEli(), auth_require_tls=False) as server:
        result = send_all(tmp_path, database_url, server)
        assert len(server.handler.messages) == 1  # the others got it
    assert [f["reason"] for f in result.failed] == ["the mail server refused 1 of 5 recipients (550)"]
    assert InviteStore.open(database_url).sent("urim-circle") == {}  # so the next run sends it again
