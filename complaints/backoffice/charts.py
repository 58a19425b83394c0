"""The complaints breakdown charts (categories, root causes, responsible parties),
drawn as SVG geometry computed here: no JavaScript, no CDN, only SVG attributes (the
CSP allows no inline styles). Each chart is a horizontal bar per key, biggest first,
with its count and share; the page prints the same figures as a table."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

#: The SVG's drawing area (viewBox units).
LABEL_WIDTH = 150
PLOT_WIDTH = 300
BAR_HEIGHT = 18
GAP = 8
TOP = 6
VALUE_GAP = 4


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
    y: float
    width: float  # viewBox units
    text_y: float
    value_x: float


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    total: int
    width: int
    height: int
    label_width: int = LABEL_WIDTH

    @property
    def empty(self) -> bool:
        return not self.bars


def bars(rows: Iterable[tuple[str, str, int]]) -> Chart:
    """``rows`` of (key, label, count), in any order: one bar each (zero counts left
    out), from the biggest, with its share of the total."""
    ordered = sorted(
        ((str(k), str(label), int(v)) for k, label, v in rows if v), key=lambda r: (-r[2], r[1])
    )
    total = sum(value for _key, _label, value in ordered)
    biggest = ordered[0][2] if ordered else 0
    drawn = []
    for index, (key, label, value) in enumerate(ordered):
        y = TOP + index * (BAR_HEIGHT + GAP)
        width = round(PLOT_WIDTH * value / biggest, 2) if biggest else 0
        drawn.append(
            Bar(
                key=key,
                label=label,
                value=value,
                share=_pct(value, total),
                y=y,
                width=width,
                text_y=y + BAR_HEIGHT / 2,
                value_x=LABEL_WIDTH + width + VALUE_GAP,
            )
        )
    height = TOP * 2 + len(drawn) * (BAR_HEIGHT + GAP)
    return Chart(bars=drawn, total=total, width=LABEL_WIDTH + PLOT_WIDTH + 40, height=height)
