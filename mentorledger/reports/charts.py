"""Charts for the reports, drawn headless with Matplotlib (Agg) and embedded as PNG data URIs, so an
HTML report is one self-contained file and WeasyPrint embeds the same images in the PDF.

Every legend sits outside the plotting area (above it), so it can never cover a bar, a line or a
label; ``figure_*`` builders return the figure itself so tests can check exactly that.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # backend first
from matplotlib.axes import Axes
from matplotlib.figure import Figure

CREDITED = "#2b6c8f"
UNCREDITED = "#d08c2e"
HOURS = "#2b6c8f"
SCHEDULED = "#9fb3c1"
NO_DATA_TEXT = "#8a4b00"
MAX_BARS = 40


def png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=150, bbox_inches="tight")
    plt.close(figure)
    return buffer.getvalue()


def data_uri(figure: Figure) -> str:
    return "data:image/png;base64," + base64.b64encode(png(figure)).decode("ascii")


def _legend_above(axes: Axes, columns: int, title: str) -> None:
    """The title, and under it a legend in one row just above the plot, outside the axes: it cannot
    hide a bar, a line or a label. Offsets are in points, so they hold for a chart of any height."""
    axes.legend(
        loc="lower left",
        bbox_to_anchor=(0.0, 1.0),
        ncols=columns,
        fontsize=8,
        frameon=False,
        borderaxespad=0.4,
        handlelength=1.6,
    )
    axes.set_title(title, fontsize=10, pad=LEGEND_ROOM)


LEGEND_ROOM = 24  # points between the plot and its title, where the legend sits


def figure_lorenz(points: Sequence[tuple[float, float]], gini: float) -> Figure:
    figure, axes = plt.subplots(figsize=(4.2, 4.0))
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    axes.plot([0, 1], [0, 1], linestyle="--", color="#888888", linewidth=1, label="equal load")
    axes.plot(xs, ys, marker="o", markersize=3, color=CREDITED, linewidth=2, label="this department")
    axes.fill_between(xs, ys, xs, color=CREDITED, alpha=0.12)
    axes.set_xlim(0, 1)
    axes.set_ylim(0, 1)
    axes.set_xlabel("share of mentors (fewest hours first)")
    axes.set_ylabel("share of mentoring hours")
    _legend_above(axes, 2, f"Lorenz curve (Gini {gini:.3f})")
    axes.grid(alpha=0.3)
    return figure


def figure_mentor_bars(
    names: Sequence[str], credited: Sequence[float], uncredited: Sequence[float]
) -> Figure:
    """Horizontal stacked bars, credited and uncredited hours per mentor, largest load on top (rows come
    sorted by load); a large department shows its MAX_BARS largest loads so the chart stays readable."""
    total = len(names)
    names, credited, uncredited = names[:MAX_BARS], credited[:MAX_BARS], uncredited[:MAX_BARS]
    height = max(2.4, 0.3 * len(names) + 1.4)
    figure, axes = plt.subplots(figsize=(6.4, height))
    positions = list(range(len(names)))[::-1]
    axes.barh(positions, credited, color=CREDITED, label="credited")
    axes.barh(positions, uncredited, left=credited, color=UNCREDITED, label="uncredited")
    axes.set_yticks(positions, labels=list(names), fontsize=8)
    axes.set_ylim(-0.6, len(names) - 0.4)
    axes.set_xlabel("hours")
    title = "Mentoring hours per mentor"
    if total > MAX_BARS:
        title = f"{title} (the {MAX_BARS} largest of {total})"
    _legend_above(axes, 2, title)
    axes.grid(axis="x", alpha=0.3)
    return figure


def figure_months(
    labels: Sequence[str],
    hours: Sequence[float | None],
    scheduled: Sequence[float],
    *,
    title: str,
    missing: Sequence[str] | None = None,
) -> Figure:
    """Hours per month as bars; a month without hours is marked with its ``missing`` text ("no data",
    "not yet") instead of a bar (it is not 0), and scheduled hours (not yet counted) stand beside,
    hatched, never stacked onto the counted ones."""
    figure, axes = plt.subplots(figsize=(7.2, 3.2))
    positions = list(range(len(labels)))
    counted = [h or 0.0 for h in hours]
    has_scheduled = any(scheduled)
    width = 0.4 if has_scheduled else 0.7
    left = [p - width / 2 for p in positions] if has_scheduled else positions
    axes.bar(left, counted, width=width, color=HOURS, label="hours counted")
    if has_scheduled:
        axes.bar(
            [p + width / 2 for p in positions],
            scheduled,
            width=width,
            color="white",
            edgecolor=SCHEDULED,
            hatch="///",
            label="scheduled (not counted)",
        )
    top = max([*counted, *scheduled, 1.0])
    axes.set_ylim(0, top * 1.15)
    marks = missing or ["no data"] * len(labels)
    for position, value, mark in zip(left, hours, marks, strict=True):
        if value is None:
            axes.text(
                position,
                top * 0.02,
                mark,
                rotation=90,
                ha="center",
                va="bottom",
                fontsize=7,
                color=NO_DATA_TEXT,
            )
    axes.set_xticks(positions, labels=list(labels), rotation=45, ha="right", fontsize=7)
    axes.set_ylabel("hours")
    _legend_above(axes, 2, title)
    axes.grid(axis="y", alpha=0.3)
    return figure


def lorenz_chart(points: Sequence[tuple[float, float]], gini: float) -> str:
    return data_uri(figure_lorenz(points, gini))


def mentor_bar_chart(names: Sequence[str], credited: Sequence[float], uncredited: Sequence[float]) -> str:
    return data_uri(figure_mentor_bars(names, credited, uncredited))


def months_chart(
    labels: Sequence[str], hours: Sequence[float | None], scheduled: Sequence[float], *, title: str
) -> str:
    return data_uri(figure_months(labels, hours, scheduled, title=title))
