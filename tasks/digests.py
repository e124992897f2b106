"""The monthly-mail task: one task run per mailing (every recipient of it), thin over the core.

Retrying it is safe, which is why it has retries: each person's message is claimed in the ledger
before it is sent and recorded once the server accepted it (``mentorledger.digests.deliveries``), so
a retried run sends only what the failed one did not.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE

from mentorledger.digests.send import Mailing, attestation_requests, mentor_digests, month_of, public_url_of
from mentorledger.errors import UserError
from mentorledger.smtp import FROM_ENV, SmtpSender
from mentorledger.store.ledger import Ledger
from tasks.smtp import smtp_settings
from tasks.sync import cached_config

KINDS = {"mentor": mentor_digests, "attestation": attestation_requests}


class FileSender:
    """Writes each message as ``<recipient>.eml`` into a folder instead of sending it (a preview)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def send(self, message: Any, recipients: list[str]) -> None:
        (self.folder / f"{recipients[0]}.eml").write_bytes(message.as_bytes())


@task(name="send-monthly-mail", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=30)
def send_monthly_mail(
    config_path: str,
    kind: str,
    month: str | None,
    now_iso: str,
    database_url: str | None,
    out_dir: str | None = None,
) -> dict[str, Any]:
    """Send (or, with ``out_dir``, write) one mailing; returns what it did."""
    if kind not in KINDS:
        raise UserError(f"kind {kind!r} is not one of {', '.join(KINDS)}")
    config = cached_config(config_path)
    now = dt.datetime.fromisoformat(now_iso)
    if out_dir is None:
        settings = smtp_settings(config.smtp)
        if not settings.sender:
            raise UserError(f"monthly e-mail needs a sender: set smtp.from_address or {FROM_ENV}")
        sender: Any = SmtpSender(settings)
        mail_from = settings.sender
    else:
        sender = FileSender(Path(out_dir) / f"{kind}-{month_of(month, now, config.tz).start:%Y-%m}")
        mail_from = (config.smtp.from_address if config.smtp else None) or "mentorledger@localhost"
    mailing = Mailing(
        config=config,
        ledger=Ledger.open(database_url, config_path=config.source_path),
        sender=sender,
        mail_from=mail_from,
        public_url=public_url_of(config),
        month=month_of(month, now, config.tz),
        now=now,
        record=out_dir is None,
    )
    return KINDS[kind](mailing).as_json()
