"""Charts as base64 PNG data URIs, so an HTML report is one self-contained file and WeasyPrint can
embed the same images in the PDF. Matplotlib runs headless (Agg) and is imported only when drawing."""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # backend first
from matplotlib.figure import Figure

CREDITED = "#2b6c8f"
UNCREDITED = "#d08c2e"


def _data_uri(figure: Figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=150, bbox_inches="tight")
    plt.close(figure)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def lorenz_chart(points: Sequence[tuple[float, float]], gini: float) -> str:
    figure, axes = plt.subplots(figsize=(4.2, 3.6))
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    axes.plot([0, 1], [0, 1], linestyle="--", color="#888888", linewidth=1, label="equal load")
    axes.plot(xs, ys, marker="o", markersize=3, color=CREDITED, linewidth=2, label="this department")
    axes.fill_between(xs, ys, xs, color=CREDITED, alpha=0.12)
    axes.set_xlim(0, 1)
    axes.set_ylim(0, 1)
    axes.set_xlabel("share of mentors (fewest hours first)")
    axes.set_ylabel("share of mentoring hours")
    axes.set_title(f"Lorenz curve (Gini {gini:.2f})", fontsize=10)
    axes.legend(loc="upper left", fontsize=8, frameon=False)
    axes.grid(alpha=0.3)
    return _data_uri(figure)


MAX_BARS = 40


def mentor_bar_chart(names: Sequence[str], credited: Sequence[float], uncredited: Sequence[float]) -> str:
    """Horizontal stacked bars, credited and uncredited hours per mentor, largest load on top (rows come
    sorted by load); a large department shows its MAX_BARS largest loads so the chart stays readable."""
    total = len(names)
    names, credited, uncredited = names[:MAX_BARS], credited[:MAX_BARS], uncredited[:MAX_BARS]
    height = max(2.0, 0.32 * len(names) + 1.0)
    figure, axes = plt.subplots(figsize=(6.4, height))
    positions = list(range(len(names)))[::-1]
    axes.barh(positions, credited, color=CREDITED, label="credited")
    axes.barh(positions, uncredited, left=credited, color=UNCREDITED, label="uncredited")
    axes.set_yticks(positions, labels=list(names), fontsize=8)
    axes.set_xlabel("hours")
    title = "Mentoring hours per mentor"
    axes.set_title(
        title if total <= MAX_BARS else f"{title} (the {MAX_BARS} largest of {total})", fontsize=10
    )
    axes.legend(loc="lower right", fontsize=8, frameon=False)
    axes.grid(axis="x", alpha=0.3)
    return _data_uri(figure)
