"""Single-use links sent by e-mail (a mentee's "yes, we met" / "no", an opt-out), in the ledger.

A link carries a random 256-bit token; only its SHA-256 is stored, with what the link does
(``purpose``, ``payload``), until when it works and when it was used. Like the sign-in links: nobody
can forge one without the mail, a link works once (one atomic UPDATE, so two tabs racing with one
link do its work once), and it expires. No signing key has to reach the process that sends the mail.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from mentorledger.store.ledger import Ledger
from mentorledger.store.schema import MailLinkRow
from mentorledger.store.web_auth import token_hash


@dataclass(frozen=True, slots=True)
class MailLink:
    email: str
    purpose: str
    payload: dict[str, Any]
    expires_at: dt.datetime


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def issue_links(
    ledger: Ledger,
    links: list[tuple[str, str, dict[str, Any]]],
    *,
    lifetime: dt.timedelta,
    now: dt.datetime | None = None,
) -> list[str]:
    """A token for each (email, purpose, payload), in one transaction; returns the tokens in order."""
    at = now or _now()
    tokens = [secrets.token_urlsafe(32) for _ in links]
    if not links:
        return tokens
    with Session(ledger.engine) as session, session.begin():
        session.execute(
            insert(MailLinkRow),
            [
                {
                    "token_hash": token_hash(token),
                    "email": email,
                    "purpose": purpose,
                    "payload": payload,
                    "created_at": at,
                    "expires_at": at + lifetime,
                    "used_at": None,
                }
                for token, (email, purpose, payload) in zip(tokens, links, strict=True)
            ],
        )
        session.execute(delete(MailLinkRow).where(MailLinkRow.expires_at < at - dt.timedelta(days=30)))
    return tokens


def peek_link(ledger: Ledger, token: str, purpose: str, *, now: dt.datetime | None = None) -> MailLink | None:
    """What an unused, unexpired link of ``purpose`` would do (without using it)."""
    with Session(ledger.engine) as session:
        row = session.scalar(
            select(MailLinkRow).where(
                MailLinkRow.token_hash == token_hash(token),
                MailLinkRow.purpose == purpose,
                MailLinkRow.used_at.is_(None),
                MailLinkRow.expires_at > (now or _now()),
            )
        )
        return MailLink(row.email, row.purpose, dict(row.payload), row.expires_at) if row else None


def use_link(ledger: Ledger, token: str, purpose: str, *, now: dt.datetime | None = None) -> MailLink | None:
    """Use the link once; None if it is unknown, of another purpose, used or expired."""
    at = now or _now()
    hashed = token_hash(token)
    with Session(ledger.engine) as session, session.begin():
        used = session.execute(
            update(MailLinkRow)
            .where(
                MailLinkRow.token_hash == hashed,
                MailLinkRow.purpose == purpose,
                MailLinkRow.used_at.is_(None),
                MailLinkRow.expires_at > at,
            )
            .values(used_at=at)
        )
        if used.rowcount != 1:  # type: ignore[attr-defined]
            return None
        row = session.scalar(select(MailLinkRow).where(MailLinkRow.token_hash == hashed))
        assert row is not None
        return MailLink(row.email, row.purpose, dict(row.payload), row.expires_at)
