"""HTML for the chair report, the school roll-up and the dossier: one self-contained page each (CSS and
charts inline), escaped by Jinja2's autoescape so names and free text from the configuration cannot
inject markup. The PDFs are printed from the same HTML; every number goes through ``formatting``."""

from __future__ import annotations

from collections.abc import Sequence
from importlib.resources import files
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined

from mentorledger.reports import dossier_tables, formatting
from mentorledger.reports.basis import MonthRow
from mentorledger.reports.chair_data import METHOD_LABELS, ChairReport
from mentorledger.reports.dossier_data import DossierSummary
from mentorledger.reports.school_data import SchoolReport

if TYPE_CHECKING:  # Matplotlib is imported only when a chart is drawn: the school page has none
    from matplotlib.figure import Figure

_env = Environment(
    loader=PackageLoader("mentorledger.reports", "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def _css() -> str:
    return files("mentorledger.reports").joinpath("templates/base.css").read_text(encoding="utf-8")


def _common(tz: ZoneInfo, fte_basis_hours: float, generated: Any) -> dict[str, Any]:
    return {
        "f": formatting,
        "tz": tz,
        "css": _css(),
        "basis": f"{fte_basis_hours:g}",
        "generated": generated.strftime("%Y-%m-%d %H:%M UTC"),
        "method_labels": METHOD_LABELS,
    }


def months_figure(months: Sequence[MonthRow], title: str) -> Figure:
    """The hours-per-month chart of a report (HTML and PDF embed it, DOCX adds it as a picture)."""
    from mentorledger.reports import charts

    return charts.figure_months(
        [m.label for m in months],
        [formatting.hours_value(m.minutes) for m in months],
        [formatting.hours_value(m.scheduled_minutes) or 0.0 for m in months],
        title=title,
        missing=[formatting.month_hours(None, m.begun) for m in months],
    )


def months_chart(months: Sequence[MonthRow], title: str) -> str:
    from mentorledger.reports import charts

    return charts.data_uri(months_figure(months, title))


def chair_charts(report: ChairReport) -> dict[str, str]:
    """The chair report's charts as data URIs ("" for a chart with nothing to draw): the report and
    the chair's dashboard show these same images."""
    from mentorledger.reports import charts

    known = [r for r in report.rows if r.minutes is not None]
    d = report.distribution
    return {
        "lorenz_chart": charts.lorenz_chart(d.lorenz, d.gini) if d is not None else "",
        "bar_chart": charts.mentor_bar_chart(
            [r.name for r in known],
            [(r.credited_minutes or 0) / 60 for r in known],
            [(r.uncredited_minutes or 0) / 60 for r in known],
        )
        if known
        else "",
        "months_chart": months_chart(report.months, f"Mentoring hours per month, {report.department}"),
    }


def chair_html(report: ChairReport) -> str:
    tz = ZoneInfo(report.timezone)
    return _env.get_template("chair.html.j2").render(
        r=report,
        t=report.totals,
        d=report.distribution,
        **chair_charts(report),
        **_common(tz, report.fte_basis_hours, report.generated_at),
    )


def school_html(report: SchoolReport) -> str:
    tz = ZoneInfo(report.timezone)
    return _env.get_template("school.html.j2").render(
        s=report, **_common(tz, report.fte_basis_hours, report.generated_at)
    )


def dossier_html(summary: DossierSummary) -> str:
    tz = ZoneInfo(summary.timezone)
    return _env.get_template("dossier.html.j2").render(
        s=summary,
        evidence=dossier_tables.evidence(summary),
        attested_line=dossier_tables.attested_line(summary),
        months_chart=months_chart(summary.months, f"Mentoring hours per month, {summary.name}"),
        **_common(tz, summary.fte_basis_hours, summary.generated_at),
    )
