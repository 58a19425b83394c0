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


#: viewBox geometry of the column chart.
COLUMN_PLOT_WIDTH = 400
COLUMN_PLOT_HEIGHT = 120
COLUMN_TOP = 8
COLUMN_AXIS = 16  # room under the plot for the first and last labels
COLUMN_GAP = 0.2  # share of a column's slot left empty


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    value: float
    shown: str  # the value as the reader sees it (localized by the template)
    url: str
    x: float
    y: float
    width: float
    height: float
    centre: float


@dataclass(frozen=True)
class ColumnChart:
    columns: list[Column]
    width: int
    height: int
    baseline: int
    label_y: int
    #: The optional line over the columns, as an SVG ``points`` attribute (unlocalized).
    line_points: str

    @property
    def empty(self) -> bool:
        """Nothing to draw: no column with a value and no point of the line."""
        return not any(column.value for column in self.columns) and not self.line_points

    @property
    def first(self) -> Column | None:
        return self.columns[0] if self.columns else None

    @property
    def last(self) -> Column | None:
        return self.columns[-1] if self.columns else None


def columns(rows, *, line=None) -> ColumnChart:
    """``rows`` of (key, label, value, shown, url): one vertical column each, left to
    right, heights relative to the biggest value; ``line`` (optional, one value or
    ``None`` per row) is drawn over them as a polyline relative to its own biggest
    value, ``None`` points left out (a second measure on the same time axis)."""
    rows = list(rows)
    biggest = max((float(row[2] or 0) for row in rows), default=0)
    slot = COLUMN_PLOT_WIDTH / len(rows) if rows else COLUMN_PLOT_WIDTH
    baseline = COLUMN_TOP + COLUMN_PLOT_HEIGHT
    bars = []
    for index, (key, label, value, shown, url) in enumerate(rows):
        value = float(value or 0)
        height = round(COLUMN_PLOT_HEIGHT * value / biggest, 2) if biggest else 0
        bars.append(
            Column(
                key=str(key),
                label=str(label),
                value=value,
                shown=shown,
                url=url,
                x=round(index * slot + slot * COLUMN_GAP / 2, 2),
                y=round(baseline - height, 2),
                width=round(slot * (1 - COLUMN_GAP), 2),
                height=height,
                centre=round(index * slot + slot / 2, 2),
            )
        )
    points = ""
    if line is not None:
        values = [None if value is None else float(value) for value in line]
        top = max((value for value in values if value is not None), default=0)
        points = " ".join(
            f"{bar.centre},{round(baseline - (COLUMN_PLOT_HEIGHT * value / top if top else 0), 2)}"
            for bar, value in zip(bars, values, strict=True)
            if value is not None
        )
    return ColumnChart(
        columns=bars,
        width=COLUMN_PLOT_WIDTH,
        height=baseline + COLUMN_AXIS,
        baseline=baseline,
        label_y=baseline + COLUMN_AXIS - 4,
        line_points=points,
    )
