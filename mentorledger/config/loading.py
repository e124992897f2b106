"""Reading a configuration file: YAML parsed once into both data and nodes (the nodes give each
problem its line), validated by the models, cross-checked, and every problem reported as one line
``FILE:LINE: key.path: reason``. A bad file is never half-loaded.

The YAML is parsed with libyaml (PyYAML's C parser) when it is installed, ten times faster than the
pure-Python parser on a large roster, which stays the fallback; both build the same nodes and data.
Keys written twice and aliases that expand without bound are refused on the nodes, before any value
is built (see ``yamltree``). A process reads each version of a file once: the CLI and the flows it
starts share the loaded configuration (``load_config`` remembers it by path and content).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import ValidationError
from yaml.constructor import SafeConstructor

from mentorledger.config.calendars import CALENDAR_TAGS
from mentorledger.config.checks import (
    Located,
    check_group_clock,
    check_group_roles,
    cross_check,
    cross_check_reports,
)
from mentorledger.config.models import Config
from mentorledger.config.suggest import unknown_key_reason
from mentorledger.config.yamltree import StructureError, check_tree
from mentorledger.errors import ConfigError

try:
    from yaml import CSafeLoader as _CSafeLoader

    _LIBYAML = True
except ImportError:  # pragma: no cover - PyYAML built without libyaml: the pure-Python parser
    _CSafeLoader = yaml.SafeLoader  # type: ignore[misc,assignment]
    _LIBYAML = False

_Constructor = TypeVar("_Constructor", bound=SafeConstructor)

# A listing longer than this is cut, with a count of the rest: a file with 100,000 mistakes has one
# mistake repeated, and the first lines show it.
PROBLEM_LISTING_LIMIT = 50


def load_config(path: str | Path) -> Config:
    """Read, validate and cross-check a configuration file; raise ConfigError listing every problem.

    The result is remembered by the file's resolved path and content (a configuration is immutable),
    so a command and the flow it runs in the same process parse the file once."""
    file = Path(path)
    try:
        content = hashlib.sha256(file.read_bytes()).hexdigest()
    except OSError:
        content = ""  # check_config says what is wrong with the file
    problems, config = _checked(str(file), str(file.resolve()), content)
    if problems:
        raise ConfigError(problems)
    assert config is not None
    return config


@lru_cache(maxsize=8)
def _checked(path: str, _resolved: str, content: str) -> tuple[list[str], Config | None]:
    problems, config = check_config(path)
    if problems or not content:
        _checked.cache_clear()  # a broken or unreadable file is read again next time
    return problems, config


def check_config(path: str | Path) -> tuple[list[str], Config | None]:
    """Validate a configuration file and return (problems, config); config is None when invalid."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return [f"{file}: configuration file not found; pass --config with the path to your YAML file"], None
    except (OSError, UnicodeDecodeError) as exc:
        return [f"{file}: cannot read the configuration file ({exc.__class__.__name__}: {exc})"], None
    try:
        root, data = parse_yaml(text)
    except StructureError as exc:
        return _listing(file, [_at(file, p.line, _key_path(p.path), p.reason) for p in exc.problems]), None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{file}:{mark.line + 1}" if mark is not None else str(file)
        reason = getattr(exc, "problem", None) or str(exc)
        return [f"{where}: not valid YAML ({reason}); check indentation and quoting"], None
    if not isinstance(data, dict):
        return [f"{file}: expected a YAML mapping with keys such as institution, timezone, people"], None

    located: list[Located] = [((key,), _UNKNOWN_KEY) for key in _INTERNAL_KEYS if key in data]
    fields = {key: value for key, value in data.items() if key not in _INTERNAL_KEYS}
    base_dir = file.resolve().parent
    config: Config | None = None
    try:
        config = Config.model_validate(
            {**fields, "base_dir": base_dir, "source_path": file.resolve()}, context={"internal": True}
        )
    except ValidationError as exc:
        located += [(_without_tags(err["loc"]), _reason(err)) for err in exc.errors()]
    # References and files are checked even when the schema is not valid, so one pass shows everything.
    located += cross_check(fields)
    if config is not None:
        located += cross_check_reports(config)
        located += [
            problem for i, group in enumerate(config.groups) for problem in check_group_roles(i, group)
        ]
        located += [
            problem
            for i, group in enumerate(config.groups)
            for problem in check_group_clock(i, group, config.timezone)
        ]
    shown = located[:PROBLEM_LISTING_LIMIT]
    problems = _listing(file, [_describe(file, root, loc, reason) for loc, reason in shown], len(located))
    return problems, (None if problems else config)


def _listing(file: Path, problems: list[str], total: int | None = None) -> list[str]:
    """The first PROBLEM_LISTING_LIMIT problems and, when there are more, one line counting the rest."""
    total = len(problems) if total is None else total
    if total <= PROBLEM_LISTING_LIMIT:
        return problems
    rest = total - PROBLEM_LISTING_LIMIT
    return [
        *problems[:PROBLEM_LISTING_LIMIT],
        f"{file}: ... and {rest:,} more problems not listed; fix the ones above and validate again",
    ]


def parse_yaml(text: str, c_parser: bool = True) -> tuple[yaml.Node | None, Any]:
    """The document's node tree (for line numbers) and its data, from one parse of the text.

    Raises StructureError for keys written twice and aliases that would expand without bound, and
    yaml.YAMLError (with the line in ``problem_mark``) for text that is not YAML."""
    loader: _Loader | _CLoader = _CLoader(text) if c_parser and _LIBYAML else _Loader(text)
    try:
        root = loader.get_single_node()
        if root is not None:
            check_tree(root)
        data = loader.construct_document(root) if root is not None else None
    finally:
        loader.dispose()
    return root, data


def _timestamp_or_text(constructor: _Constructor, node: yaml.Node) -> Any:
    """A date that does not exist (2026-02-30) stays text, so the models report it with its line and
    the expected format instead of the parser failing without one."""
    assert isinstance(node, yaml.ScalarNode)
    try:
        return constructor.construct_yaml_timestamp(node)
    except ValueError:
        return constructor.construct_scalar(node)


class _Loader(yaml.SafeLoader):
    """PyYAML's pure-Python safe loader, with the date rule."""


class _CLoader(_CSafeLoader):
    """libyaml's parser with PyYAML's safe constructor, with the same date rule."""


_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_Loader.add_constructor(_TIMESTAMP, _timestamp_or_text)
_CLoader.add_constructor(_TIMESTAMP, _timestamp_or_text)


def describe_problem(file: Path, loc: Sequence[str | int], reason: str) -> str:
    """``FILE:LINE: key.path: reason`` for a problem found outside ``check_config`` (warnings)."""
    return describe_problems(file, [(tuple(loc), reason)])[0]


def describe_problems(file: Path, located: Sequence[Located]) -> list[str]:
    """``describe_problem`` for many problems, from one parse of the file, listed like
    ``check_config``'s (the first PROBLEM_LISTING_LIMIT, then a count of the rest)."""
    try:
        root, _ = parse_yaml(file.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        root = None
    shown = located[:PROBLEM_LISTING_LIMIT]
    return _listing(file, [_describe(file, root, loc, reason) for loc, reason in shown], len(located))


def _without_tags(loc: Sequence[str | int]) -> tuple[str | int, ...]:
    """A pydantic error location without the union tags it inserts (they are not keys of the file)."""
    return tuple(part for part in loc if part not in CALENDAR_TAGS)


_INTERNAL_KEYS = ("base_dir", "source_path")
_UNKNOWN_KEY = "unknown key (check the spelling; see config/README.md for the keys)"


# What a person should write, for each kind of value pydantic could not read.
_DATE = "write YYYY-MM-DD, e.g. 2026-03-01"
_DATETIME = "write 'YYYY-MM-DD HH:MM' in quotes, e.g. '2026-03-01 14:00'"
_TIME = 'write "HH:MM" in quotes, e.g. "14:00"'
_FORMATS = {
    "date": ("a date", _DATE, "no such day"),
    "datetime": ("a date and time", _DATETIME, "no such day or time"),
    "time": ("a time", _TIME, "no such time of day"),
}


def _reason(error: Any) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return unknown_key_reason(error["loc"])
    if kind == "missing":
        return "required key is missing"
    expected = kind.split("_", 1)[0]
    if expected in _FORMATS and kind.removeprefix(expected).startswith(("_parsing", "_type", "_from_")):
        what, how, impossible = _FORMATS[expected]
        detail = f" ({impossible})" if "outside expected range" in error["msg"] else ""
        return f"{error.get('input')!r} is not {what}{detail}; {how}"
    message: str = error["msg"]
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    if kind == "enum":
        return f"{error.get('input')!r} is not allowed: {message.removeprefix('Input should be ')}"
    return message


def _describe(file: Path, root: yaml.Node | None, loc: Sequence[str | int], reason: str) -> str:
    return _at(file, _line_of(root, loc), _key_path(loc), reason)


def _at(file: Path, line: int | None, path: str, reason: str) -> str:
    where = f"{file}:{line}" if line else str(file)
    return f"{where}: {path}: {reason}" if path else f"{where}: {reason}"


def _key_path(loc: Sequence[str | int]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part and not str(part).startswith(("function-", "model-")):
            out += f".{part}" if out else str(part)
    return out


def _line_of(root: yaml.Node | None, loc: Sequence[str | int]) -> int | None:
    """The 1-based line of the deepest YAML node the location reaches."""
    node = root
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if getattr(k, "value", None) == part), None)
            if match is None:
                break
            key_node, node = match
            line = key_node.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line
