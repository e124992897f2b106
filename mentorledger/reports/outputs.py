"""Write a computed report in the requested formats, and summarise it for run artifacts.

The only place that knows file names; renderers never compute, and this module never formats a number
itself except through ``formatting``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from mentorledger.errors import UserError
from mentorledger.reports.chair_data import ChairReport
from mentorledger.reports.dossier_data import DossierSummary
from mentorledger.reports.formatting import decimal, fte, hours, percent, signed_hours, sync_text, through
from mentorledger.reports.school_data import SchoolReport

CHAIR_FORMATS = ("html", "pdf", "xlsx", "csv")
SCHOOL_FORMATS = CHAIR_FORMATS
DOSSIER_FORMATS = ("docx", "pdf", "md")


def check_formats(formats: list[str] | None, allowed: tuple[str, ...], what: str) -> list[str]:
    chosen = [f.strip().lower() for f in (formats or list(allowed))]
    unknown = [f for f in chosen if f not in allowed]
    if unknown:
        raise UserError(f"{what}: unknown format {', '.join(unknown)}; choose from {', '.join(allowed)}")
    return list(dict.fromkeys(chosen))


def _prepare(out_dir: str | Path) -> Path:
    directory = Path(out_dir)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(
            f"cannot create the output directory {directory} ({exc.strerror}); pass another --out"
        ) from None
    return directory


Writer = Callable[[Path], object]


def _write(stem: Path, chosen: list[str], writers: dict[str, Writer]) -> dict[str, Path]:
    """Each chosen format's file next to ``stem``; returns format -> file written."""
    written: dict[str, Path] = {}
    for fmt in chosen:
        path = stem.with_suffix(f".{fmt}")
        writers[fmt](path)
        written[fmt] = path
    return written


def _text(render: Callable[[], str]) -> Writer:
    return lambda path: path.write_text(render(), encoding="utf-8")


def _pdf(render: Callable[[], str]) -> Writer:
    def write(path: Path) -> None:
        from mentorledger.reports.render_pdf import html_to_pdf  # slow to import; only PDFs need it

        html_to_pdf(render(), path)

    return write


def _spreadsheet_writers(html: Callable[[], str], xlsx: Writer, csv: Callable[[], str]) -> dict[str, Writer]:
    return {"html": _text(html), "pdf": _pdf(html), "xlsx": xlsx, "csv": _text(csv)}


def write_chair(report: ChairReport, formats: list[str], out_dir: str | Path) -> dict[str, Path]:
    """Render ``report`` into each format (the HTML once, for the page and the PDF)."""
    from mentorledger.reports import render_csv, render_html, render_xlsx

    chosen = check_formats(formats, CHAIR_FORMATS, "chair report")
    stem = _prepare(out_dir) / f"effort-{report.slug}-{report.window.start}-{report.window.end}"
    html = cache(lambda: render_html.chair_html(report))
    writers = _spreadsheet_writers(
        html, lambda path: render_xlsx.chair_xlsx(report, path), lambda: render_csv.chair_csv(report)
    )
    return _write(stem, chosen, writers)


def write_school(report: SchoolReport, formats: list[str], out_dir: str | Path) -> dict[str, Path]:
    """The school roll-up in each format."""
    from mentorledger.reports import render_csv, render_html, render_xlsx

    chosen = check_formats(formats, SCHOOL_FORMATS, "school report")
    stem = _prepare(out_dir) / f"effort-school-{report.window.start}-{report.window.end}"
    html = cache(lambda: render_html.school_html(report))
    writers = _spreadsheet_writers(
        html, lambda path: render_xlsx.school_xlsx(report, path), lambda: render_csv.school_csv(report)
    )
    return _write(stem, chosen, writers)


def write_dossier(summary: DossierSummary, formats: list[str], out_dir: str | Path) -> dict[str, Path]:
    from mentorledger.reports import render_docx, render_html, render_md

    chosen = check_formats(formats, DOSSIER_FORMATS, "dossier")
    stem = _prepare(out_dir) / f"dossier-{summary.slug}-{summary.window.start}-{summary.window.end}"
    writers: dict[str, Writer] = {
        "docx": lambda path: render_docx.dossier_docx(summary, path),
        "pdf": _pdf(lambda: render_html.dossier_html(summary)),
        "md": _text(lambda: render_md.dossier_markdown(summary)),
    }
    return _write(stem, chosen, writers)


def _distribution_line(report: ChairReport) -> str:
    d = report.distribution
    if d is None:
        return f"- {report.distribution_note}"
    return (
        f"- Median {decimal(d.median_hours, 1)} h; 90th percentile {decimal(d.p90_hours, 1)} h; Gini "
        f"{decimal(d.gini, 3)}; top 10% carry {percent(d.top10_share)}"
    )


def chair_summary_markdown(report: ChairReport, files: dict[str, Path]) -> str:
    t, tz = report.totals, ZoneInfo(report.timezone)
    flagged = "left out (too few mentors to compare)" if t.flagged is None else str(t.flagged)
    return "\n".join(
        [
            f"# Mentoring effort: {report.department}",
            "",
            f"{report.window.start} to {report.window.end} · data through {through(report.data_through, tz)} · "
            f"FTE basis {report.fte_basis_hours:g} h per 1.0 FTE per year",
            "",
            f"- People: {t.people}; with data: {t.with_data}; calendars: "
            + ", ".join(f"{n} {status}" for status, n in t.by_status.items()),
            f"- Hours: {hours(t.minutes)} (FTE equivalent {fte(t.fte_equivalent)}); mentors with data: {t.mentors}",
            f"- Credited: {hours(t.credited_minutes)} h; uncredited: {hours(t.uncredited_minutes)} h",
            _distribution_line(report),
            f"- Flagged for credit review: {flagged}",
            "",
            "Files: " + ", ".join(f"`{p}`" for p in files.values()),
        ]
    )


def chair_table(report: ChairReport) -> list[dict[str, Any]]:
    """The artifact table: the chair's own view (names and hours), nothing more."""
    tz = ZoneInfo(report.timezone)
    return [
        {
            "name": r.name,
            "calendar": sync_text(r.sync, tz),
            "hours": hours(r.minutes),
            "credited_hours": hours(r.credited_minutes),
            "uncredited_hours": hours(r.uncredited_minutes),
            "change_hours": signed_hours(r.change_minutes),
            "review_for_credit": "yes" if r.review_for_credit else "",
        }
        for r in report.rows
    ]


def school_summary_markdown(report: SchoolReport, files: dict[str, Path]) -> str:
    tz = ZoneInfo(report.timezone)
    lines = [
        f"# Mentoring effort by department: {report.institution}",
        "",
        f"{report.window.start} to {report.window.end} · data through {through(report.data_through, tz)}",
        "",
        "| Department | People | With data | Hours | FTE | Gini |",
        "|---|---|---|---|---|---|",
    ]
    for d in report.departments:
        gini = decimal(d.distribution.gini, 3) if d.distribution else "too few mentors"
        lines.append(
            f"| {d.department} | {d.totals.people} | {d.totals.with_data} | {hours(d.totals.minutes)} | "
            f"{fte(d.totals.fte_equivalent)} | {gini} |"
        )
    return "\n".join([*lines, "", "Files: " + ", ".join(f"`{p}`" for p in files.values())])


def dossier_summary_markdown(summary: DossierSummary, files: dict[str, Path]) -> str:
    return "\n".join(
        [
            f"# Mentoring summary: {summary.name}",
            "",
            f"{summary.window.start} to {summary.window.end} · data through "
            f"{through(summary.data_through, ZoneInfo(summary.timezone))} · FTE basis {summary.fte_basis_hours:g} h",
            "",
            summary.paragraph,
            "",
            "Files: " + ", ".join(f"`{p}`" for p in files.values()),
        ]
    )


def dossier_table(summary: DossierSummary) -> list[dict[str, Any]]:
    """Hours per academic year (no mentee rows: artifacts are seen by whoever can read the server)."""
    return [{"academic_year": y.label, "hours": hours(y.minutes)} for y in summary.years] + [
        {"academic_year": "period", "hours": hours(summary.minutes)}
    ]
