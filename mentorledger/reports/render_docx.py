"""The dossier summary as DOCX: committees assemble dossiers in Word, so this is real Word structure
(headings, tables with header rows, bulleted prompts) that survives copy and paste into a template."""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from mentorledger.reports import charts
from mentorledger.reports import dossier_tables as tables
from mentorledger.reports.dossier_data import DossierSummary
from mentorledger.reports.formatting import label
from mentorledger.reports.render_html import months_figure


def _table(document: object, content: tables.Table) -> None:
    header, rows = content.header, content.rows
    table = document.add_table(rows=1, cols=len(header))  # type: ignore[attr-defined]
    table.style = "Table Grid"  # plain, so it pastes cleanly into an institution's dossier template
    heading = table.rows[0]
    repeat = OxmlElement("w:tblHeader")  # the header row repeats when a table crosses a page
    repeat.set(qn("w:val"), "true")
    heading._tr.get_or_add_trPr().append(repeat)
    for cell, text in zip(heading.cells, header, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.font.bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = str(value)


def dossier_docx(s: DossierSummary, path: Path) -> Path:
    document = Document()
    document.styles["Normal"].font.size = Pt(10)
    for section in document.sections:
        section.left_margin = section.right_margin = Cm(2)
    document.core_properties.title = f"Mentoring and advising summary: {s.name}"
    document.add_heading(f"Mentoring and advising summary: {s.name}", level=0)
    meta = [s.institution, s.department, label(s.rank)]
    if s.track:
        meta.append(f"{s.track} track")
    if s.last_promotion:
        meta.append(f"last promotion {s.last_promotion}")
    document.add_paragraph(" · ".join(meta))
    document.add_paragraph(
        f"Period {s.window.start} to {s.window.end} · FTE basis {s.fte_basis_hours:g} hours per 1.0 FTE per "
        f"year · generated {s.generated_at:%Y-%m-%d %H:%M} UTC"
    )
    document.add_paragraph(tables.data_line(s))

    document.add_heading("Summary", level=1)
    document.add_paragraph(s.paragraph)

    document.add_heading("Quantity", level=1)
    for line in tables.quantity_lines(s):
        document.add_paragraph(line, style="List Bullet")
    _table(document, tables.hours_by_year(s))

    document.add_heading("How the hours are supported", level=1)
    _table(document, tables.evidence(s))
    document.add_paragraph(tables.attested_line(s) + ".")

    document.add_heading("Hours per month", level=1)
    figure = months_figure(s.months, f"Mentoring hours per month, {s.name}")
    document.add_picture(io.BytesIO(charts.png(figure)), width=Cm(16))
    _table(document, tables.hours_by_month(s))

    document.add_heading("Mentees", level=1)
    _table(document, tables.mentees(s))
    document.add_paragraph("Mentees are de-identified unless they consented to be named.")

    document.add_heading("Engagement", level=1)
    _table(document, tables.engagement(s))

    document.add_heading("Credit received", level=1)
    _table(document, tables.credit(s))

    document.add_heading("Your narrative", level=1)
    document.add_paragraph(
        "The figures above come only from calendars and the configuration. Complete these in your own words:"
    )
    for prompt in s.prompts:
        document.add_paragraph(prompt, style="List Bullet")
    document.save(str(path))
    return path
