"""Column and field mappings of the FAR and Watermark exports: which value of an activity row goes into
which column (FAR) or XML field (Watermark). Institutions configure their own sections and screens,
so the mapping is a YAML file; the defaults ship in ``config/exports/`` and are documented there.

Every mapped item is either ``field:`` (one of ``FIELDS``) or ``value:`` (a constant, e.g. a status).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Literal, Self, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from mentorledger.errors import UserError
from mentorledger.exports.activities import ActivityRow
from mentorledger.reports.formatting import hours, label

DEFAULTS = Path(__file__).resolve().parent.parent.parent / "config" / "exports"


def _first_name(row: ActivityRow) -> str:
    return row.person.name.rsplit(" ", 1)[0] if " " in row.person.name else row.person.name


def _last_name(row: ActivityRow) -> str:
    return row.person.name.rsplit(" ", 1)[-1]


def _hours(row: ActivityRow) -> str:
    return "" if row.minutes is None else hours(row.minutes)


def _month(day: dt.date) -> str:
    return f"{day:%B}"


def _description(row: ActivityRow) -> str:
    logged = "no data on hours" if row.minutes is None else f"{hours(row.minutes)} h logged from calendars"
    if row.kind == "group":
        return f"{row.role}, {row.counterpart}: {logged}"
    if row.kind == "other":
        return f"Other mentoring meetings (marked as mentoring, no assigned mentee or group): {logged}"
    stage = f" ({row.mentee_stage})" if row.mentee_stage else ""
    return f"{row.role} of {row.counterpart}{stage}: {logged}"


FIELDS: dict[str, Callable[[ActivityRow], str]] = {
    "email": lambda r: r.person.email,
    "local_part": lambda r: r.person.email.split("@")[0],
    "name": lambda r: r.person.name,
    "first_name": _first_name,
    "last_name": _last_name,
    "department": lambda r: r.person.department,
    "rank": lambda r: label(str(r.person.rank)),
    "academic_year": lambda r: r.academic_year,
    "year": lambda r: r.academic_year.split("-")[0],
    "start_date": lambda r: r.start.isoformat(),
    "end_date": lambda r: r.end.isoformat(),
    "start_year": lambda r: str(r.start.year),
    "start_month": lambda r: _month(r.start),
    "start_day": lambda r: str(r.start.day),
    "end_year": lambda r: str(r.end.year),
    "end_month": lambda r: _month(r.end),
    "end_day": lambda r: str(r.end.day),
    "activity": lambda r: r.activity,
    "role": lambda r: r.role,
    "relationship_kind": lambda r: "" if r.kind in ("group", "other") else r.kind.replace("_", "-"),
    "mentee": lambda r: "" if r.kind in ("group", "other") else r.counterpart,
    "mentee_stage": lambda r: r.mentee_stage,
    "group": lambda r: r.counterpart if r.kind == "group" else "",
    "hours": _hours,
    "sessions": lambda r: "" if r.sessions is None else str(r.sessions),
    "data_coverage": lambda r: str(r.coverage.extent),
    "description": _description,
}
FIELD_NAMES = ", ".join(FIELDS)


class Item(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    field: str | None = None
    value: str | None = None

    @model_validator(mode="after")
    def _one_source(self) -> Self:
        if (self.field is None) == (self.value is None):
            raise ValueError("give exactly one of field: or value:")
        if self.field is not None and self.field not in FIELDS:
            raise ValueError(f"unknown field {self.field!r}; the fields are: {FIELD_NAMES}")
        return self

    def of(self, row: ActivityRow) -> str:
        return FIELDS[self.field](row) if self.field is not None else (self.value or "")


class FarColumn(Item):
    header: str = Field(min_length=1)


class FarMapping(BaseModel):
    """Interfolio FAR: the section the rows load into and the columns of its upload form, in order."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    section: str = Field(min_length=1)
    format: Literal["csv", "tsv"] = "csv"
    columns: list[FarColumn] = Field(min_length=1)


class WatermarkField(Item):
    name: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$")  # Faculty Success field keys are upper case


class WatermarkMapping(BaseModel):
    """Watermark Faculty Success: the schema and screen the records go to, and the screen's fields."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_key: str = Field(min_length=1)
    screen: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$")
    username: Literal["email", "local_part"] = "local_part"
    fields: list[WatermarkField] = Field(min_length=1)


M = TypeVar("M", bound=BaseModel)


def load_mapping(path: Path, model: type[M]) -> M:
    """Read and check a mapping file; one line per problem, naming the file and the key."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UserError(f"cannot read the mapping file {path} ({exc.strerror}); check --mapping") from None
    except yaml.YAMLError as exc:
        raise UserError(f"{path}: not valid YAML ({exc.__class__.__name__}); fix the file") from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc']) or 'file'}: {error['msg'].removeprefix('Value error, ')}"
            for error in exc.errors()
        )
        raise UserError(f"{path}: {problems}") from None


def default_mapping(name: str) -> Path:
    return DEFAULTS / name
