"""Helpers for the Microsoft 365 tests: the equivalence department loaded into the Graph stand-in."""

from __future__ import annotations

from pathlib import Path

from mentorledger.config import Config, load_config
from tests.google.department import meetings, to_graph, write_m365_department
from tests.m365.server import FakeGraph


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def load_department(service: FakeGraph) -> None:
    for owner, items in meetings().items():
        events, masters = to_graph(items, owner)
        service.put(owner, *events)
        service.put_masters(owner, *masters)


def department_config(root: Path, base: str, **replace: str) -> Config:
    path = write_m365_department(root, base)
    text = path.read_text(encoding="utf-8")
    for old, new in replace.items():
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return load_config(path)
