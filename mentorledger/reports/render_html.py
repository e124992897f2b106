"""HTML for the chair report and the dossier: one self-contained page each (CSS and charts inline),
escaped by Jinja2's autoescape so names and free text from the configuration cannot inject markup.
The PDFs are printed from the same HTML."""

from __future__ import annotations

from importlib.resources import files

from jinja2 import Environment, PackageLoader, StrictUndefined

from mentorledger.reports import charts, formatting
from mentorledger.reports.chair_data import METHOD_LABELS, ChairReport
from mentorledger.reports.dossier_data import DossierSummary

_env = Environment(
    loader=PackageLoader("mentorledger.reports", "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def _css() -> str:
    return files("mentorledger.reports").joinpath("templates/base.css").read_text(encoding="utf-8")


def _basis(value: float) -> str:
    return f"{value:g}"


def chair_html(report: ChairReport) -> str:
    rows = report.rows
    return _env.get_template("chair.html.j2").render(
        r=report,
        t=report.totals,
        d=report.distribution,
        f=formatting,
        css=_css(),
        method_labels=METHOD_LABELS,
        basis=_basis(report.fte_basis_hours),
        generated=report.generated_at.strftime("%Y-%m-%d %H:%M UTC"),
        lorenz_chart=charts.lorenz_chart(report.distribution.lorenz, report.distribution.gini)
        if rows
        else "",
        bar_chart=charts.mentor_bar_chart(
            [r.name for r in rows],
            [r.credited_minutes / 60 for r in rows],
            [r.uncredited_minutes / 60 for r in rows],
        )
        if rows
        else "",
    )


def dossier_html(summary: DossierSummary) -> str:
    return _env.get_template("dossier.html.j2").render(
        s=summary,
        f=formatting,
        css=_css(),
        basis=_basis(summary.fte_basis_hours),
        generated=summary.generated_at.strftime("%Y-%m-%d %H:%M UTC"),
    )
