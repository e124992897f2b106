"""Ranks from export titles: every case in tests/data/roster/titles.csv, each with its story."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from mentorledger.roster.titles import rank_of_title

CASES = Path(__file__).resolve().parents[1] / "data" / "roster" / "titles.csv"


def _cases() -> list[tuple[str, str, str]]:
    with CASES.open(encoding="utf-8", newline="") as handle:
        return [(row["title"], row["rank"], row["story"]) for row in csv.DictReader(handle)]


@pytest.mark.parametrize(("title", "rank", "story"), _cases(), ids=[c[0] for c in _cases()])
def test_title_maps_to_the_rank_its_case_names(title: str, rank: str, story: str) -> None:
    found = rank_of_title(title)
    assert (found.value if found else "") == rank, story


def test_the_case_file_covers_every_rank_and_an_unknown_title() -> None:
    ranks = {rank for _title, rank, _story in _cases()}
    assert ranks >= {
        "instructor",
        "assistant_professor",
        "associate_professor",
        "professor",
        "fellow",
        "resident",
        "student",
        "",
    }
