"""Server-rendered bar charts as plain data for templates/programme/includes/chart.html: accessible SVG with no
script and no inline style (colours come from CSS classes, so the content security policy needs no unsafe-inline).

Pure geometry: no ORM, no request. Every chart carries its own text summary and the numbers for its data-table
alternative, so the chart is never the only way to read them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

WIDTH = 640
HEIGHT = 260
LEFT, RIGHT, TOP, BOTTOM = 48, 8, 12, 40
SERIES_CLASSES = 4  # app-chart__bar--0 .. --3 in frontend/_components.scss


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: int
    title: str  # what a pointer shows on hover: "Requests, Jan 2026: 12"


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass
class Chart:
    chart_id: str
    title: str
    summary: str
    categories: list[str]
    series: dict[str, list[float]]
    unit: str = ""
    bars: list[Bar] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    x_labels: list[Tick] = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT
    plot_bottom: float = HEIGHT - BOTTOM
    plot_left: float = LEFT

    @property
    def rows(self) -> list[tuple[str, list[float]]]:
        """The data table: one row per category, one column per series."""
        return [
            (category, [values[i] for values in self.series.values()]) for i, category in enumerate(self.categories)
        ]

    @property
    def legend(self) -> list[tuple[int, str]]:
        return [(index % SERIES_CLASSES, name) for index, name in enumerate(self.series)]

    @property
    def is_empty(self) -> bool:
        return not any(value for values in self.series.values() for value in values)


def _nice_top(value: float) -> float:
    """The smallest 1, 2 or 5 x 10^n at or above value, for a readable axis."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def bar_chart(
    *, chart_id: str, title: str, categories: list[str], series: dict[str, list[float]], summary: str, unit: str = ""
) -> Chart:
    """Grouped vertical bars: one group per category, one bar per series."""
    chart = Chart(chart_id=chart_id, title=title, summary=summary, categories=categories, series=series, unit=unit)
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top = _nice_top(max((v for values in series.values() for v in values), default=0))
    chart.y_ticks = [
        Tick(TOP + plot_height * (1 - fraction), _number(top * fraction)) for fraction in (0, 0.25, 0.5, 0.75, 1)
    ]
    if not categories:
        return chart
    group = plot_width / len(categories)
    bar_width = max(1.0, group * 0.8 / max(len(series), 1))
    label_every = max(1, math.ceil(len(categories) / 12))  # at most 12 labels on the axis; the table has them all
    for index, category in enumerate(categories):
        left = LEFT + group * index + group * 0.1
        for number, (name, values) in enumerate(series.items()):
            height = plot_height * (values[index] / top)
            chart.bars.append(
                Bar(
                    x=round(left + bar_width * number, 2),
                    y=round(TOP + plot_height - height, 2),
                    width=round(bar_width, 2),
                    height=round(height, 2),
                    series=number % SERIES_CLASSES,
                    title=f"{name}, {category}: {_number(values[index])}{unit}",
                )
            )
        if index % label_every == 0:
            chart.x_labels.append(Tick(round(LEFT + group * (index + 0.5), 2), category))
    return chart
