"""The invites tasks: one task run per group (never per session or member), and one that reads the
members' answers from the replies mailbox before the groups are planned; thin over the core.

It resolves the SMTP password (environment first, else the Prefect Secret block named in the YAML's
``smtp.password_secret``), then runs ``mentorledger.invites.run.run_group``. The password is passed
on in memory only; it is never logged or returned.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE

from mentorledger.errors import UserError
from mentorledger.invites.imap import ImapSettings, read_replies
from mentorledger.invites.run import run_group
from mentorledger.invites.store import InviteStore
from mentorledger.smtp import SmtpSender
from tasks.smtp import smtp_password, smtp_settings  # noqa: F401  (smtp_password: re-exported)
from tasks.sync import cached_config


@task(name="send-group-invites", cache_policy=NO_CACHE, task_run_name="invites {group_id}")
def invite_group(
    config_path: str,
    group_id: str,
    now_iso: str,
    horizon_days: int,
    send: bool,
    out_dir: str | None,
    database_url: str | None,
) -> dict[str, Any]:
    """Plan one group's sessions and send them (or write them to ``out_dir``); returns its summary."""
    config = cached_config(config_path)
    sender = None
    envelope = None
    if send:
        if config.smtp is None:
            raise UserError("the configuration has no smtp section; add smtp.host or use --out")
        settings = smtp_settings(config.smtp)
        sender, envelope = SmtpSender(settings), settings.sender
    result = run_group(
        config,
        group_id,
        store=InviteStore.open(database_url, config_path=config.source_path),
        now=dt.datetime.fromisoformat(now_iso),
        horizon=dt.timedelta(days=horizon_days),
        sender=sender,
        out_dir=Path(out_dir) if out_dir else None,
        envelope_sender=envelope,
    )
    return result.as_json()


@task(name="read-invite-replies", cache_policy=NO_CACHE)
def read_invite_replies(config_path: str, now_iso: str, database_url: str | None) -> dict[str, Any]:
    """Read the members' answers (iTIP REPLY) from the ``imap`` mailbox into the invite store."""
    config = cached_config(config_path)
    if config.imap is None:
        return {"read": 0, "error": None}
    summary = read_replies(
        ImapSettings.from_config(config.imap),
        InviteStore.open(database_url, config_path=config.source_path),
        now=dt.datetime.fromisoformat(now_iso),
    )
    return summary.as_json()
