"""Where ``--out`` points, checked before any work: a file where a folder belongs, a folder that cannot
be created, or one this process cannot write into is one line that says so, never a traceback from
the middle of a report, an export or a flow run. Nothing is created here: missing folders are made
by the command that writes into them (as for the defaults), so a command that stops on another
mistake leaves no empty folder behind."""

from __future__ import annotations

import tempfile
from pathlib import Path

from mentorledger.errors import UserError


def output_folder(path: Path, what: str) -> Path:
    """``path`` as a folder ``what`` can be written into (it, or the folders it needs, can be made)."""
    if path.exists() and not path.is_dir():
        raise UserError(f"--out {path} is a file, not a folder; give a folder to write the {what} into")
    existing = next(p for p in (path, *path.absolute().parents) if p.exists())
    try:
        if not existing.is_dir():
            raise NotADirectoryError(20, f"{existing} is a file")
        with tempfile.TemporaryFile(dir=existing, prefix=".mentorledger-write-test-"):
            pass
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise UserError(
            f"--out {path}: cannot write the {what} there ({reason}); choose a folder you can write to"
        ) from None
    return path


def output_file_or_folder(path: Path, what: str) -> Path:
    """``path`` as a file name (it has a suffix) whose folder can be written into, or as a folder."""
    if not path.suffix or path.is_dir():
        return output_folder(path, what)
    output_folder(path.parent, what)
    return path
