"""Sign-in state of the web app in the ledger database: one-time links, link requests (for rate
limits) and browser sessions. Tokens are stored only as SHA-256 hashes; addresses and clients in the
request log only as keyed hashes, so the table says nothing about who asked unless you hold the key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from mentorledger.store.ledger import Ledger
from mentorledger.store.schema import LoginLinkRow, LoginRequestRow, WebSessionRow

LINK_LIFETIME = dt.timedelta(minutes=15)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def keyed_hash(key: str, value: str) -> str:
    return hmac.new(key.encode("utf-8"), value.encode("utf-8"), hashlib.sha256).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True, slots=True)
class LinkGrant:
    email: str
    next_path: str


def issue_link(ledger: Ledger, email: str, next_path: str, *, now: dt.datetime | None = None) -> str:
    """A new single-use sign-in token for ``email``, valid for 15 minutes; only its hash is stored."""
    at = now or _now()
    token = secrets.token_urlsafe(32)
    with Session(ledger.engine) as session, session.begin():
        session.execute(
            insert(LoginLinkRow).values(
                token_hash=token_hash(token),
                email=email,
                next_path=next_path,
                created_at=at,
                expires_at=at + LINK_LIFETIME,
                used_at=None,
            )
        )
    return token


def peek_link(ledger: Ledger, token: str, *, now: dt.datetime | None = None) -> LinkGrant | None:
    """Who the token would sign in, if it is unused and unexpired (without using it)."""
    with Session(ledger.engine) as session:
        row = session.scalar(
            select(LoginLinkRow).where(
                LoginLinkRow.token_hash == token_hash(token),
                LoginLinkRow.used_at.is_(None),
                LoginLinkRow.expires_at > (now or _now()),
            )
        )
        return LinkGrant(row.email, row.next_path) if row else None


def use_link(ledger: Ledger, token: str, *, now: dt.datetime | None = None) -> LinkGrant | None:
    """Use the token once: one atomic UPDATE, so two tabs racing with one link get one session."""
    at = now or _now()
    hashed = token_hash(token)
    with Session(ledger.engine) as session, session.begin():
        used = session.execute(
            update(LoginLinkRow)
            .where(
                LoginLinkRow.token_hash == hashed,
                LoginLinkRow.used_at.is_(None),
                LoginLinkRow.expires_at > at,
            )
            .values(used_at=at)
        )
        if used.rowcount != 1:  # type: ignore[attr-defined]
            return None
        row = session.scalar(select(LoginLinkRow).where(LoginLinkRow.token_hash == hashed))
        assert row is not None
        return LinkGrant(row.email, row.next_path)


def recent_requests(
    ledger: Ledger, *, email_hash: str, client_hash: str, since: dt.datetime
) -> tuple[int, int]:
    """How many link requests this address, and this client, made since ``since``."""
    with Session(ledger.engine) as session:
        by_email = session.scalar(
            select(func.count())
            .select_from(LoginRequestRow)
            .where(LoginRequestRow.email_hash == email_hash, LoginRequestRow.at >= since)
        )
        by_client = session.scalar(
            select(func.count())
            .select_from(LoginRequestRow)
            .where(LoginRequestRow.client_hash == client_hash, LoginRequestRow.at >= since)
        )
    return int(by_email or 0), int(by_client or 0)


def record_request(
    ledger: Ledger, *, email_hash: str, client_hash: str, now: dt.datetime | None = None
) -> None:
    at = now or _now()
    with Session(ledger.engine) as session, session.begin():
        session.execute(insert(LoginRequestRow).values(at=at, email_hash=email_hash, client_hash=client_hash))
        # Housekeeping on the way: nothing older than a day is needed for any limit or link.
        old = at - dt.timedelta(days=1)
        session.execute(delete(LoginRequestRow).where(LoginRequestRow.at < old))
        session.execute(delete(LoginLinkRow).where(LoginLinkRow.expires_at < old))
        session.execute(delete(WebSessionRow).where(WebSessionRow.expires_at < at))


def open_session(ledger: Ledger, email: str, method: str, lifetime: dt.timedelta) -> str:
    """A new signed-in session; returns its token (the cookie carries it, signed)."""
    at = _now()
    token = secrets.token_urlsafe(32)
    with Session(ledger.engine) as session, session.begin():
        session.execute(
            insert(WebSessionRow).values(
                token_hash=token_hash(token),
                email=email,
                method=method,
                created_at=at,
                expires_at=at + lifetime,
            )
        )
    return token


def session_email(ledger: Ledger, token: str) -> str | None:
    """The address a live session belongs to; None once it expired or was closed."""
    with Session(ledger.engine) as session:
        email: str | None = session.scalar(
            select(WebSessionRow.email).where(
                WebSessionRow.token_hash == token_hash(token), WebSessionRow.expires_at > _now()
            )
        )
    return email


def close_session(ledger: Ledger, token: str) -> None:
    with Session(ledger.engine) as session, session.begin():
        session.execute(delete(WebSessionRow).where(WebSessionRow.token_hash == token_hash(token)))
