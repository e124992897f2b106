"""Carry out a group's plan: send each session's messages, or write them to files; record what was sent.

Sending: a session's messages go out one by one; only when the server accepted all of them is the
session's new state recorded, so a failure (after the sender's own retries) leaves the session as it
was and the next run sends it again. Failures are returned and logged in ``invite_deliveries``, with
the reason and never a credential. Writing (``--out``): ``.ics`` and ``.eml`` files for every message
and the group's PUBLISH feed; nothing is recorded, so a later real send still sends everything.

After the invites, the facilitator's digest for the next session is sent (or written as
``digest-<token>.eml``) when it is due (see ``digest``); the summary says who is coming to it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Protocol

from mentorledger.config import Config
from mentorledger.errors import UserError
from mentorledger.invites.digest import Digest, digest_for
from mentorledger.invites.plan import GroupPlan, Outgoing, plan_group
from mentorledger.invites.store import Delivery, InviteStore
from mentorledger.smtp import DeliveryError


class Sender(Protocol):
    def send(self, message: EmailMessage, recipients: list[str]) -> None: ...


@dataclass(slots=True)
class GroupResult:
    group_id: str
    scheduled: bool = True
    in_horizon: int = 0
    requests: int = 0
    cancels: int = 0
    unchanged: int = 0
    organizer_copies: int = 0
    digests: int = 0
    next_session: dict[str, Any] | None = None
    failed: list[dict[str, Any]] = field(default_factory=list)
    written: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "group": self.group_id,
            "scheduled": self.scheduled,
            "sessions_in_horizon": self.in_horizon,
            "requests": self.requests,
            "cancels": self.cancels,
            "unchanged": self.unchanged,
            "organizer_copies": self.organizer_copies,
            "digests": self.digests,
            "next_session": self.next_session,
            "failed": self.failed,
            "written": self.written,
        }


def run_group(
    config: Config,
    group_id: str,
    *,
    store: InviteStore,
    now: dt.datetime,
    horizon: dt.timedelta,
    sender: Sender | None,
    out_dir: Path | None,
    envelope_sender: str | None = None,
) -> GroupResult:
    """Plan one group and send (``sender``) or write (``out_dir``) the result."""
    group = next((g for g in config.groups if g.id == group_id), None)
    if group is None:
        raise UserError(f"no group {group_id!r} in the configuration; check --group")
    result = GroupResult(group_id, scheduled=group.schedules_meetings)
    if not group.schedules_meetings:
        return result
    plan = plan_group(
        config,
        group,
        sent=store.sent(group_id),
        now=now,
        horizon=horizon,
        sender=envelope_sender,
        answers=store.answers(group_id),
    )
    result.in_horizon, result.unchanged = plan.in_horizon, plan.unchanged
    if plan.next_up is not None:
        result.next_session = {
            "token": plan.next_up.session.token,
            "start": plan.next_up.session.start.isoformat(),
            **plan.next_up.attendance.counts(),
        }
    if out_dir is not None:
        result.written = write_plan(plan, out_dir, include_messages=sender is None)
    if sender is None:
        _count(result, [m for u in plan.updates for m in u.messages])
        digest = _digest(config, group_id, plan, store, now=now, sender=envelope_sender)
        if digest is not None and out_dir is not None:
            path = out_dir / group_id / f"digest-{digest.token}.eml"
            path.write_bytes(digest.message.as_bytes())
            result.written.append(str(path))
            result.digests += 1
        return result
    for update in plan.updates:
        deliveries: list[Delivery] = []
        accepted: list[Outgoing] = []
        for outgoing in update.messages:
            try:
                sender.send(outgoing.message, list(outgoing.recipient_emails))
            except DeliveryError as exc:
                deliveries.append(_delivery(group_id, outgoing, "failed", exc.reason))
                result.failed.append(
                    {
                        "uid": outgoing.uid,
                        "method": outgoing.method,
                        "recipients": list(outgoing.recipient_emails),
                        "reason": exc.reason,
                    }
                )
                break
            deliveries.append(_delivery(group_id, outgoing, "sent", None))
            accepted.append(outgoing)
        else:
            store.record_sent(update.state, at=now)
        store.log(deliveries, at=now)
        _count(result, accepted)
    _send_digest(config, plan, result, store, sender, now=now, envelope_sender=envelope_sender)
    return result


def _digest(
    config: Config,
    group_id: str,
    plan: GroupPlan,
    store: InviteStore,
    *,
    now: dt.datetime,
    sender: str | None,
) -> Digest | None:
    group = next(g for g in config.groups if g.id == group_id)
    # What the store holds now: the next session may have been recorded (sent) just now.
    next_up = plan.next_up
    if next_up is not None:
        stored = store.sent(group_id).get(next_up.session.token)
        next_up = type(next_up)(next_up.session, next_up.agenda, next_up.attendance, stored)
    return digest_for(group, next_up, {p.email: p.name for p in config.people}, now=now, sender=sender)


def _send_digest(
    config: Config,
    plan: GroupPlan,
    result: GroupResult,
    store: InviteStore,
    sender: Sender,
    *,
    now: dt.datetime,
    envelope_sender: str | None,
) -> None:
    group_id = plan.group_id
    digest = _digest(config, group_id, plan, store, now=now, sender=envelope_sender)
    if digest is None:
        return
    try:
        sender.send(digest.message, [digest.recipient.email])
    except DeliveryError as exc:
        result.failed.append(
            {
                "uid": digest.token,
                "method": "DIGEST",
                "recipients": [digest.recipient.email],
                "reason": exc.reason,
            }
        )
        return
    store.record_digest(group_id, digest.token, at=now)
    result.digests += 1


def _count(result: GroupResult, messages: list[Outgoing]) -> None:
    members = [m for m in messages if m.reason != "organizer-copy"]
    result.requests += sum(1 for m in members if m.method == "REQUEST")
    result.cancels += sum(1 for m in members if m.method == "CANCEL")
    result.organizer_copies += sum(1 for m in messages if m.reason == "organizer-copy")


def _delivery(group_id: str, outgoing: Outgoing, outcome: str, error: str | None) -> Delivery:
    return Delivery(
        group_id, outgoing.uid, outgoing.method, outgoing.sequence, outgoing.recipient_emails, outcome, error
    )


def write_plan(plan: GroupPlan, out_dir: Path, *, include_messages: bool) -> list[str]:
    """Write the group's feed, and (``include_messages``) each message as ``.ics`` + ``.eml``."""
    folder = out_dir / plan.group_id
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    feed = folder / f"{plan.group_id}-feed.ics"
    feed.write_bytes(plan.feed)
    written.append(str(feed))
    if include_messages:
        for update in plan.updates:
            for outgoing in update.messages:
                stem = f"{outgoing.token}-{outgoing.method.lower()}-seq{outgoing.sequence}"
                if outgoing.reason == "member-removed":
                    stem += "-removed-members"
                elif outgoing.reason == "organizer-copy":
                    stem += "-organizer"
                elif outgoing.reason == "organizer-changed" and outgoing.method == "CANCEL":
                    stem += "-old-organizer"
                (folder / f"{stem}.ics").write_bytes(outgoing.calendar)
                (folder / f"{stem}.eml").write_bytes(outgoing.message.as_bytes())
                written += [str(folder / f"{stem}.ics"), str(folder / f"{stem}.eml")]
    return written
