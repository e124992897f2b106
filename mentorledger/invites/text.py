"""Neutralising free text from the configuration before it reaches a calendar object or an e-mail.

Names, titles and places are single-line: a CR or LF in them could start a new iCalendar property or
mail header, so every line break and control character becomes a space. Agendas may keep line breaks
(normalised to LF; icalendar writes them escaped as ``\\n``).
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u2028\u2029\x85]")
_LINE_BREAKS = re.compile(r"\r\n|\r|\n|\u2028|\u2029|\x85")


def single_line(value: str) -> str:
    """A value safe for a one-line field or header: breaks and control characters become spaces."""
    return " ".join(_CONTROL.sub(" ", _LINE_BREAKS.sub(" ", value)).split())


def param_value(value: str) -> str:
    """A value safe as a property parameter (CN): one line and no double quotes (RFC 5545 3.1)."""
    return single_line(value).replace('"', "'")


def multi_line(value: str) -> str:
    """Free text that may keep its line breaks (normalised to LF); other control characters removed."""
    return _CONTROL.sub("", _LINE_BREAKS.sub("\n", value.replace("\t", " ")))
