"""Checks on the YAML node tree before any value is built from it.

YAML lets a key be written twice (the last one silently wins) and lets aliases repeat a value without
writing it out again, so a 600 KB file of nested aliases ("billion laughs") stands for billions of
values. Both are found here on the composed nodes, in one walk whose work is proportional to the file's
own size (an aliased value is visited once, its expanded size computed, never expanded), so a hostile
file is refused before the models ever see the data it would expand to.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

# Values that aliases may add beyond the ones written in the file; a real configuration that shares a
# rules block between groups uses a few hundred, a bomb billions.
ALIAS_EXPANSION_LIMIT = 100_000

_MERGE_TAG = "tag:yaml.org,2002:merge"
_Path = tuple[str | int, ...]


@dataclass(frozen=True)
class TreeProblem:
    """A problem in the file's structure: the line it is on, the keys that lead to it, and why."""

    line: int
    path: _Path
    reason: str


class StructureError(yaml.YAMLError):
    """The file is valid YAML but cannot be a configuration: duplicate keys, alias bombs, cycles."""

    def __init__(self, problems: list[TreeProblem]) -> None:
        self.problems = problems
        super().__init__(problems[0].reason if problems else "invalid YAML structure")


def check_tree(root: yaml.Node) -> None:
    """Raise StructureError listing every key written twice, or the value aliases blow up."""
    if _plain(root):
        return
    walk = _Walk()
    walk.visit(root)
    problems = walk.duplicates
    written = len(walk.sizes)
    expanded = walk.sizes[id(root)]
    if walk.cycle is not None:
        problems.append(walk.cycle)
    elif expanded - written > ALIAS_EXPANSION_LIMIT:
        problems.append(_bomb(root, walk, expanded - written))
    if problems:
        raise StructureError(problems)


def _plain(root: yaml.Node) -> bool:
    """Whether the tree is one every real configuration is: no node reached twice (no alias) and no
    mapping with a key twice. A quick walk without paths or sizes; only other trees get the full one."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            return False
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            keys = [key.value for key, _ in node.value if isinstance(key, yaml.ScalarNode)]
            if len(set(keys)) != len(keys):
                return False
            for key, value in node.value:
                stack += (key, value)
        elif isinstance(node, yaml.SequenceNode):
            stack += node.value
    return True


def _children(node: yaml.Node) -> list[tuple[str | int | None, yaml.Node]]:
    if isinstance(node, yaml.MappingNode):
        pairs: list[tuple[str | int | None, yaml.Node]] = []
        for key, value in node.value:
            pairs += [(None, key), (_key_name(key), value)]
        return pairs
    if isinstance(node, yaml.SequenceNode):
        return list(enumerate(node.value))
    return []


def _key_name(key: yaml.Node) -> str | None:
    return str(key.value) if isinstance(key, yaml.ScalarNode) else None


class _Walk:
    """One depth-first walk (without recursion, a file may nest deeply) over distinct nodes."""

    def __init__(self) -> None:
        self.sizes: dict[int, int] = {}  # values each node stands for, aliases expanded
        self.paths: dict[int, _Path] = {}  # where each node is first reached
        self.duplicates: list[TreeProblem] = []
        self.cycle: TreeProblem | None = None

    def visit(self, root: yaml.Node) -> None:
        open_nodes: set[int] = set()
        stack: list[tuple[yaml.Node, _Path, bool]] = [(root, (), False)]
        while stack:
            node, path, done = stack.pop()
            if done:
                open_nodes.discard(id(node))
                self.sizes[id(node)] = 1 + sum(self.sizes.get(id(c), 0) for _, c in _children(node))
                continue
            if id(node) in self.sizes or id(node) in open_nodes:
                if id(node) in open_nodes and self.cycle is None:
                    self.cycle = TreeProblem(
                        node.start_mark.line + 1,
                        path,
                        "an alias refers to the value that contains it; write the value out",
                    )
                continue
            open_nodes.add(id(node))
            self.paths[id(node)] = path
            if isinstance(node, yaml.MappingNode):
                self._duplicates(node, path)
            stack.append((node, path, True))
            for name, child in reversed(_children(node)):
                if id(child) not in self.sizes:
                    stack.append((child, path if name is None else (*path, name), False))

    def _duplicates(self, node: yaml.MappingNode, path: _Path) -> None:
        first: dict[tuple[str, str], int] = {}
        for key, _ in node.value:
            if not isinstance(key, yaml.ScalarNode) or key.tag == _MERGE_TAG:
                continue
            line = key.start_mark.line + 1
            name = (key.tag, key.value)
            if name not in first:
                first[name] = line
                continue
            self.duplicates.append(
                TreeProblem(
                    line,
                    (*path, str(key.value)),
                    f"key written twice (lines {first[name]} and {line}); keep one of them",
                )
            )


def _bomb(root: yaml.Node, walk: _Walk, extra: int) -> TreeProblem:
    """The problem for aliases that expand too far, at the biggest value directly under the top."""
    worst = max((c for _, c in _children(root)), key=lambda c: walk.sizes.get(id(c), 0), default=root)
    return TreeProblem(
        worst.start_mark.line + 1,
        walk.paths.get(id(worst), ()),
        f"aliases expand to {extra:,} more values than the file writes out (the limit is "
        f"{ALIAS_EXPANSION_LIMIT:,}); write the values out instead of nesting aliases",
    )
