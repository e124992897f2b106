"""Monthly e-mails through a real SMTP server (aiosmtpd on loopback): each mentor's digest and each
mentee's request to confirm sessions are sent once per person and month, a retried or repeated run
sends nothing twice, a failed delivery is sent by the next run, and people who turned a kind off get
none. The messages say only what they may: no title, nobody else's name or sessions."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from mentorledger.attestation.rules import Answer
from mentorledger.config import Config
from mentorledger.digests import deliveries
from mentorledger.digests.send import Mailing, attestation_requests, mentor_digests, month_of
from mentorledger.smtp import DeliveryError, SmtpSender, SmtpSettings
from mentorledger.store.ledger import Ledger
from mentorledger.store.preferences import MailKind, set_preference
from tests.attestation.support import WITH_BEN, answer, attesting_department, event
from tests.reviews.support import sync
from tests.smtpserver import Inbox, smtp_server
from tests.unit.support import ANA, BEN, CY

NOW = dt.datetime(2025, 11, 1, 12, tzinfo=dt.UTC)  # mailed on November 1, about October
PUBLIC = "https://mentoring.example.edu"
SENDER = "mentorledger@med.example.edu"
WITH_CY = (f"ORGANIZER:mailto:{ANA}", f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:{CY}")


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    with smtp_server() as box:
        yield box


@pytest.fixture
def department(tmp_path: Path, database_url: str) -> tuple[Config, Ledger]:
    config = attesting_department(
        tmp_path,
        [
            event("with-ben", 7, "09:00", "09:45", *WITH_BEN),  # every title is "#mentoring"
            event("with-ben-2", 21, "09:00", "09:30", *WITH_BEN),
            event("with-cy", 22, "11:00", "12:00", *WITH_CY),
            event("tagged", 14, "08:00", "08:30"),
        ],
        web={"public_url": PUBLIC},
    )
    ledger = Ledger.open(database_url)
    sync(config, ledger)
    return config, ledger


class Flaky:
    """The real sender, refusing ``refuse`` once (a mailbox that was full on the first run)."""

    def __init__(self, inbox: Inbox, refuse: str) -> None:
        self.sender = SmtpSender(SmtpSettings(host="127.0.0.1", port=inbox.port, security="none"))
        self.refuse: str | None = refuse

    def send(self, message: EmailMessage, recipients: list[str]) -> None:
        if recipients == [self.refuse]:
            self.refuse = None
            raise DeliveryError("the mail server refused all recipients (452)", transient=True)
        self.sender.send(message, recipients)


def mailing(config: Config, ledger: Ledger, sender: Any) -> Mailing:
    return Mailing(
        config=config,
        ledger=ledger,
        sender=sender,
        mail_from=SENDER,
        public_url=PUBLIC,
        month=month_of(None, NOW, config.tz),
        now=NOW,
    )


def smtp(inbox: Inbox) -> SmtpSender:
    return SmtpSender(SmtpSettings(host="127.0.0.1", port=inbox.port, security="none"))


def received(inbox: Inbox) -> Counter[str]:
    return Counter(to for recipients, _ in inbox.messages for to in recipients)


def message_to(inbox: Inbox, address: str) -> EmailMessage:
    (message,) = [m for to, m in inbox.messages if to == [address]]
    return message


def body(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def prose(text: str) -> str:
    """The text without its links: a random token may spell any name."""
    return re.sub(r"https?://\S+", "<link>", text)


def test_each_mentor_gets_one_digest_and_a_repeated_run_sends_nothing(
    department: tuple[Config, Ledger], inbox: Inbox
) -> None:
    config, ledger = department
    first = mentor_digests(mailing(config, ledger, smtp(inbox)))
    mentors = {ANA, "dee@med.example.edu", "eve@med.example.edu", "fay@med.example.edu"}
    mentors |= {"gus@med.example.edu", "hal@med.example.edu", "ivy@med.example.edu"}
    assert (first.period, set(first.sent)) == ("2025-10", mentors)
    again = mentor_digests(mailing(config, ledger, smtp(inbox)))  # a retried task, a second run
    assert (again.sent, again.already_sent) == ([], len(mentors))
    assert received(inbox) == Counter(mentors)


def test_a_failed_delivery_goes_out_with_the_next_run_and_nothing_else_twice(
    department: tuple[Config, Ledger], inbox: Inbox
) -> None:
    config, ledger = department
    flaky = Flaky(inbox, refuse=ANA)
    first = mentor_digests(mailing(config, ledger, flaky))
    assert first.failed == [{"recipient": ANA, "reason": "the mail server refused all recipients (452)"}]
    second = mentor_digests(mailing(config, ledger, flaky))
    assert second.sent == [ANA]
    assert set(received(inbox).values()) == {1}
    assert len(received(inbox)) == len(first.sent) + 1


def test_a_claim_left_by_a_run_that_died_is_not_sent_again(
    department: tuple[Config, Ledger], inbox: Inbox
) -> None:
    config, ledger = department
    assert deliveries.claim(ledger, "digest", "2025-10", ANA)  # the run died after sending, before recording
    result = mentor_digests(mailing(config, ledger, smtp(inbox)))
    assert result.interrupted == 1
    assert ANA not in received(inbox)


def test_the_digest_has_last_months_hours_what_awaits_and_no_titles(
    department: tuple[Config, Ledger], inbox: Inbox
) -> None:
    config, ledger = department
    answer(config, ledger, Answer.DENIED, mentee=BEN, index=1)  # Ben: the 7 October session did not happen
    mentor_digests(mailing(config, ledger, smtp(inbox)))
    message = message_to(inbox, ANA)
    text = body(message)
    assert message["Subject"] == "Your mentoring in October 2025: 2.8 hours, 1 to decide"
    assert "Hours counted in October 2025: 2.8 (peer group 0.0, mentees 2.3, other 0.5)" in text
    assert "Entries from your calendar awaiting your review: 4" in text
    assert "Sessions your mentees have not confirmed yet: 2" in text
    assert "Tue 7 Oct 2025, 09:00: Ben said it did not take place" in text
    assert f"{PUBLIC}/me/entries?month=2025-10" in text
    assert "#mentoring" not in message.as_string()
    assert "Cy" not in prose(text)
    unsubscribe = re.search(rf"{PUBLIC}/mail/off\?token=\S+", text)
    assert unsubscribe
    assert message["List-Unsubscribe"] == f"<{unsubscribe.group(0)}>"


def test_people_who_turned_a_kind_of_mail_off_get_none(
    department: tuple[Config, Ledger], inbox: Inbox
) -> None:
    config, ledger = department
    set_preference(ledger, ANA, MailKind.DIGEST, False)
    set_preference(ledger, CY, MailKind.ATTESTATION, False)
    digests = mentor_digests(mailing(config, ledger, smtp(inbox)))
    requests = attestation_requests(mailing(config, ledger, smtp(inbox)))
    assert (digests.turned_off, requests.turned_off) == (1, 1)
    assert ANA not in received(inbox)
    assert CY not in received(inbox)
    assert BEN in received(inbox)


def test_each_mentee_is_asked_once_about_their_own_unanswered_sessions_only(
    department: tuple[Config, Ledger], inbox: Inbox
) -> None:
    config, ledger = department
    answer(config, ledger, Answer.CONFIRMED, mentee=BEN, index=0)  # 21 October: already answered
    first = attestation_requests(mailing(config, ledger, smtp(inbox)))
    assert sorted(first.sent) == [BEN, CY]
    assert attestation_requests(mailing(config, ledger, smtp(inbox))).already_sent == 2
    text = body(message_to(inbox, BEN))
    assert "Sessions with Ana:" in text
    assert "- Tue 7 Oct 2025, 09:00-09:45 (45 min)" in text
    assert "21 Oct" not in text  # answered already
    assert "22 Oct" not in text
    assert "Cy" not in prose(text)
    assert "#mentoring" not in text  # no title
    links = re.findall(rf"{PUBLIC}/attest\?token=[\w-]+&answer=(yes|no|all)", text)
    assert links == ["yes", "no", "all"]
    assert "1 to confirm" in message_to(inbox, BEN)["Subject"]


def test_a_mentee_with_nothing_awaiting_gets_no_request(
    department: tuple[Config, Ledger], inbox: Inbox
) -> None:
    config, ledger = department
    answer(config, ledger, Answer.CONFIRMED, mentee=CY, index=0)
    result = attestation_requests(mailing(config, ledger, smtp(inbox)))
    assert (result.sent, result.nothing_to_send) == ([BEN], 1)
    assert deliveries.states(ledger, "attestation", "2025-10") == {BEN: "sent"}  # Cy may be asked later
