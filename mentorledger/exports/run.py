"""The ``export`` commands' core: read the ledger once as of one instant, build the export, write it
to a file (``--out`` a file name, or a directory to name it in), and for Watermark optionally send it."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from mentorledger.config import Config
from mentorledger.errors import UserError
from mentorledger.exports.activities import ActivityRow, activity_rows
from mentorledger.exports.far import far_file_name, far_text
from mentorledger.exports.mapping import FarMapping, WatermarkMapping, default_mapping, load_mapping
from mentorledger.exports.summaries import check, summaries_document
from mentorledger.exports.watermark import endpoint_from_environment, send, watermark_xml
from mentorledger.reports.basis import LedgerView, load_view
from mentorledger.store.ledger import Ledger

FAR_MAPPING = "far-mentoring.yaml"
WATERMARK_MAPPING = "watermark-mentoring.yaml"


@dataclass(frozen=True, slots=True)
class Exported:
    path: Path
    records: int  # mentors (JSON) or activity rows (FAR, Watermark)
    sent_to: str | None = None  # where a Watermark import went (scheme and host only)


def target(out: Path, default_name: str) -> Path:
    """``out`` itself when it names a file (has a suffix), else ``default_name`` inside it."""
    path = out if out.suffix else out / default_name
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot create {path.parent} ({exc.strerror}); pass another --out") from None
    return path


def export_json(
    config: Config,
    ledger: Ledger,
    out: Path,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    as_of: dt.datetime | None = None,
) -> Exported:
    view, window = load_view(config, ledger, start=start, end=end, as_of=as_of)
    document = summaries_document(view, window)
    check(document)
    path = target(out, f"mentor-summaries-{window.start}-{window.end}.json")
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return Exported(path, len(document["mentors"]))


def _rows(
    config: Config, ledger: Ledger, start: dt.date | None, end: dt.date | None, as_of: dt.datetime | None
) -> tuple[list[ActivityRow], LedgerView]:
    view, window = load_view(config, ledger, start=start, end=end, as_of=as_of)
    return activity_rows(view, window), view


def export_far(
    config: Config,
    ledger: Ledger,
    out: Path,
    *,
    mapping_path: Path | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    as_of: dt.datetime | None = None,
) -> Exported:
    mapping = load_mapping(mapping_path or default_mapping(FAR_MAPPING), FarMapping)
    rows, view = _rows(config, ledger, start, end, as_of)
    path = target(out, far_file_name(mapping, view.as_of_date()))
    if path.suffix.lower() == ".tsv" and mapping.format != "tsv":
        mapping = mapping.model_copy(update={"format": "tsv"})
    path.write_text(far_text(rows, mapping), encoding="utf-8")
    return Exported(path, len(rows))


def export_watermark(
    config: Config,
    ledger: Ledger,
    out: Path,
    *,
    mapping_path: Path | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    as_of: dt.datetime | None = None,
    deliver: bool = False,
) -> Exported:
    mapping = load_mapping(mapping_path or default_mapping(WATERMARK_MAPPING), WatermarkMapping)
    endpoint = endpoint_from_environment(mapping) if deliver else None  # a missing setting fails first
    rows, view = _rows(config, ledger, start, end, as_of)
    xml = watermark_xml(rows, mapping)
    window = view.span
    path = target(out, f"watermark-{mapping.screen.lower()}-{window.start}-{window.end}.xml")
    path.write_bytes(xml)
    if endpoint is None:
        return Exported(path, len(rows))
    send(xml, endpoint)
    return Exported(path, len(rows), sent_to=endpoint.shown)
