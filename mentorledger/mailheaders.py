"""Mail headers built from configuration text (names, group names, department names), safely.

Two problems of the standard library's header handling, and how they are avoided:

- **Injection through encoded words.** ``EmailMessage`` parses every value it is given and decodes
  RFC 2047 encoded words while doing so, so ``=?utf-8?q?Ana=0D=0ABcc:_evil@attacker.example?=`` (no
  line break as typed) decodes to a line break and is folded out as a real ``Bcc:`` header.
  ``header_text`` decodes first (what a reader would see), removes line breaks and control
  characters, and breaks up any ``=?`` left, so no user text reaches a header in a decodable form.
- **Folding that splits words.** Python 3.11's folder may put half of an ASCII word before a line
  break and the other half inside the next encoded word ("de la Fuen" / "=?utf-8?q?te..."), which
  every client shows as "Fuen te". Here a non-ASCII phrase is encoded *as a whole* into encoded
  words of at most 75 characters, split only between characters, and lines are folded only between
  encoded words (whitespace there is ignored by RFC 2047 decoders) or at existing spaces.

The folded values are stored with ``set_raw`` (lines within 78 characters, so the policy never
refolds them), and ``check_headers`` is the last guard the shared SMTP sender applies: the
serialised header block must hold exactly the fields the message declares.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from email.charset import QP, Charset
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from email.message import EmailMessage, Message
from email.utils import quote

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\x85]")
_LINE = 78
_WORD = 75  # RFC 2047: an encoded word is at most 75 characters
_UTF8 = Charset("utf-8")
_UTF8.header_encoding = QP  # quoted-printable words keep ASCII letters readable in raw mail
_ATOM = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~ -]*$")  # atext and spaces: no quoting needed


def header_text(value: str) -> str:
    """Free text safe for a header: encoded words decoded, one line, no ``=?`` left."""
    text = value
    for _ in range(3):  # an encoded word may decode to another one
        if "=?" not in text:
            break
        text = _decoded(_one_line(text))
    return _one_line(text).replace("=?", "= ?")


_ENCODED_WORD = re.compile(r"=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=")


def _decoded(text: str) -> str:
    """Every encoded word in ``text`` replaced by what it decodes to (undecodable ones kept)."""

    def one(match: re.Match[str]) -> str:
        try:
            return str(make_header(decode_header(match.group(0))))
        except (HeaderParseError, LookupError, UnicodeError, ValueError):
            return match.group(0)

    return _ENCODED_WORD.sub(one, text)


def _one_line(text: str) -> str:
    return " ".join(_CONTROL.sub(" ", text).split())


def _phrase_tokens(text: str) -> list[str]:
    """A display name as tokens that may be separated by folding whitespace."""
    text = header_text(text)
    if not text:
        return []
    if text.isascii():
        return [text if _ATOM.match(text) else quote(text).join('""')]
    return _encoded_words(text)


def _encoded_words(text: str) -> list[str]:
    """``text`` as RFC 2047 encoded words of at most 75 characters, split between characters."""
    words = _UTF8.header_encode_lines(text, itertools.repeat(_WORD - len("=?utf-8?q??=")))
    return [w for w in words if w]


def _checked_address(address: str) -> str:
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain or not address.isascii() or not address.isprintable():
        raise ValueError("not a plain e-mail address")
    if any(c in address for c in ' <>(),;:"[]\\'):
        raise ValueError("not a plain e-mail address")
    return address


def _fold(name: str, items: Sequence[list[str]], separator: str) -> str:
    """Join items (each a list of tokens) into lines of at most 78 characters, the first one
    leaving room for ``Name: ``; tokens are never split."""
    lines: list[str] = []
    current = ""
    limit = _LINE - len(name) - 2
    for i, tokens in enumerate(items):
        tokens = [*tokens[:-1], tokens[-1] + (separator if i < len(items) - 1 else "")]
        for token in tokens:
            candidate = f"{current} {token}" if current else token
            if current and len(candidate) > limit:
                lines.append(current)
                current, limit = token, _LINE - 1
            else:
                current = candidate
    lines.append(current)
    return "\r\n ".join(lines)


def address_field(name: str, people: Sequence[tuple[str, str]]) -> str:
    """The folded value of an address header for ``(display name, address)`` pairs."""
    items = []
    for display, address in people:
        phrase = _phrase_tokens(display)
        checked = _checked_address(address)
        items.append([*phrase, f"<{checked}>"] if phrase else [checked])
    return _fold(name, items, ",")


def unstructured_field(name: str, text: str) -> str:
    """The folded value of a free-text header (Subject)."""
    clean = header_text(text)
    if clean.isascii():
        return _fold(name, [clean.split(" ")], "")
    return _fold(name, [_encoded_words(clean)], "")


def set_header(message: Message, name: str, folded: str) -> None:
    """Store an already folded value as is (the policy does not refold lines within 78 characters)."""
    for line in folded.split("\r\n"):
        if "\r" in line or "\n" in line or _CONTROL.search(line):
            raise ValueError(f"{name}: a header line holds a control character")
    del message[name]
    message.set_raw(name, folded)


def check_headers(message: EmailMessage) -> None:
    """Raise ValueError unless the serialised top-level header block holds exactly the message's own
    fields, in order (no field was smuggled in through a value)."""
    raw = message.as_bytes()
    block = raw.split(b"\r\n\r\n", 1)[0] if b"\r\n\r\n" in raw else raw.split(b"\n\n", 1)[0]
    names = [
        line.split(b":", 1)[0].strip().decode("ascii", "replace").lower()
        for line in re.split(rb"\r?\n", block)
        if line and line[:1] not in (b" ", b"\t")
    ]
    declared = [key.lower() for key in message.keys()]  # noqa: SIM118 - Message is no dict
    if names != declared:
        extra = sorted(set(names) - set(declared))
        raise ValueError(f"header fields {', '.join(extra) or 'out of order'} were not set by mentorledger")
