"""Reading an HR or faculty-affairs CSV export: its encoding, delimiter and header, and which column
holds which field, by a documented header map that flags can override.

Exports name their columns in many ways ("E-mail Address", "Dept", "Job Title"); a header is compared
lower-cased, with punctuation and runs of spaces folded, against the aliases of each field. Every
problem names the file, the line and the column, like the configuration's ``FILE:LINE: ...`` lines.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from mentorledger.errors import UserError


def fold(header: str) -> str:
    """A header as it is compared: "E-mail Address:" and "email_address" are the same column."""
    return " ".join(re.sub(r"[^0-9a-zà-ÿ]+", " ", header.replace("\ufeff", "").lower()).split())


@dataclass(frozen=True, slots=True)
class Field:
    """A field the import reads, the headers it is found under, and the flag that names it instead."""

    name: str
    aliases: tuple[str, ...]
    flag: str
    required: bool = False

    def folded_aliases(self) -> tuple[str, ...]:
        return tuple(fold(alias) for alias in self.aliases)


@dataclass(frozen=True, slots=True)
class Row:
    line: int  # the line of the file where this record starts (the header is line 1 or later)
    values: Mapping[str, str]  # field name -> cell text, stripped

    def get(self, name: str) -> str:
        return self.values.get(name, "")


@dataclass(frozen=True, slots=True)
class Problem:
    file: Path
    line: int
    column: str | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        return f"{where}: column {self.column!r}: {self.reason}" if self.column else f"{where}: {self.reason}"


@dataclass
class Table:
    """The rows of one export, each reduced to the fields the import knows."""

    file: Path
    columns: dict[str, str]  # field name -> the header it was read from
    rows: list[Row] = field(default_factory=list)

    def header_of(self, name: str) -> str:
        return self.columns.get(name, name)

    def problem(self, row: Row, name: str | None, reason: str) -> Problem:
        return Problem(self.file, row.line, self.header_of(name) if name else None, reason)


Record = TypeVar("Record")


def one_per_key(
    table: Table,
    found: Iterable[tuple[Row, Record | None]],
    key: Callable[[Record], Hashable],
    column: str,
    what: str,
    problems: list[Problem],
) -> list[Record]:
    """The records in file order, a second row for the same ``key`` reported (``what`` names the key)."""
    seen: dict[Hashable, int] = {}
    records = []
    for row, record in found:
        if record is None:
            continue
        if key(record) in seen:
            problems.append(table.problem(row, column, f"{what} is also on line {seen[key(record)]}"))
            continue
        seen[key(record)] = row.line
        records.append(record)
    return records


def read_table(file: Path, fields: Sequence[Field], chosen: Mapping[str, str | None]) -> Table:
    """Read ``file``, map its header onto ``fields`` (``chosen``: field name -> header given by flag).
    A file that cannot be read, or a header without a required field, is a UserError of one line."""
    text = _decode(file)
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    header_line = 0
    records: list[tuple[int, list[str]]] = []
    line = 1
    for cells in reader:
        start, line = line, reader.line_num + 1
        if not any(cell.strip() for cell in cells):
            continue
        if header is None:
            header, header_line = cells, start
        else:
            records.append((start, cells))
    if header is None:
        raise UserError(
            f"{file}: the file is empty; expected a header row such as email,name,department,title"
        )
    index = _map_header(file, header_line, header, fields, chosen)
    table = Table(file, {name: header[i].strip() for name, i in index.items()})
    for start, cells in records:
        values = {name: cells[i].strip() if i < len(cells) else "" for name, i in index.items()}
        table.rows.append(Row(start, values))
    return table


def _decode(file: Path) -> str:
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        raise UserError(f"{file}: file not found") from None
    except OSError as exc:
        raise UserError(f"{file}: cannot read it ({exc.strerror or exc})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # Excel's "CSV" on Windows


def _delimiter(text: str) -> str:
    """Comma, semicolon (Excel in much of Europe) or tab, whichever the header line uses most."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def _map_header(
    file: Path, line: int, header: list[str], fields: Sequence[Field], chosen: Mapping[str, str | None]
) -> dict[str, int]:
    folded = [fold(cell) for cell in header]
    listed = ", ".join(repr(cell.strip()) for cell in header)
    index: dict[str, int] = {}
    for spec in fields:
        given = chosen.get(spec.name)
        if given is not None:
            if fold(given) not in folded:
                raise UserError(
                    f"{file}:{line}: no column {given!r} ({spec.flag}); the columns are: {listed}"
                )
            index[spec.name] = folded.index(fold(given))
            continue
        found = next((folded.index(alias) for alias in spec.folded_aliases() if alias in folded), None)
        if found is not None:
            index[spec.name] = found
        elif spec.required:
            raise UserError(
                f"{file}:{line}: no {spec.name} column (looked for {', '.join(spec.aliases[:4])}, ...); "
                f"name it with {spec.flag} COLUMN (the columns are: {listed})"
            )
    return index
