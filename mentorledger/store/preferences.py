"""Who turned which e-mail off, in the ledger: a row per person and kind once they chose; none means
the default (on). Kinds: ``digest`` (a mentor's monthly digest), ``attestation`` (a mentee's monthly
request to confirm sessions), ``chair-report`` (a chair's monthly report)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from mentorledger.store.ledger import Ledger
from mentorledger.store.schema import MailPreferenceRow


class MailKind(StrEnum):
    DIGEST = "digest"
    ATTESTATION = "attestation"
    CHAIR_REPORT = "chair-report"


def turned_off(ledger: Ledger, kind: MailKind) -> set[str]:
    """Everyone who turned this kind of e-mail off."""
    with Session(ledger.engine) as session:
        return set(
            session.scalars(
                select(MailPreferenceRow.email).where(
                    MailPreferenceRow.kind == str(kind), MailPreferenceRow.enabled.is_(False)
                )
            )
        )


def preferences(ledger: Ledger, email: str) -> dict[MailKind, bool]:
    """Whether ``email`` gets each kind of e-mail (True unless they turned it off)."""
    with Session(ledger.engine) as session:
        chosen = dict(
            session.execute(
                select(MailPreferenceRow.kind, MailPreferenceRow.enabled).where(
                    MailPreferenceRow.email == email
                )
            )
            .tuples()
            .all()
        )
    return {kind: bool(chosen.get(str(kind), True)) for kind in MailKind}


def set_preference(ledger: Ledger, email: str, kind: MailKind, enabled: bool) -> None:
    with Session(ledger.engine) as session, session.begin():
        row = session.scalar(
            select(MailPreferenceRow).where(
                MailPreferenceRow.email == email, MailPreferenceRow.kind == str(kind)
            )
        )
        if row is None:
            row = MailPreferenceRow(email=email, kind=str(kind))
            session.add(row)
        row.enabled, row.updated_at = enabled, dt.datetime.now(dt.UTC)
