"""Members' answers to invites (iTIP REPLY, RFC 5546 section 3.2.3), read from e-mail and matched.

Clients write replies differently, and all of these are read:

- Outlook / Exchange: ``text/calendar; method=REPLY`` (often base64), Windows zone names in TZID,
  usually **no ORGANIZER**, the answer in the ATTENDEE's PARTSTAT and the subject;
- Google Calendar: the same part inside ``multipart/alternative`` plus an ``invite.ics``
  attachment (``application/ics``) holding the same object; UTC times;
- Apple Calendar: ``method=REPLY`` with an ``EMAIL=`` parameter on the ATTENDEE and
  REQUEST-STATUS; upper-case ``MAILTO:``.

A reply is matched to a session by its UID (the session's current UID in the invite store), its
SEQUENCE and its attendee, and is **ignored** (never recorded, logged without any personal text)
when it is not iTIP, names a UID this ledger never sent, an attendee not invited to that session,
comes from an address that is neither the attendee nor the attendee's SENT-BY delegate, answers a
SEQUENCE never sent, or is not an answer (ACCEPTED, TENTATIVE, DECLINED). A reply to an older version
whose time has changed since (SEQUENCE below the session's ``reply_floor``), or to a session called
off, is **stale**: processed, not counted. Comments in replies are never read into the ledger.
"""

from __future__ import annotations

import datetime as dt
import email
import logging
from dataclasses import dataclass
from email import policy
from email.message import Message
from email.utils import getaddresses
from enum import StrEnum

import icalendar

from mentorledger.config import normalize_email
from mentorledger.invites.attendance import ANSWERS
from mentorledger.invites.store import InviteStore, Reply

logger = logging.getLogger("mentorledger.invites.replies")
_MAX_CALENDAR_BYTES = 512 * 1024


class Outcome(StrEnum):
    RECORDED = "recorded"  # a new or newer answer, kept
    DUPLICATE = "duplicate"  # the same answer (or an older one) read before
    STALE = "stale"  # answers a version whose time changed since, or a session called off
    IGNORED = "ignored"  # forged, unknown or not an answer: left in the mailbox, logged
    NOT_ITIP = "not-itip"  # no calendar reply in the message at all


@dataclass(frozen=True, slots=True)
class Candidate:
    """One ATTENDEE answer found in a REPLY, before it is matched."""

    uid: str
    attendee: str
    partstat: str
    sequence: int
    dtstamp: dt.datetime
    sent_by: str | None
    recurrence: bool


def _calendar_parts(message: Message) -> list[tuple[bytes, str | None]]:
    """Every calendar object attached to the message: (bytes, the part's method parameter)."""
    found = []
    for part in message.walk():
        kind = part.get_content_type()
        name = (part.get_filename() or "").lower()
        if kind in ("text/calendar", "application/ics") or name.endswith(".ics"):
            payload = part.get_payload(decode=True)
            method = part.get_param("method")
            if isinstance(payload, bytes) and 0 < len(payload) <= _MAX_CALENDAR_BYTES:
                found.append((payload, method if isinstance(method, str) else None))
    return found


def _address(value: object) -> str:
    return normalize_email(str(value)).strip()


def candidates(raw: bytes) -> tuple[str | None, list[Candidate]]:
    """The sender's address and every REPLY answer in one e-mail (none: not iTIP)."""
    message = email.message_from_bytes(raw, policy=policy.compat32)
    senders = getaddresses([str(message.get("From", ""))])
    sender = normalize_email(senders[0][1]) if senders and senders[0][1] else None
    found: dict[tuple[str, str], Candidate] = {}
    for payload, part_method in _calendar_parts(message):
        try:
            calendar = icalendar.Calendar.from_ical(payload)
        except ValueError:
            continue
        method = str(calendar.get("METHOD", part_method or "")).upper()
        if method != "REPLY":
            continue
        for vevent in calendar.walk("VEVENT"):
            if not isinstance(vevent, icalendar.Event):  # pragma: no cover - walk gives Events
                continue
            try:
                candidate_list = list(_answers(vevent))
            except (ValueError, TypeError, KeyError):
                continue
            for candidate in candidate_list:
                found.setdefault((candidate.uid, candidate.attendee), candidate)
    return sender, list(found.values())


def _answers(vevent: icalendar.Event) -> list[Candidate]:
    uid = str(vevent.get("UID", "")).strip()
    if not uid:
        return []
    stamp = vevent.decoded("DTSTAMP") if "DTSTAMP" in vevent else None
    if not isinstance(stamp, dt.datetime):
        stamp = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    elif stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=dt.UTC)
    sequence = int(str(vevent.get("SEQUENCE", "0")).strip() or 0)
    attendees = vevent.get("ATTENDEE", [])
    out = []
    for attendee in attendees if isinstance(attendees, list) else [attendees]:
        params = getattr(attendee, "params", {})
        sent_by = params.get("SENT-BY")
        out.append(
            Candidate(
                uid=uid,
                attendee=_address(attendee),
                partstat=str(params.get("PARTSTAT", "NEEDS-ACTION")).upper(),
                sequence=sequence,
                dtstamp=stamp.astimezone(dt.UTC),
                sent_by=_address(sent_by) if sent_by else None,
                recurrence="RECURRENCE-ID" in vevent,
            )
        )
    return out


def apply_reply(store: InviteStore, raw: bytes, *, at: dt.datetime, label: str = "") -> Outcome:
    """Match the replies in one e-mail to the sessions this ledger sent and record their answers.

    ``label`` names the message in log lines (an IMAP UID); nothing from the message itself is logged
    except the session it claims to answer."""
    sender, found = candidates(raw)
    if not found:
        logger.info("Message %s is not a calendar reply; left in the mailbox", label or "(unnamed)")
        return Outcome.NOT_ITIP
    if sender is not None:  # a REPLY carries one attendee: the one answering (others are not theirs)
        own = [c for c in found if sender in (c.attendee, c.sent_by)]
        found = own or found
    outcomes = [_apply(store, c, sender, at=at, label=label) for c in found]
    for outcome in (Outcome.RECORDED, Outcome.DUPLICATE, Outcome.STALE):
        if outcome in outcomes:
            return outcome
    return Outcome.IGNORED


def _ignored(label: str, uid: str, why: str) -> Outcome:
    logger.warning(
        "Ignored a calendar reply%s to %s: %s", f" (message {label})" if label else "", uid[:80], why
    )
    return Outcome.IGNORED


def _apply(store: InviteStore, c: Candidate, sender: str | None, *, at: dt.datetime, label: str) -> Outcome:
    session = store.session_by_uid(c.uid)
    if session is None:
        return _ignored(label, "an unknown UID", "the UID is not one of the sessions this ledger sent")
    if c.recurrence:
        return _ignored(label, c.uid, "it answers one occurrence of a series; sessions are single events")
    if c.attendee not in session.attendees:
        return _ignored(label, c.uid, "the attendee was not invited to this session")
    if sender is not None and sender not in (c.attendee, c.sent_by):
        return _ignored(label, c.uid, "the sender is neither the attendee nor their delegate (SENT-BY)")
    if c.partstat not in ANSWERS:
        return _ignored(label, c.uid, f"{c.partstat[:20]} is not an answer (accepted, tentative, declined)")
    if c.sequence > session.sequence:
        return _ignored(label, c.uid, f"SEQUENCE {c.sequence} was never sent (last sent {session.sequence})")
    if c.sequence < session.reply_floor or session.status != "confirmed":
        logger.info(
            "A reply to %s answers an earlier time of the session or a session called off", c.uid[:80]
        )
        return Outcome.STALE
    reply = Reply(uid=c.uid, attendee=c.attendee, partstat=c.partstat, sequence=c.sequence, dtstamp=c.dtstamp)
    return (
        Outcome.RECORDED
        if store.record_reply(session.group_id, session.token, reply, at=at)
        else Outcome.DUPLICATE
    )
