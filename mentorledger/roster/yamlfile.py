"""Writing imported people and relationships into the configuration file, in place.

ruamel.yaml reads the file as a round trip (comments, order, quoting and flow style kept), the import
updates the entries it matches and appends the new ones (one flow mapping per line, like the
examples), and only the changed section's text is put back: every other line of the file stays
byte for byte as it was (ruamel would re-flow wrapped lists elsewhere). The result is checked like
any configuration before it replaces the file, atomically.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml as pyyaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString
from ruamel.yaml.util import load_yaml_guess_indent

from mentorledger.config import check_config
from mentorledger.config.base import normalize_email
from mentorledger.errors import ConfigError, UserError

_TOP_LEVEL_KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*)\s*:")
_RESOLVER = pyyaml.resolver.Resolver()


@dataclass(frozen=True, slots=True)
class Change:
    """One entry the import adds or updates: who, and each field's value before and after."""

    who: str
    fields: tuple[tuple[str, Any, Any], ...]  # (key, before, after); before is None when added

    def describe(self, added: bool) -> str:
        if added:
            return f"+ {self.who}: " + ", ".join(f"{key} {after}" for key, _before, after in self.fields)
        return f"~ {self.who}: " + ", ".join(
            f"{key} {before} -> {after}" for key, before, after in self.fields
        )


@dataclass
class Plan:
    """What an import would do to one section of the configuration."""

    section: str
    added: list[Change] = field(default_factory=list)
    updated: list[Change] = field(default_factory=list)
    unchanged: int = 0
    kept: int = 0  # entries of the file the import did not mention (left as they are)
    text: str = ""  # the whole new file

    @property
    def changes(self) -> int:
        return len(self.added) + len(self.updated)


class RosterFile:
    """A configuration file opened for a round trip through ruamel.yaml."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.original = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise UserError(
                f"{path}: configuration file not found; create one with `mentorledger init DIR`"
            ) from None
        self.yaml = YAML()
        self.yaml.preserve_quotes = True
        self.yaml.width = 1_000_000  # never fold a line the import writes
        try:
            self.data, indent, offset = load_yaml_guess_indent(self.original, yaml=self.yaml)
            self.yaml.indent(mapping=2, sequence=indent or 4, offset=offset if offset is not None else 2)
        except YAMLError as exc:
            raise UserError(
                f"{path}: not valid YAML ({str(exc).splitlines()[0]}); fix it first (`mentorledger validate`)"
            ) from None
        if not isinstance(self.data, CommentedMap):
            raise UserError(f"{path}: expected a YAML mapping with keys such as institution, people")

    def section(self, key: str) -> CommentedSeq:
        """The list under ``key``, created (or turned from an empty ``[]`` into a block list) as needed."""
        current = self.data.get(key)
        if current is None or (isinstance(current, CommentedSeq) and not current and current.fa.flow_style()):
            block = CommentedSeq()
            if key in self.data:
                self.data[key] = block
            else:
                self.data.insert(len(self.data), key, block)
            return block
        if not isinstance(current, CommentedSeq):
            raise UserError(f"{self.path}: {key} is not a list; fix it first (`mentorledger validate`)")
        return current

    def render(self, key: str) -> str:
        """The original text with only the ``key`` section replaced by its new form."""
        buffer = io.StringIO()
        self.yaml.dump(self.data, buffer)
        return splice(self.original, buffer.getvalue(), key, set(self.data))


def splice(original: str, dumped: str, key: str, keys: set[str]) -> str:
    """``original`` with the lines of top-level ``key`` taken from ``dumped`` (same document)."""
    old_lines, new_lines = original.splitlines(keepends=True), dumped.splitlines(keepends=True)
    new_span = _span(new_lines, key, keys)
    if new_span is None:  # pragma: no cover - the dump always holds the section it was asked for
        return dumped
    replacement = new_lines[new_span[0] : new_span[1]]
    old_span = _span(old_lines, key, keys)
    if old_span is None:  # the file had no such section: it goes at the end
        tail = (
            old_lines
            if not old_lines or old_lines[-1].endswith("\n")
            else [*old_lines[:-1], old_lines[-1] + "\n"]
        )
        return "".join([*tail, *replacement])
    return "".join([*old_lines[: old_span[0]], *replacement, *old_lines[old_span[1] :]])


def _span(lines: list[str], key: str, keys: set[str]) -> tuple[int, int] | None:
    """Lines [start, end) of a top-level key's section: from its key to the next top-level key."""
    starts = [
        (i, match.group(1))
        for i, line in enumerate(lines)
        if (match := _TOP_LEVEL_KEY.match(line)) and match.group(1) in keys
    ]
    for n, (i, name) in enumerate(starts):
        if name == key:
            return i, starts[n + 1][0] if n + 1 < len(starts) else len(lines)
    return None


def safe_scalar(value: Any) -> Any:
    """A string the configuration's reader (YAML 1.1) would take for something else ("yes", "1e3",
    "10:00", "2025-07-01") is written in quotes; ruamel quotes what YAML syntax needs by itself."""
    if not isinstance(value, str):
        return value
    tag = _RESOLVER.resolve(pyyaml.ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
    return DoubleQuotedScalarString(value) if tag != "tag:yaml.org,2002:str" else value


def flow_entry(values: Iterable[tuple[str, Any]]) -> CommentedMap:
    entry = CommentedMap((key, safe_scalar(value)) for key, value in values if value is not None)
    entry.fa.set_flow_style()
    return entry


def comparable(value: Any) -> Any:
    """A value read back from the file, as the import compares it (dates as dates, text as text)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None if value is None else str(value)


def entries(section: CommentedSeq) -> Iterator[tuple[int, CommentedMap]]:
    for i, item in enumerate(section):
        if isinstance(item, CommentedMap):
            yield i, item


def address(value: Any) -> str | None:
    return normalize_email(value) if isinstance(value, str) and value.strip() else None


def write(path: Path, plan: Plan) -> list[str]:
    """Check the new text as a configuration, then replace the file with it atomically. Returns the
    problems the file still has (ones it had before the import; new ones stop the write)."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".yaml", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(plan.text)
        after = [p.replace(temporary, str(path)) for p in check_config(Path(temporary))[0]]
        if after and not check_config(path)[0]:  # the file was fine before: this import broke it
            raise ConfigError(
                [
                    f"the import would leave {path} with a problem, so nothing was written: {problem}"
                    for problem in after
                ]
            )
        Path(temporary).chmod(path.stat().st_mode & 0o7777)
        Path(temporary).replace(path)
    finally:
        Path(temporary).unlink(missing_ok=True)
    return after
