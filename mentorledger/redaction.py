"""What may be shown of a failure or a location: the one place that decides (SPEC privacy).

Parser and server messages can quote calendar text (a title, a description), and private feed URLs
carry secret tokens. Every source reports problems through these helpers, so a problem line never
carries more than an exception's class, its unquoted words (at most ``MAX_REASON`` characters), a
short hash of the event's identifier, and a URL's scheme and host.
"""

from __future__ import annotations

import re
import urllib.parse

from mentorledger.instances import stable_hash

MAX_REASON = 160
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


def short_reason(exc: BaseException) -> str:
    """The exception's class and message, with anything quoted replaced and the length capped."""
    text = _QUOTED.sub("'…'", " ".join(str(exc).split()))
    text = text if len(text) <= MAX_REASON else text[: MAX_REASON - 3] + "…"
    return f"{exc.__class__.__name__}: {text}" if text else exc.__class__.__name__


def event_hint(identifier: str) -> str:
    """A short, non-reversible name for an event (its UID or id) in a problem line."""
    return stable_hash(identifier)[:10]


def event_problem(identifier: str, exc: BaseException) -> str:
    """One problem line about one event: which (hashed) and why (redacted)."""
    return f"event {event_hint(identifier)}: {short_reason(exc)}"


def redact_url(url: str) -> str:
    """Scheme and host only: private calendar URLs embed credentials in the path or query."""
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}/…"
