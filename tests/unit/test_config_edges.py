"""Configuration files at the edges: a key written twice, aliases that would expand to billions of
values, a file with thousands of mistakes, the C and pure-Python YAML parsers agreeing, and one parse
per file per process however many parts of a command read it."""

from __future__ import annotations

from pathlib import Path

import pytest

from mentorledger.config import check_config, load_config, loading
from mentorledger.config.yamltree import ALIAS_EXPANSION_LIMIT
from mentorledger.errors import ConfigError

HEAD = "institution: X\ntimezone: America/New_York\n"
PERSON = "people:\n  - {email: ana@x.edu, name: Ana, department: Peds, rank: professor}\n"
REPO = Path(__file__).resolve().parents[2]


def problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "dept.yaml"
    path.write_text(text, encoding="utf-8")
    found, _config = check_config(path)
    return [line.removeprefix(f"{path}:") for line in found]


def test_a_top_level_key_written_twice_names_both_lines(tmp_path: Path) -> None:
    text = HEAD + PERSON + "timezone: Europe/Paris\n"
    assert problems(tmp_path, text) == ["5: timezone: key written twice (lines 2 and 5); keep one of them"]


def test_a_nested_key_written_twice_names_its_path_and_both_lines(tmp_path: Path) -> None:
    text = HEAD + "people:\n  - email: ana@x.edu\n    name: Ana\n    department: Peds\n    name: Anna\n"
    assert problems(tmp_path, text) == [
        "7: people[0].name: key written twice (lines 5 and 7); keep one of them"
    ]


def test_a_key_twice_in_one_flow_mapping_is_found_on_its_line(tmp_path: Path) -> None:
    text = HEAD + "people:\n  - {email: ana@x.edu, name: Ana, name: Anna, department: P, rank: other}\n"
    assert problems(tmp_path, text) == [
        "4: people[0].name: key written twice (lines 4 and 4); keep one of them"
    ]


def test_merge_keys_and_shared_anchors_stay_allowed(tmp_path: Path) -> None:
    text = (
        HEAD
        + "people:\n  - &ana {email: ana@x.edu, name: Ana, department: Peds, rank: professor}\n"
        + "  - {<<: *ana, email: ben@x.edu, name: Ben}\n"
    )
    assert problems(tmp_path, text) == []


def billion_laughs(levels: int) -> str:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, levels)]
    return HEAD + PERSON + "\n".join(lines) + "\n"


def test_an_alias_bomb_is_refused_in_one_line_before_it_is_expanded(tmp_path: Path) -> None:
    # Nine levels of ten aliases stand for 10^9 values; building them would never finish. Level i
    # stands for 1 + 10 + ... + 10^(i+1) values, of which the file writes 19 (a0's 11 and one per level).
    extra = sum((10 ** (i + 2) - 1) // 9 for i in range(9)) - 19
    assert problems(tmp_path, billion_laughs(9)) == [
        f"13: a8: aliases expand to {extra:,} more values than the file writes out (the limit is "
        f"{ALIAS_EXPANSION_LIMIT:,}); write the values out instead of nesting aliases"
    ]


def test_aliases_within_the_limit_are_read_and_checked_as_usual(tmp_path: Path) -> None:
    # Three levels (a thousand values) is a lot of sharing, but not a bomb: the keys are just unknown.
    found = problems(tmp_path, billion_laughs(3))
    assert [line.split(": ")[1] for line in found] == ["a0", "a1", "a2"]


def test_an_alias_inside_the_value_it_names_is_refused(tmp_path: Path) -> None:
    assert problems(tmp_path, HEAD + "people: &p [*p]\n") == [
        "3: people[0]: an alias refers to the value that contains it; write the value out"
    ]


def test_thousands_of_problems_are_listed_as_the_first_fifty_and_a_count(tmp_path: Path) -> None:
    people = "".join(
        f"  - {{email: p{i}@x.edu, name: P, department: D, rank: nobody}}\n" for i in range(3000)
    )
    found = problems(tmp_path, HEAD + "people:\n" + people)
    assert len(found) == loading.PROBLEM_LISTING_LIMIT + 1
    assert found[0].startswith("4: people[0].rank: 'nobody' is not allowed")
    assert found[-1] == " ... and 2,950 more problems not listed; fix the ones above and validate again"


@pytest.mark.parametrize(
    "path",
    [REPO / "config/demo/department.yaml", REPO / "config/examples/peer-groups.yaml"],
    ids=lambda p: p.name,
)
def test_the_c_and_python_parsers_build_the_same_data(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    c_root, c_data = loading.parse_yaml(text)
    py_root, py_data = loading.parse_yaml(text, c_parser=False)
    assert c_data == py_data
    assert c_root is not None
    assert py_root is not None
    assert c_root.end_mark.line == py_root.end_mark.line


@pytest.mark.parametrize("c_parser", [True, False], ids=["libyaml", "python"])
def test_both_parsers_keep_an_impossible_date_as_text_and_read_real_ones(c_parser: bool) -> None:
    _root, data = loading.parse_yaml("a: 2026-02-30\nb: 2026-02-28\n", c_parser=c_parser)
    assert data["a"] == "2026-02-30"
    assert str(data["b"]) == "2026-02-28"
    assert not isinstance(data["b"], str)


def test_bad_yaml_keeps_its_line_with_the_c_parser(tmp_path: Path) -> None:
    found = problems(tmp_path, HEAD + PERSON + "groups: [unclosed\n")
    assert len(found) == 1
    assert found[0].startswith("6: not valid YAML")


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts the YAML parser was given, in order."""
    seen: list[str] = []
    real = loading.parse_yaml
    monkeypatch.setattr(loading, "parse_yaml", lambda text, *a: seen.append(text) or real(text, *a))
    return seen


def test_a_command_and_the_flow_it_runs_parse_the_file_once(tmp_path: Path, parses: list[str]) -> None:
    from tasks.sync import cached_config

    path = tmp_path / "dept.yaml"
    path.write_text(HEAD + PERSON, encoding="utf-8")
    first = load_config(path)  # what the CLI does
    assert cached_config(str(path.resolve())) is first  # what the sync flow and its tasks do
    assert len(parses) == 1
    path.write_text(HEAD + PERSON.replace("Ana", "Anna"), encoding="utf-8")
    assert load_config(path).people[0].name == "Anna"  # a changed file is read again
    assert len(parses) == 2


def test_a_broken_file_is_read_again_after_it_is_fixed(tmp_path: Path) -> None:
    path = tmp_path / "dept.yaml"
    path.write_text(HEAD + "people: [\n", encoding="utf-8")
    with pytest.raises(ConfigError):
        load_config(path)
    path.write_text(HEAD + PERSON, encoding="utf-8")
    assert load_config(path).people[0].email == "ana@x.edu"


def test_many_warnings_are_described_from_one_parse_and_listed_like_problems(
    tmp_path: Path, parses: list[str]
) -> None:
    path = tmp_path / "dept.yaml"
    path.write_text(HEAD + PERSON, encoding="utf-8")
    lines = loading.describe_problems(path, [(("people", 0, "email"), "w")] * 60)
    assert len(parses) == 1
    assert lines[0] == f"{path}:4: people[0].email: w"
    assert lines[-1] == f"{path}: ... and 10 more problems not listed; fix the ones above and validate again"
    assert len(lines) == loading.PROBLEM_LISTING_LIMIT + 1
