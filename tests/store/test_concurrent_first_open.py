"""Several processes opening a new SQLite ledger at the same moment (a sync started by hand while the
scheduled one starts) must all find it migrated: one migrates, the others wait for its write lock and
then find the schema at head. Without the lock they raced and one failed with "table already exists"."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

OPEN = "import sys; from mentorledger.store.db import engine_for; engine_for(sys.argv[1]); print('opened')"


def test_processes_opening_a_new_sqlite_ledger_at_once_all_succeed(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    openers = [
        subprocess.Popen(
            [sys.executable, "-c", OPEN, url], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(4)
    ]
    results = [opener.communicate(timeout=120) for opener in openers]
    assert [
        (opener.returncode, out.strip()) for opener, (out, _err) in zip(openers, results, strict=True)
    ] == [(0, "opened")] * 4, [err for _out, err in results]
