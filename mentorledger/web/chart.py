"""The month-by-month chart as plain SVG geometry (stacked bars by category), drawn by a template.

No script and no image files: the page stays one server-rendered document that works without
JavaScript, and a data table beside the chart carries the same numbers for screen readers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from mentorledger.counting import Category
from mentorledger.web.views import CATEGORIES, MonthBar

COLORS = {Category.GROUP: "#0072B2", Category.MENTEE: "#009E73", Category.TAG: "#E69F00"}  # Okabe-Ito
WIDTH, HEIGHT = 760, 240
LEFT, RIGHT, TOP, BOTTOM = 40, 8, 12, 28


@dataclass(frozen=True, slots=True)
class Segment:
    x: float
    y: float
    width: float
    height: float
    color: str


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    x: float  # centre, for the label
    segments: list[Segment]


@dataclass(frozen=True, slots=True)
class Chart:
    width: int
    height: int
    left: int
    baseline: float
    right: float
    bars: list[Bar]
    ticks: list[tuple[float, str]]  # (y, hours)


def _scale_top(hours: float) -> int:
    """A round top for the axis: 1, 2, 5, 10, 20, 50 ... hours."""
    if hours <= 1:
        return 1
    magnitude = 10 ** math.floor(math.log10(hours))
    return int(next(step * magnitude for step in (1, 2, 5, 10) if step * magnitude >= hours))


def month_chart(months: list[MonthBar]) -> Chart:
    top = _scale_top(max((m.total for m in months), default=0) / 60)
    plot_height = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(len(months), 1)
    bars = []
    for i, month in enumerate(months):
        x = LEFT + i * slot + slot * 0.18
        width = slot * 0.64
        y = float(HEIGHT - BOTTOM)
        segments = []
        for category in CATEGORIES:
            height = month.by_category.get(category, 0) / 60 / top * plot_height
            if height > 0:
                y -= height
                segments.append(
                    Segment(round(x, 1), round(y, 1), round(width, 1), round(height, 1), COLORS[category])
                )
        bars.append(Bar(f"{month.first:%b}", round(x + width / 2, 1), segments))
    steps = 4 if str(top).startswith("2") else 5  # 0, 0.5 ... 2 h; 0, 1 ... 5 h; 0, 2 ... 10 h
    ticks = [
        (round(HEIGHT - BOTTOM - plot_height * k / steps, 1), f"{top * k / steps:g} h")
        for k in range(steps + 1)
    ]
    return Chart(WIDTH, HEIGHT, LEFT, HEIGHT - BOTTOM, WIDTH - RIGHT, bars, ticks)
