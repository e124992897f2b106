"""What to say about a key the configuration does not know: the nearest valid key at that place.

``counting.keyword`` is almost certainly ``keywords``; the models know which keys are valid at every
place in the file, so the location of the unknown key is walked through them (lists, mappings,
optional values and the calendar-source union) to the model that refused it.
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, Tag

from mentorledger.config.models import Config

_HIDDEN = frozenset({"base_dir", "source_path"})  # set by loading, never written in a file
_LISTED_UP_TO = 10


def unknown_key_reason(loc: Sequence[str | int]) -> str:
    """``unknown key (did you mean keywords?)``, or the keys valid there when none is close."""
    if not loc:
        return "unknown key"
    valid = keys_at(loc[:-1])
    if not valid:
        return "unknown key (check the spelling; see config/README.md for the keys)"
    near = difflib.get_close_matches(str(loc[-1]).lower(), valid, n=1, cutoff=0.6)
    if near:
        return f"unknown key (did you mean {near[0]}?)"
    if len(valid) <= _LISTED_UP_TO:
        return f"unknown key (the keys here are: {', '.join(valid)})"
    return "unknown key (check the spelling; see config/README.md for the keys)"


def keys_at(parent: Sequence[str | int]) -> list[str]:
    """The keys the configuration accepts at ``parent`` (a pydantic error location), in model order."""
    node: Any = Config
    for part in parent:
        node = _step(node, part)
        if node is None:
            return []
    model = _model(node)
    if model is None:
        return []
    return [name for name in model.model_fields if name not in _HIDDEN]


def _step(node: Any, part: str | int) -> Any:
    """The type one step down ``node`` (a model, list, mapping or union) along ``part``."""
    node = _unwrap(node)
    members = _union_members(node)
    if members:
        tagged = [member for member, tag in members if tag == part]
        if tagged:
            return tagged[0]
        plain = [member for member, _tag in members]
        return plain[0] if len(plain) == 1 else None
    model = _model(node)
    if model is not None:
        field = model.model_fields.get(str(part))
        return field.annotation if field is not None else None
    origin, args = typing.get_origin(node), typing.get_args(node)
    if origin in (list, tuple, set, frozenset) and args:
        return args[0]
    if origin is dict and len(args) == 2:
        return args[1]
    return None


def _unwrap(node: Any) -> Any:
    """Drop ``Annotated`` metadata and ``None`` from an optional type."""
    while typing.get_origin(node) is typing.Annotated:
        node = typing.get_args(node)[0]
    if _is_union(node):
        rest = [arg for arg in typing.get_args(node) if arg is not type(None)]
        if len(rest) == 1:
            return _unwrap(rest[0])
    return node


def _union_members(node: Any) -> list[tuple[Any, str | None]]:
    """The members of a union with more than one real member, each with its pydantic tag (if any)."""
    if not _is_union(node):
        return []
    members = []
    for arg in typing.get_args(node):
        if arg is type(None):
            continue
        tag = None
        if typing.get_origin(arg) is typing.Annotated:
            tag = next((m.tag for m in typing.get_args(arg)[1:] if isinstance(m, Tag)), None)
        members.append((_unwrap(arg), tag))
    return members if len(members) > 1 else []


def _is_union(node: Any) -> bool:
    return typing.get_origin(node) in (typing.Union, types.UnionType)


def _model(node: Any) -> type[BaseModel] | None:
    node = _unwrap(node)
    return node if isinstance(node, type) and issubclass(node, BaseModel) else None
