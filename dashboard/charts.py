"""Server-drawn SVG bar charts of the dashboard (no JavaScript, CSP-safe: geometry as
SVG attributes, no inline styles). Each chart's values are also given as a table by
the template, for screen readers and printing."""

from __future__ import annotations

from dataclasses import dataclass

#: viewBox geometry of the horizontal bar chart.
LABEL_WIDTH = 150
PLOT_WIDTH = 200
ROW_HEIGHT = 20
BAR_HEIGHT = 14


@dataclass(frozen=True)
class HBar:
    key: str
    label: str
    value: float
    shown: str  # the value as the reader sees it (localized by the template)
    url: str
    y: int
    text_y: int
    width: float
    end_x: float


@dataclass(frozen=True)
class HChart:
    bars: list[HBar]
    width: int
    height: int
    label_width: int

    @property
    def empty(self) -> bool:
        return not self.bars


def hbars(rows, *, scale: float | None = None) -> HChart:
    """``rows`` of (key, label, value, shown, url): one horizontal bar each, in the given
    order, lengths relative to ``scale`` (default: the biggest value)."""
    rows = list(rows)
    biggest = scale or max((float(row[2] or 0) for row in rows), default=0)
    bars = []
    for index, (key, label, value, shown, url) in enumerate(rows):
        value = float(value or 0)
        width = round(PLOT_WIDTH * value / biggest, 2) if biggest else 0
        y = index * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) // 2
        bars.append(
            HBar(
                key=str(key),
                label=str(label),
                value=value,
                shown=shown,
                url=url,
                y=y,
                text_y=y + BAR_HEIGHT - 3,
                width=width,
                end_x=LABEL_WIDTH + width + 4,
            )
        )
    return HChart(
        bars=bars,
        width=LABEL_WIDTH + PLOT_WIDTH + 50,
        height=max(len(bars), 1) * ROW_HEIGHT,
        label_width=LABEL_WIDTH,
    )
