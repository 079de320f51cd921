"""The geometry of the statistics page's bar chart (complaints received and closed per week),
drawn as server-side SVG by complaints/stats/_chart.svg: no script, readable without colour
(closed bars are hatched, every bar carries its number) and with a table beside it."""

from __future__ import annotations

import math
from dataclasses import dataclass

from complaints.statistics import Week

WIDTH = 640
HEIGHT = 260
LEFT = 36
RIGHT = 8
TOP = 24
BOTTOM = 36
TICKS = 4


@dataclass
class Bar:
    kind: str  # "received" or "closed": solid or hatched
    x: float
    y: float
    width: float
    height: float
    value: int
    label_x: float
    label_y: float


@dataclass
class AxisLabel:
    x: float
    text: str


@dataclass
class Tick:
    y: float
    value: int


@dataclass
class Chart:
    width: int
    height: int
    left: int
    right_edge: int
    baseline: float
    bars: list[Bar]
    labels: list[AxisLabel]
    ticks: list[Tick]
    received: int
    closed: int
    first: Week | None
    last: Week | None


def _nice_top(value: int) -> int:
    """A round upper bound of the axis divisible into TICKS steps (at least TICKS)."""
    if value <= TICKS:
        return TICKS
    step = math.ceil(value / TICKS)
    magnitude = 10 ** (len(str(step)) - 1)
    step = math.ceil(step / magnitude) * magnitude
    return step * TICKS


def build_chart(weeks: list[Week]) -> Chart:
    top = _nice_top(max([w.received for w in weeks] + [w.closed for w in weeks] + [0]))
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    baseline = TOP + plot_height
    group = plot_width / max(len(weeks), 1)
    bar_width = group * 0.36
    bars: list[Bar] = []
    labels: list[AxisLabel] = []
    for index, week in enumerate(weeks):
        start = LEFT + index * group + group * 0.14
        for offset, kind, value in ((0, "received", week.received), (1, "closed", week.closed)):
            height = plot_height * value / top
            x = start + offset * bar_width
            bars.append(
                Bar(
                    kind,
                    round(x, 1),
                    round(baseline - height, 1),
                    round(bar_width, 1),
                    round(height, 1),
                    value,
                    round(x + bar_width / 2, 1),
                    round(baseline - height - 3, 1),
                )
            )
        labels.append(
            AxisLabel(round(LEFT + (index + 0.5) * group, 1), week.start.strftime("%d/%m"))
        )
    ticks = [
        Tick(round(baseline - plot_height * step / TICKS, 1), top * step // TICKS)
        for step in range(TICKS + 1)
    ]
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right_edge=WIDTH - RIGHT,
        baseline=baseline,
        bars=bars,
        labels=labels,
        ticks=ticks,
        received=sum(w.received for w in weeks),
        closed=sum(w.closed for w in weeks),
        first=weeks[0] if weeks else None,
        last=weeks[-1] if weeks else None,
    )
