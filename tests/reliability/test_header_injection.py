"""No configuration text can add a header to any e-mail the application builds.

A person's name, a group's name, the institution and a department can each hold an RFC 2047 encoded
word that decodes to a line break (``=?utf-8?q?Ana=0D=0ABcc:_evil@attacker.example?=``), its base64
and nested forms, or a raw CR/LF. Every kind of message is built from such a configuration (invite
requests and publications, the organizer's digest, the monthly mentor notice, the chair report and
the web sign-in link), serialised, and parsed back with the standard library's parser: each must hold
exactly the header fields it declares, none twice, no Bcc, and no address at the attacker's domain.
"""

from __future__ import annotations

import datetime as dt
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from mentorledger.config import load_config
from mentorledger.digests.message import notice
from mentorledger.invites.digest import digest_for
from mentorledger.invites.plan import plan_group
from mentorledger.invites.store import SentSession
from mentorledger.mailheaders import check_headers
from mentorledger.reports.delivery import build_message
from mentorledger.web.mail import link_message
from tests.invites.conftest import write_department
from tests.invites.test_mail_headers import ATTACKS, assert_no_injection

NOW = dt.datetime(2025, 9, 1, 12, 0, tzinfo=dt.UTC)
SENDER = "bot@med.example.edu"


def every_message(tmp_path: Path, attack: str) -> dict[str, EmailMessage]:
    """One of each kind of e-mail, built from a configuration whose free text is ``attack``."""
    yaml_text = attack.replace("\r\n", "\\r\\n")
    config = load_config(
        write_department(tmp_path, names={"ana@med.example.edu": yaml_text, "ben@med.example.edu": yaml_text})
    )
    ana = config.person("ana@med.example.edu")
    assert ana is not None
    assert ana.name == attack  # the attack reached the configuration as written
    group = config.groups[0].model_copy(update={"name": attack})
    plan = plan_group(config, group, sent={}, now=NOW, horizon=dt.timedelta(days=14), sender=SENDER)
    messages = {f"invite {i} {m.method}": m.message for i, u in enumerate(plan.updates) for m in u.messages}
    assert plan.next_up is not None
    stored = SentSession(group.id, "20250902", "x", 0, "f", NOW, NOW, "confirmed", ())
    nxt = plan.next_up
    digest = digest_for(
        group, type(nxt)(nxt.session, nxt.agenda, nxt.attendance, stored), {ana.email: ana.name}, now=NOW
    )
    assert digest is not None
    messages["organizer digest"] = digest.message
    messages["monthly notice"] = notice(
        sender=SENDER,
        institution=attack,
        to=(ana.name, ana.email),
        subject=f"Your mentoring in August, {ana.name}",
        text="Totals",
        unsubscribe="https://ml.med.example.edu/unsubscribe/x",
        date=NOW,
    )
    messages["chair report"] = build_message(
        sender=SENDER,
        to=["chair@med.example.edu"],
        subject=f"Mentoring effort report: {attack}, 2025-07-01 to 2026-06-30",
        body="Totals",
    )
    messages["sign-in link"] = link_message(
        sender=SENDER, to=ana.email, name=ana.name, url="https://ml.med.example.edu/l/x", institution=attack
    )
    return messages


@pytest.mark.parametrize("attack", ATTACKS, ids=["q-word", "b-word", "nested", "raw-crlf", "inside"])
def test_no_configured_text_adds_a_header_to_any_message(tmp_path: Path, attack: str) -> None:
    messages = every_message(tmp_path, attack)
    assert {"organizer digest", "monthly notice", "chair report", "sign-in link"} <= set(messages)
    assert any(name.startswith("invite") for name in messages)
    for kind, message in messages.items():
        assert_no_injection(message)
        check_headers(message)  # the shared SMTP sender's last guard agrees
        parsed = message_from_bytes(message.as_bytes(), policy=policy.default)
        declared = {name.lower() for name in message}
        assert {name.lower() for name in parsed} == declared, kind
        assert {"from", "to", "subject"} <= declared, kind
        for field in ("from", "to", "subject"):
            value = str(parsed[field])
            assert "\n" not in value, (kind, field)
            assert "\r" not in value, (kind, field)
        for field in ("from", "to"):
            assert all(a.domain == "med.example.edu" for a in parsed[field].addresses), (kind, field)


def test_the_text_itself_still_reaches_the_reader_as_plain_words(tmp_path: Path) -> None:
    messages = every_message(tmp_path, ATTACKS[0])
    parsed = message_from_bytes(messages["sign-in link"].as_bytes(), policy=policy.default)
    # What a reader sees is the decoded name on one line, not a second header.
    assert parsed["To"].addresses[0].display_name == "Ana Bcc: evil@attacker.example"
    assert parsed["To"].addresses[0].addr_spec == "ana@med.example.edu"
