"""Server-side charts of the return register: the reasons Pareto and the returns by
product, drawn as SVG geometry computed here (no JavaScript, no CDN, CSP-safe: only
SVG attributes, no inline styles)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

#: The SVG's drawing area (viewBox units).
BAR_WIDTH = 48
GAP = 16
PLOT_HEIGHT = 160
TOP = 12
LEFT = 36
BOTTOM_LABELS = 8


def _pct(part, whole) -> Decimal:
    if not whole:
        return Decimal("0.0")
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass(frozen=True)
class Bar:
    key: str
    label: str
    value: int
    share: Decimal  # % of the total
    cumulative: Decimal  # % of the total up to and including this bar (Pareto)
    # Geometry (viewBox units) of the vertical Pareto chart.
    x: int = 0
    y: float = 0
    height: float = 0
    line_y: float = 0  # the cumulative line's point over the bar's centre
    centre: float = 0
    # The horizontal bar chart's width in % of the longest bar.
    width: Decimal = Decimal("0")


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    total: int
    width: int
    height: int
    plot_bottom: int
    line_points: str  # "x,y x,y ..." of the cumulative line
    #: The horizontal grid lines: (y, label) at 0, 50 and 100 % of the biggest bar.
    grid: list[tuple[float, str]]

    @property
    def empty(self) -> bool:
        return not self.bars


def _sorted(rows: Iterable[tuple[str, str, int]]) -> list[tuple[str, str, int]]:
    return sorted(
        ((str(k), str(label), int(v)) for k, label, v in rows if v), key=lambda r: (-r[2], r[1])
    )


def pareto(rows: Iterable[tuple[str, str, int]]) -> Chart:
    """``rows`` of (key, label, count), in any order: bars from the biggest, each with
    its share and the cumulative share (the Pareto line)."""
    ordered = _sorted(rows)
    total = sum(value for _key, _label, value in ordered)
    biggest = ordered[0][2] if ordered else 0
    bars, running, points = [], 0, []
    plot_bottom = TOP + PLOT_HEIGHT
    for index, (key, label, value) in enumerate(ordered):
        running += value
        x = LEFT + GAP + index * (BAR_WIDTH + GAP)
        height = round(PLOT_HEIGHT * value / biggest, 2) if biggest else 0
        cumulative = _pct(running, total)
        line_y = round(plot_bottom - PLOT_HEIGHT * float(cumulative) / 100, 2)
        centre = x + BAR_WIDTH / 2
        points.append(f"{centre},{line_y}")
        bars.append(
            Bar(
                key=key,
                label=label,
                value=value,
                share=_pct(value, total),
                cumulative=cumulative,
                x=x,
                y=round(plot_bottom - height, 2),
                height=height,
                line_y=line_y,
                centre=centre,
                width=_pct(value, biggest),
            )
        )
    width = LEFT + GAP + len(bars) * (BAR_WIDTH + GAP) + LEFT
    grid = [
        (round(plot_bottom - PLOT_HEIGHT * fraction, 2), str(round(biggest * fraction)))
        for fraction in (0, 0.5, 1)
    ]
    return Chart(
        bars=bars,
        total=total,
        width=width,
        height=plot_bottom + BOTTOM_LABELS + 16,
        plot_bottom=plot_bottom,
        line_points=" ".join(points),
        grid=grid,
    )
