"""Every mail header built from configuration text, for invites, the organizer's copy, the digest and
the chair report: no injected field survives, long non-ASCII names fold correctly, and the shared
sender refuses a message whose headers were tampered with. Decoding is checked with the RFC 2047
decoder of the standard library's legacy API (``decode_header``), as mail clients decode."""

from __future__ import annotations

import datetime as dt
from email import message_from_bytes, policy
from email.header import decode_header, make_header
from email.message import EmailMessage
from pathlib import Path

import pytest

from mentorledger.config import load_config
from mentorledger.errors import UserError
from mentorledger.invites.digest import digest_for
from mentorledger.invites.plan import plan_group
from mentorledger.invites.store import SentSession
from mentorledger.mailheaders import address_field, check_headers, header_text, set_header
from mentorledger.reports.delivery import build_message
from mentorledger.smtp import DeliveryError, SmtpSender, SmtpSettings
from tests.invites.conftest import MEMBERS, running_smtp, write_department

NOW = dt.datetime(2025, 9, 1, 12, 0, tzinfo=dt.UTC)
EVIL = "=?utf-8?q?Ana=0D=0ABcc:_evil@attacker.example?="
EVIL_B = "=?utf-8?b?QW5hDQpCY2M6IGV2aWxAYXR0YWNrZXIuZXhhbXBsZQ==?="  # the same, base64
EVIL_NESTED = "=?utf-8?q?=3D=3Futf-8=3Fq=3FX=3D0D=3D0ABcc=3A=5Fevil=40attacker.example=3F=3D?="
RAW_BREAK = "Ana\r\nBcc: evil@attacker.example"
ATTACKS = [EVIL, EVIL_B, EVIL_NESTED, RAW_BREAK, f"Dr. {EVIL} Ruiz"]


def header_block(raw: bytes) -> list[bytes]:
    """The top-level header lines as a server receives them (folded lines kept separate)."""
    return raw.split(b"\r\n\r\n", 1)[0].split(b"\r\n")


def assert_no_injection(message: EmailMessage) -> None:
    raw = message.as_bytes()
    fields = [line.split(b":", 1)[0].lower() for line in header_block(raw) if line[:1] not in (b" ", b"\t")]
    assert b"bcc" not in fields, raw[:600]
    assert len(fields) == len(set(fields) - {b"received"}), fields  # no field twice
    received = message_from_bytes(raw, policy=policy.default)
    assert received["Bcc"] is None
    for name in ("From", "To", "Sender"):
        if received[name] is not None:
            assert all("attacker" not in a.addr_spec for a in received[name].addresses)
    for line in header_block(raw):
        assert b"\n" not in line
        assert b"\r" not in line


def decoded(raw: bytes, name: str) -> str:
    """A header's value decoded by an RFC 2047 decoder (the legacy API, as clients decode)."""
    lines = header_block(raw)
    start = next(i for i, line in enumerate(lines) if line.lower().startswith(name.lower().encode() + b":"))
    value = lines[start].split(b":", 1)[1]
    for line in lines[start + 1 :]:
        if line[:1] not in (b" ", b"\t"):
            break
        value += b"\r\n" + line
    unfolded = value.decode("ascii").replace("\r\n", "")
    return str(make_header(decode_header(unfolded)))


@pytest.mark.parametrize("attack", ATTACKS)
def test_names_and_group_names_cannot_add_header_fields_to_any_invite_mail(
    tmp_path: Path, attack: str
) -> None:
    yaml_safe = attack.replace("\r\n", "\\r\\n")
    config = load_config(
        write_department(
            tmp_path,
            names={"ana@med.example.edu": yaml_safe, "ben@med.example.edu": yaml_safe},
        )
    )
    group = config.groups[0].model_copy(update={"name": attack})
    plan = plan_group(
        config, group, sent={}, now=NOW, horizon=dt.timedelta(days=14), sender="bot@med.example.edu"
    )
    messages = [m.message for u in plan.updates for m in u.messages]
    assert {m.method for u in plan.updates for m in u.messages} == {"REQUEST", "PUBLISH"}
    assert plan.next_up is not None
    stored = SentSession("urim-circle", "20250902", "x", 0, "f", NOW, NOW, "confirmed", ())
    digest = digest_for(
        group,
        type(plan.next_up)(plan.next_up.session, plan.next_up.agenda, plan.next_up.attendance, stored),
        {"ana@med.example.edu": attack},
        now=NOW,
    )
    assert digest is not None
    for message in [*messages, digest.message]:
        assert_no_injection(message)
        check_headers(message)  # what the shared sender checks before sending


def test_the_chair_report_mail_cannot_be_given_extra_fields_by_a_department_name() -> None:
    for attack in ATTACKS:
        message = build_message(
            sender="reports@med.example.edu",
            to=["chair@med.example.edu"],
            subject=f"Mentoring effort report: {attack}, 2025-07-01 to 2026-06-30",
            body="Totals",
        )
        assert_no_injection(message)
        check_headers(message)
    with pytest.raises(ValueError, match="plain e-mail address"):
        build_message(
            sender="x@y.edu\r\nBcc: evil@attacker.example", to=["c@med.example.edu"], subject="s", body="b"
        )


def test_a_long_non_ascii_name_folds_without_breaking_a_word(tmp_path: Path) -> None:
    long_name = "María Fernanda Guadalupe de la Fuente y Ñúñez-Castellanos Rodríguez"
    names = {
        "ben@med.example.edu": long_name,
        "cy@med.example.edu": "Zoë Ångström-Ñúñez de la Fuente y Pérez-Martínez Gómez",
        "dee@med.example.edu": "王小明 欧阳 (小儿科)",
        "eli@med.example.edu": "Ольга Константиновна Рождественская-Преображенская",
        "fay@med.example.edu": "Okafor, Fay (F.)",
    }
    config = load_config(write_department(tmp_path, names=names))
    plan = plan_group(config, config.groups[0], sent={}, now=NOW, horizon=dt.timedelta(days=14))
    request = next(m for u in plan.updates for m in u.messages if m.method == "REQUEST")
    raw = request.message.as_bytes()
    assert max(len(line) for line in header_block(raw)) <= 78
    to = decoded(raw, "To")
    for email, name in names.items():
        assert name in to or f'"{name}"' in to, (name, to)
        assert f"<{email}>" in to
    assert "Fue nte" not in to
    assert "Ñú ñez" not in to


def test_a_long_non_ascii_subject_folds_without_breaking_a_word(tmp_path: Path) -> None:
    config = load_config(write_department(tmp_path))
    group = config.groups[0].model_copy(
        update={"name": "Círculo de Mentoría Entre Pares de la Facultad de Medicina"}
    )
    plan = plan_group(config, group, sent={}, now=NOW, horizon=dt.timedelta(days=14))
    raw = plan.updates[0].messages[0].message.as_bytes()
    assert max(len(line) for line in header_block(raw)) <= 78
    assert decoded(raw, "Subject") == (
        "Invitation: Círculo de Mentoría Entre Pares de la Facultad de Medicina - session 1, Tue 2 Sep 10:00"
    )


def test_header_text_decodes_then_defuses() -> None:
    assert header_text(EVIL) == "Ana Bcc: evil@attacker.example"
    assert header_text(EVIL_NESTED) == "X Bcc: evil@attacker.example"
    assert "=?" not in header_text("=?x-unknown?q?abc?=")
    assert header_text("Dee Patel") == "Dee Patel"


def test_the_shared_sender_refuses_a_message_whose_headers_were_smuggled(tmp_path: Path) -> None:
    message = EmailMessage(policy=policy.SMTP)
    set_header(message, "From", address_field("From", [("Ana", "ana@med.example.edu")]))
    message.set_raw("To", "ben@med.example.edu\r\nBcc: evil@attacker.example")  # what a bug could do
    message.set_content("x")
    with running_smtp(auth_require_tls=False) as server:
        sender = SmtpSender(SmtpSettings(host="127.0.0.1", port=server.port, security="none", timeout=5))
        with pytest.raises(DeliveryError, match="unexpected headers") as caught:
            sender.send(message, ["ben@med.example.edu"])
        assert server.handler.messages == []
    assert not caught.value.transient


def test_the_sending_address_from_the_environment_must_be_one_plain_address() -> None:
    environ = {
        "MENTORLEDGER_SMTP_HOST": "127.0.0.1",
        "MENTORLEDGER_SMTP_FROM": "bot@x.edu\r\nRCPT TO:<e@evil>",
    }
    with pytest.raises(UserError, match="MENTORLEDGER_SMTP_FROM is not an e-mail address"):
        SmtpSettings.from_config(None, environ=environ)
    ok = SmtpSettings.from_config(None, environ={**environ, "MENTORLEDGER_SMTP_FROM": "Bot@Med.Example.edu"})
    assert ok.sender == "bot@med.example.edu"


def test_member_names_reach_the_invite_intact_for_every_script(tmp_path: Path) -> None:
    names = dict(MEMBERS) | {
        "ben@med.example.edu": "Ngozi Okafor-Adébáyọ̀",
        "cy@med.example.edu": "محمد عبد الله",
    }
    config = load_config(write_department(tmp_path, names=names))
    plan = plan_group(config, config.groups[0], sent={}, now=NOW, horizon=dt.timedelta(days=14))
    raw = plan.updates[0].messages[0].message.as_bytes()
    to = decoded(raw, "To")
    assert "Ngozi Okafor-Adébáyọ̀ <ben@med.example.edu>" in to
    assert "محمد عبد الله <cy@med.example.edu>" in to
