"""Sync a configuration's calendars into a ledger with the core engine, in a process a test can kill:
``python -m tests.reliability.sync_child CONFIG DATABASE_URL RUN_ID``. Prints "ready" once everything is
imported and the ledger is open, then a summary line when every calendar is done."""

from __future__ import annotations

import sys

from mentorledger.config import load_config
from mentorledger.store.ledger import Ledger
from mentorledger.sync import SyncContext, sync_batch


def main(config_path: str, database_url: str, run_id: str) -> None:
    config = load_config(config_path)
    context = SyncContext(config=config, ledger=Ledger.open(database_url), run_id=run_id)
    print("ready", flush=True)
    outcomes = sync_batch(context, config.calendars)
    kinds = sorted({o.outcome for o in outcomes})
    print(f"{len(outcomes)} calendars: {', '.join(kinds)}; synced", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:4])
