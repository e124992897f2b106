"""Which module implements each kind of calendar source. A module is imported only when a calendar of
its kind is synced, so a run without Google or Microsoft calendars never loads their libraries.

Adding a source: a folder ``mentorledger/sources/<kind>/`` whose ``__init__`` defines ``SOURCE``, one
line here, and its model in the configuration's union (``mentorledger/config/calendars.py``).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable

from mentorledger.sources.protocol import Source

MODULES: dict[str, str] = {
    "ics": "mentorledger.sources.ics",
    "google": "mentorledger.sources.google",
    "m365": "mentorledger.sources.m365",
    "caldav": "mentorledger.sources.caldav",
}


def source_for(kind: str) -> Source:
    """The source that reads calendars of ``kind``."""
    try:
        module = importlib.import_module(MODULES[kind])
    except KeyError:
        raise ValueError(f"no calendar source of kind {kind!r}; known: {', '.join(MODULES)}") from None
    source: Source = module.SOURCE
    return source


def sources_for(kinds: Iterable[str]) -> list[Source]:
    """One source per kind, in the order the kinds first appear."""
    return [source_for(kind) for kind in dict.fromkeys(kinds)]
