"""Read report files back as a reader would: HTML cells, workbook cells, CSV rows, PDF and DOCX text."""

from __future__ import annotations

import csv
import io
from html.parser import HTMLParser
from pathlib import Path

from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader


class _Cells(HTMLParser):
    """Rows of ``<tr data-email=...>`` as {email: {data-key: text}}, plus every other data-key's text."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, dict[str, str]] = {}
        self.keys: dict[str, list[str]] = {}
        self._email: str | None = None
        self._key: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "tr":
            self._email = found.get("data-email")
        if "data-key" in found:
            self._key, self._text = found["data-key"], []

    def handle_data(self, data: str) -> None:
        if self._key is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "div", "strong") and self._key is not None:
            text = "".join(self._text).strip()
            if self._email:
                self.rows.setdefault(self._email, {})[self._key] = text
            else:
                self.keys.setdefault(self._key, []).append(text)
            self._key = None
        if tag == "tr":
            self._email = None


def html_cells(path: Path) -> _Cells:
    parser = _Cells()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def xlsx_sheets(path: Path) -> dict[str, list[list[object]]]:
    workbook = load_workbook(path, read_only=True)
    return {
        sheet.title: [list(r) for r in sheet.iter_rows(values_only=True)] for sheet in workbook.worksheets
    }


def pdf_text(path: Path) -> str:
    """Text of a PDF, page by page (pypdf: pure Python, so no system tool is needed)."""
    return "\n".join(page.extract_text(extraction_mode="layout") for page in PdfReader(str(path)).pages)


def docx_text(source: Path | bytes) -> str:
    """Text of a DOCX file, or of a DOCX body as served (its paragraphs, then its tables' cells)."""
    document = Document(str(source) if isinstance(source, Path) else io.BytesIO(source))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def all_text(path: Path) -> str:
    """Everything a reader could see in a report file, whatever its format."""
    suffix = path.suffix
    if suffix == ".pdf":
        return pdf_text(path)
    if suffix == ".docx":
        return docx_text(path)
    if suffix == ".xlsx":
        return "\n".join(
            " ".join(str(c) for c in row if c is not None)
            for rows in xlsx_sheets(path).values()
            for row in rows
        )
    return path.read_text(encoding="utf-8")
