"""Run one monthly mailing: for each person, claim, build, send, record (see ``deliveries``).

``mentor_digests`` mails every mentor (anyone with a calendar, a mentee or a group) who did not turn
digests off; ``attestation_requests`` mails every mentee (``attestation.enabled``) who did not opt out
and has sessions awaiting an answer that ended in the last ``attestation.lookback_months`` months.
A mailing is named by its kind and month (``2026-03``: the month a digest is about; for requests, the
month they are sent after), so running it again, or a retried run, sends nothing twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any, Protocol

from mentorledger.attestation.sessions import sessions_by_mentee, wanted_of
from mentorledger.attestation.store import recorded_answers
from mentorledger.config import Config, Window
from mentorledger.coverage import last_instant_date
from mentorledger.digests import deliveries
from mentorledger.digests.mentee import Linked, request_text
from mentorledger.digests.mentor import digest_text, mentor_digest
from mentorledger.digests.message import notice
from mentorledger.errors import UserError
from mentorledger.explain import Roster
from mentorledger.exports.activities import mentors
from mentorledger.reports.basis import LedgerView
from mentorledger.smtp import DeliveryError
from mentorledger.store.ledger import Ledger
from mentorledger.store.mail_links import issue_links
from mentorledger.store.preferences import MailKind, turned_off

OPT_OUT_DAYS = 180


class Sender(Protocol):
    def send(self, message: EmailMessage, recipients: list[str]) -> None: ...


@dataclass(slots=True)
class MailingResult:
    kind: str
    period: str
    sent: list[str] = field(default_factory=list)
    already_sent: int = 0
    interrupted: int = 0  # claimed by a run that died before recording the outcome: not sent again
    turned_off: int = 0
    nothing_to_send: int = 0
    failed: list[dict[str, str]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "period": self.period,
            "sent": len(self.sent),
            "already_sent": self.already_sent,
            "interrupted": self.interrupted,
            "turned_off": self.turned_off,
            "nothing_to_send": self.nothing_to_send,
            "failed": self.failed,
        }


@dataclass(frozen=True, slots=True)
class Mailing:
    """What every message of a mailing needs: where to send from, where links point, the month."""

    config: Config
    ledger: Ledger
    sender: Sender
    mail_from: str
    public_url: str
    month: Window
    now: dt.datetime  # what counts is counted as of then; links are valid from when they are issued
    record: bool = True  # False: write-only runs (files), nothing remembered as sent

    @property
    def period(self) -> str:
        return f"{self.month.start:%Y-%m}"


def month_of(value: str | None, now: dt.datetime, tz: dt.tzinfo) -> Window:
    """The month a mailing is about: ``YYYY-MM``, default the calendar month before ``now``'s."""
    if value:
        try:
            first = dt.date.fromisoformat(f"{value}-01")
        except ValueError:
            raise UserError(f"month {value!r} is not a month; use YYYY-MM, e.g. 2026-03") from None
    else:
        today = now.astimezone(tz).date()
        first = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return Window(start=first, end=following - dt.timedelta(days=1))


def public_url_of(config: Config) -> str:
    if not config.web.public_url:
        raise UserError(
            f"{config.source_path}: web.public_url is needed for monthly e-mails (their links point to the "
            "web app); set it to the address people use, e.g. https://mentoring.example.edu"
        )
    return config.web.public_url.rstrip("/")


def _opt_out(m: Mailing, email: str, kind: MailKind) -> str:
    (token,) = issue_links(
        m.ledger,
        [(email, "opt-out", {"kind": str(kind)})],
        lifetime=dt.timedelta(days=OPT_OUT_DAYS),
    )
    return f"{m.public_url}/mail/off?token={token}"


def _deliver(
    m: Mailing, kind: MailKind, email: str, build: Callable[[], EmailMessage | None], result: MailingResult
) -> None:
    """Claim, build, send and record one person's message (``build`` None: nothing to say)."""
    if m.record and not deliveries.claim(m.ledger, str(kind), m.period, email):
        if deliveries.states(m.ledger, str(kind), m.period).get(email) == deliveries.SENT:
            result.already_sent += 1
        else:
            result.interrupted += 1
        return
    message = build()
    if message is None:
        result.nothing_to_send += 1
        if m.record:
            deliveries.release(m.ledger, str(kind), m.period, email)
        return
    try:
        m.sender.send(message, [email])
    except DeliveryError as exc:
        result.failed.append({"recipient": email, "reason": exc.reason})
        if m.record:
            deliveries.release(m.ledger, str(kind), m.period, email)
        return
    if m.record:
        deliveries.mark_sent(m.ledger, str(kind), m.period, email)
    result.sent.append(email)


def mentor_digests(m: Mailing) -> MailingResult:
    """Every mentor's digest of ``m.month``."""
    config = m.config
    result = MailingResult(str(MailKind.DIGEST), m.period)
    year = config.effective_window(last_instant_date(m.now, config.tz))
    view = LedgerView.load(config, m.ledger, [m.month, year], m.now)
    roster = Roster.of(config)
    recorded = recorded_answers(m.ledger) if config.attestation.enabled else None
    off = turned_off(m.ledger, MailKind.DIGEST)
    for person in mentors(config):
        if person.email in off:
            result.turned_off += 1
            continue

        def build(person: Any = person) -> EmailMessage:
            digest = mentor_digest(view, person, m.month, year, roster, recorded)
            unsubscribe = _opt_out(m, person.email, MailKind.DIGEST)
            subject, text = digest_text(
                digest, public_url=m.public_url, unsubscribe=unsubscribe, tz=config.tz
            )
            return notice(
                sender=m.mail_from,
                institution=config.institution,
                to=(person.name, person.email),
                subject=subject,
                text=text,
                unsubscribe=unsubscribe,
                date=m.now,
            )

        _deliver(m, MailKind.DIGEST, person.email, build, result)
    return result


def _since(m: Mailing) -> dt.datetime:
    """The start of the oldest month a request asks about (``lookback_months`` up to this month)."""
    config = m.config
    first = m.now.astimezone(config.tz).date().replace(day=1)
    for _ in range(config.attestation.lookback_months - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return dt.datetime.combine(first, dt.time(), config.tz).astimezone(dt.UTC)


def attestation_requests(m: Mailing) -> MailingResult:
    """Every mentee's request to confirm the sessions that await their answer."""
    config = m.config
    result = MailingResult(str(MailKind.ATTESTATION), m.period)
    if not config.attestation.enabled:
        raise UserError(
            f"{config.source_path}: attestation is off; set attestation.enabled: true to send requests"
        )
    roster = Roster.of(config)
    off = turned_off(m.ledger, MailKind.ATTESTATION)
    lifetime = dt.timedelta(days=config.attestation.link_days)
    asked = sessions_by_mentee(config, m.ledger, as_of=m.now, since=_since(m))
    for mentee in sorted({r.mentee for r in config.relationships}):
        if mentee in off:
            result.turned_off += 1
            continue

        def build(mentee: str = mentee) -> EmailMessage | None:
            waiting = [s for s in asked.get(mentee, []) if not s.answered]
            if not waiting:
                return None
            one = [
                (mentee, "attest", {"scope": "one", "sessions": [list(wanted_of(s.meeting))]})
                for s in waiting
            ]
            every = (
                mentee,
                "attest",
                {"scope": "all", "sessions": [list(wanted_of(s.meeting)) for s in waiting]},
            )
            *tokens, all_token = issue_links(m.ledger, [*one, every], lifetime=lifetime)
            link = f"{m.public_url}/attest?token="
            linked = [
                Linked(s, f"{link}{t}&answer=yes", f"{link}{t}&answer=no")
                for s, t in zip(waiting, tokens, strict=True)
            ]
            unsubscribe = _opt_out(m, mentee, MailKind.ATTESTATION)
            subject, text = request_text(
                roster.name(mentee),
                linked,
                all_yes=f"{link}{all_token}&answer=all",
                page=f"{m.public_url}/mentee",
                unsubscribe=unsubscribe,
                roster=roster,
                tz=config.tz,
            )
            return notice(
                sender=m.mail_from,
                institution=config.institution,
                to=(roster.name(mentee), mentee),
                subject=subject,
                text=text,
                unsubscribe=unsubscribe,
                date=m.now,
            )

        _deliver(m, MailKind.ATTESTATION, mentee, build, result)
    return result
