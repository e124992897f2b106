"""Carry out a group's plan: send each session's messages, or write them to files; record what was sent.

Sending: a session's messages go out one by one; only when the server accepted all of them is the
session's new state recorded, so a failure (after the sender's own retries) leaves the session as it
was and the next run sends it again. Failures are returned and logged in ``invite_deliveries``, with
the reason and never a credential. Writing (``--out``): ``.ics`` and ``.eml`` files for every message
and the group's PUBLISH feed; nothing is recorded, so a later real send still sends everything.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Protocol

from mentorledger.config import Config
from mentorledger.errors import UserError
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
        config, group, sent=store.sent(group_id), now=now, horizon=horizon, sender=envelope_sender
    )
    result.in_horizon, result.unchanged = plan.in_horizon, plan.unchanged
    if out_dir is not None:
        result.written = write_plan(plan, out_dir, include_messages=sender is None)
    if sender is None:
        _count(result, [m for u in plan.updates for m in u.messages])
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
    return result


def _count(result: GroupResult, messages: list[Outgoing]) -> None:
    result.requests += sum(1 for m in messages if m.method == "REQUEST")
    result.cancels += sum(1 for m in messages if m.method == "CANCEL")


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
                (folder / f"{stem}.ics").write_bytes(outgoing.calendar)
                (folder / f"{stem}.eml").write_bytes(outgoing.message.as_bytes())
                written += [str(folder / f"{stem}.ics"), str(folder / f"{stem}.eml")]
    return written
