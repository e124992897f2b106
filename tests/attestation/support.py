"""Ana's department with attestation on: Ben and Cy are her mentees (tests.unit.support's roster)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from mentorledger.attestation.rules import Answer
from mentorledger.attestation.sessions import AskedSession, mentee_sessions
from mentorledger.attestation.store import record_answer
from mentorledger.config import Config
from mentorledger.store.ledger import Ledger
from tests.reviews.support import department, event
from tests.unit.support import ANA, BEN, DEE, EVE, FAY

AS_OF = dt.datetime(2026, 3, 1, 5, tzinfo=dt.UTC)  # 2026-03-01 00:00 in New York
WITH_BEN = (f"ORGANIZER:mailto:{ANA}", f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:{BEN}")
CIRCLE = tuple(f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:{who}" for who in (DEE, EVE, FAY))


def attesting_department(tmp_path: Path, events: list[str], **changes: Any) -> Config:
    return department(tmp_path, {"work.ics": events}, attestation={"enabled": True}, **changes)


def sessions_of(config: Config, ledger: Ledger, mentee: str = BEN) -> list[AskedSession]:
    return mentee_sessions(config, ledger, mentee, as_of=AS_OF)


def answer(config: Config, ledger: Ledger, answer: Answer, mentee: str = BEN, index: int = 0) -> None:
    """``mentee`` answers about their ``index``-th session (newest first), as the web app would."""
    assert record_answer(ledger, sessions_of(config, ledger, mentee)[index].meeting, answer, via="web")


__all__ = ["AS_OF", "CIRCLE", "WITH_BEN", "answer", "attesting_department", "event", "sessions_of"]
