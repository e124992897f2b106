"""The dossier summary as Markdown: easy to paste into a portfolio system or an e-mail."""

from __future__ import annotations

from mentorledger.reports import dossier_tables as tables
from mentorledger.reports.dossier_data import DossierSummary
from mentorledger.reports.formatting import label


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _table(table: tables.Table) -> list[str]:
    lines = ["| " + " | ".join(table.header) + " |", "|" + "|".join("---" for _ in table.header) + "|"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in table.rows]
    return lines


def dossier_markdown(s: DossierSummary) -> str:
    basis = f"{s.fte_basis_hours:g}"
    meta = [label(s.rank)]
    if s.track:
        meta.append(f"{s.track} track")
    if s.last_promotion:
        meta.append(f"last promotion {s.last_promotion}")
    lines = [
        f"# Mentoring and advising summary: {s.name}",
        "",
        f"{s.institution} · {s.department} · {' · '.join(meta)}",
        "",
        f"Period {s.window.start} to {s.window.end} · FTE basis {basis} hours per 1.0 FTE per year · "
        f"generated {s.generated_at:%Y-%m-%d %H:%M} UTC",
        "",
        tables.data_line(s),
        "",
        "## Summary",
        "",
        s.paragraph,
        "",
        "## Quantity",
        "",
        *[f"- {line}" for line in tables.quantity_lines(s)],
        "",
        *_table(tables.hours_by_year(s)),
        "",
        "## How the hours are supported",
        "",
        *_table(tables.evidence(s)),
        "",
        tables.attested_line(s) + ".",
        "",
        "## Hours per month",
        "",
        *_table(tables.hours_by_month(s)),
        "",
        "## Mentees",
        "",
        *_table(tables.mentees(s)),
        "",
        "Mentees are de-identified unless they consented to be named.",
        "",
        "## Engagement",
        "",
        *_table(tables.engagement(s)),
        "",
        "## Credit received",
        "",
        *[f"- {item}: {value}" for item, value in tables.credit(s).rows],
        "",
        "## Your narrative",
        "",
        "The figures above come only from calendars and the configuration. Complete these in your own words:",
        "",
        *[f"- {p}" for p in s.prompts],
        "",
    ]
    return "\n".join(lines)
