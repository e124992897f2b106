"""What a mailing sent to whom: the memory that makes a monthly mailing send-once.

The same approach as the invites' (``invites.store``: a session's state is recorded only after the
mail server accepted its messages, and a re-run sends only what is not recorded), tightened for
mailings that several runs may attempt at once (a retried task beside the one it replaces):

1. **claim**: insert the row (kind, period, recipient) in state ``sending``; the unique constraint
   lets exactly one run win, every other finds it and sends nothing;
2. **send** through the shared SMTP sender (which retries transient failures itself);
3. **mark** it ``sent`` once the server accepted the message, or **release** the claim (delete the
   row) when delivery failed, so the next run tries that person again.

A run that dies between 2 and 3 leaves the claim ``sending``: later runs do not send it again (a
month's digest missed is better than one received twice) and report it as ``interrupted``.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, and_, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mentorledger.store.ledger import Ledger
from mentorledger.store.schema import MailDeliveryRow

SENDING, SENT = "sending", "sent"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def claim(ledger: Ledger, kind: str, period: str, recipient: str) -> bool:
    """True if this run is the one to send ``kind`` for ``period`` to ``recipient``."""
    try:
        with Session(ledger.engine) as session, session.begin():
            session.execute(
                insert(MailDeliveryRow).values(
                    kind=kind,
                    period=period,
                    recipient=recipient,
                    state=SENDING,
                    claimed_at=_now(),
                    sent_at=None,
                )
            )
    except IntegrityError:
        return False
    return True


def mark_sent(ledger: Ledger, kind: str, period: str, recipient: str) -> None:
    with Session(ledger.engine) as session, session.begin():
        session.execute(
            update(MailDeliveryRow).where(_row(kind, period, recipient)).values(state=SENT, sent_at=_now())
        )


def release(ledger: Ledger, kind: str, period: str, recipient: str) -> None:
    """Forget a claim whose message did not go out, so the next run sends it."""
    with Session(ledger.engine) as session, session.begin():
        session.execute(
            delete(MailDeliveryRow).where(_row(kind, period, recipient), MailDeliveryRow.state == SENDING)
        )


def states(ledger: Ledger, kind: str, period: str) -> dict[str, str]:
    """Recipient -> state of every claim of one mailing."""
    with Session(ledger.engine) as session:
        rows = session.execute(
            select(MailDeliveryRow.recipient, MailDeliveryRow.state).where(
                MailDeliveryRow.kind == kind, MailDeliveryRow.period == period
            )
        )
        return dict(rows.tuples().all())


def _row(kind: str, period: str, recipient: str) -> ColumnElement[bool]:
    return and_(
        MailDeliveryRow.kind == kind,
        MailDeliveryRow.period == period,
        MailDeliveryRow.recipient == recipient,
    )
