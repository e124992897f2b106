"""Shard assignment: stable across processes and runs, a partition of the institution, roughly even."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from mentorledger.config import load_config
from mentorledger.errors import UserError
from mentorledger.sharding import check_shard, select_sources, shard_of, shard_run_key
from mentorledger.sync import calendar_ref

KEYS = [f"{i:032x}" for i in range(2000)]


def test_every_calendar_falls_in_exactly_one_shard() -> None:
    shards = 7
    assigned = [shard_of(key, shards) for key in KEYS]
    assert set(assigned) <= set(range(shards))
    buckets = [{k for k in KEYS if shard_of(k, shards) == s} for s in range(shards)]
    assert sum(len(b) for b in buckets) == len(KEYS)
    assert set().union(*buckets) == set(KEYS)


def test_shards_are_roughly_even() -> None:
    sizes = Counter(shard_of(key, 8) for key in KEYS)
    assert len(sizes) == 8
    assert max(sizes.values()) < 1.3 * len(KEYS) / 8
    assert min(sizes.values()) > 0.7 * len(KEYS) / 8


def test_assignment_does_not_depend_on_the_process_or_its_hash_seed() -> None:
    script = (
        "from mentorledger.sharding import shard_of; print([shard_of(f'{i:032x}', 5) for i in range(50)])"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for seed in ("1", "2")
    }
    assert outputs == {str([shard_of(f"{i:032x}", 5) for i in range(50)])}


def test_one_shard_holds_everything() -> None:
    assert {shard_of(key, 1) for key in KEYS} == {0}


@pytest.mark.parametrize(("shard", "shards"), [(3, 3), (-1, 2), (0, 0)])
def test_impossible_shards_are_a_readable_error(shard: int, shards: int) -> None:
    with pytest.raises(UserError, match="shard"):
        check_shard(shard, shards)


def test_idempotency_key_differs_per_window_and_shard() -> None:
    keys = {shard_run_key(w, s, 4) for w in ("2026-11-23T14", "2026-11-23T15") for s in range(4)}
    assert len(keys) == 8
    assert shard_run_key("2026-11-23T14", 1, 4) == shard_run_key("2026-11-23T14", 1, 4)


def write_config(root: Path, owners: int) -> Path:
    people = "\n".join(
        f"  - {{email: p{i}@med.example.edu, name: P{i}, department: Peds, rank: professor}}"
        for i in range(owners)
    )
    calendars = "\n".join(f"  - {{owner: p{i}@med.example.edu, ics: c{i}.ics}}" for i in range(owners))
    for i in range(owners):
        (root / f"c{i}.ics").write_text("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", encoding="utf-8")
    path = root / "dept.yaml"
    path.write_text(
        f"institution: T\ntimezone: UTC\npeople:\n{people}\ncalendars:\n{calendars}\n", encoding="utf-8"
    )
    return path


def test_shards_of_a_configuration_partition_its_calendars(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, 30))
    parts = [select_sources(config, shard=s, shards=3) for s in range(3)]
    keys = [calendar_ref(s).calendar_key for part in parts for s in part]
    assert sorted(keys) == sorted(calendar_ref(s).calendar_key for s in config.calendars)
    assert all(parts)


def test_owner_selection_is_case_insensitive_and_unknown_owners_are_named(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, 3))
    (only,) = select_sources(config, owners=["P1@Med.Example.edu"])
    assert only.owner == "p1@med.example.edu"
    with pytest.raises(UserError, match=re.escape("nobody@med.example.edu")):
        select_sources(config, owners=["nobody@med.example.edu"])
