"""Chart geometry for server-drawn SVG: bars and lines as plain numbers the templates place."""

from __future__ import annotations

import math
from decimal import Decimal

Number = int | float | Decimal

# SVG user units. The plot sits inside these margins: axis labels on the left, names below.
LEFT = 44
RIGHT = 12
TOP = 14
BOTTOM = 40


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 or 10 times a power of ten that is not below `value`."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power + 1e-9:
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns


def _number(value: Number | None) -> float:
    return 0.0 if value is None else float(value)


def _label(value: Number | None) -> str:
    """A value as the chart prints it: no trailing zeros (12, 7.5)."""
    number = _number(value)
    return str(int(number)) if number == int(number) else f"{number:.2f}".rstrip("0")


def _ticks(top: float, plot_top: float, plot_height: float) -> list[dict]:
    """Five gridlines from zero to the top of the scale."""
    ticks = []
    for index in range(5):
        value = top * index / 4
        ticks.append(
            {
                "value": _label(round(value, 2)),
                "y": round(plot_top + plot_height * (1 - index / 4), 1),
            }
        )
    return ticks


def column_chart(
    items: list[tuple[str, Number | None]], *, width: int = 640, height: int = 220
) -> dict:
    """One vertical bar per item, scaled to a round maximum; labels under the bars."""
    plot_width = width - LEFT - RIGHT
    plot_height = height - TOP - BOTTOM
    largest = max((_number(value) for _label_text, value in items), default=0.0)
    scale = nice_ceiling(largest)
    slot = plot_width / max(len(items), 1)
    bar_width = round(slot * 0.64, 1)
    bars = []
    for index, (label, value) in enumerate(items):
        number = max(_number(value), 0.0)
        bar_height = round(number / scale * plot_height, 1)
        x = round(LEFT + index * slot + (slot - bar_width) / 2, 1)
        bars.append(
            {
                "label": label,
                "value": value,
                "value_label": _label(value),
                "x": x,
                "y": round(TOP + plot_height - bar_height, 1),
                "width": bar_width,
                "height": bar_height,
                "center": round(x + bar_width / 2, 1),
                "value_y": round(TOP + plot_height - bar_height - 4, 1),
            }
        )
    return {
        "width": width,
        "height": height,
        "bars": bars,
        "ticks": _ticks(scale, TOP, plot_height),
        "scale": scale,
        "left": LEFT,
        "right": width - RIGHT,
        "baseline": TOP + plot_height,
        "label_y": TOP + plot_height + 18,
    }


def grouped_column_chart(
    groups: list[tuple[str, list[Number | None]]],
    *,
    series: list[str],
    width: int = 640,
    height: int = 240,
) -> dict:
    """Side-by-side bars per group (one per series, e.g. the deputy and the median)."""
    plot_width = width - LEFT - RIGHT
    plot_height = height - TOP - BOTTOM
    largest = max((_number(v) for _label_text, values in groups for v in values), default=0.0)
    scale = nice_ceiling(largest)
    slot = plot_width / max(len(groups), 1)
    bar_width = round(slot * 0.8 / max(len(series), 1), 1)
    out = []
    for index, (label, values) in enumerate(groups):
        start = LEFT + index * slot + (slot - bar_width * len(series)) / 2
        bars = []
        for position, value in enumerate(values):
            number = max(_number(value), 0.0)
            bar_height = round(number / scale * plot_height, 1)
            x = round(start + position * bar_width, 1)
            bars.append(
                {
                    "series": position,
                    "series_label": series[position],
                    "value": value,
                    "value_label": _label(value),
                    "x": x,
                    "y": round(TOP + plot_height - bar_height, 1),
                    "width": round(bar_width - 1, 1),
                    "height": bar_height,
                }
            )
        out.append(
            {"label": label, "bars": bars, "center": round(LEFT + index * slot + slot / 2, 1)}
        )
    return {
        "width": width,
        "height": height,
        "groups": out,
        "series": [{"index": index, "label": label} for index, label in enumerate(series)],
        "ticks": _ticks(scale, TOP, plot_height),
        "scale": scale,
        "left": LEFT,
        "right": width - RIGHT,
        "baseline": TOP + plot_height,
        "label_y": TOP + plot_height + 18,
    }


def rank_line_chart(
    points: list[tuple[str, int]], *, lowest: int, width: int = 640, height: int = 220
) -> dict:
    """Ranks over time: first place at the top, `lowest` (the last place) at the bottom."""
    plot_width = width - LEFT - RIGHT
    plot_height = height - TOP - BOTTOM
    lowest = max(lowest, max((rank for _label_text, rank in points), default=1), 2)
    slot = plot_width / max(len(points), 1)
    markers = []
    for index, (label, rank) in enumerate(points):
        x = round(LEFT + index * slot + slot / 2, 1)
        y = round(TOP + (rank - 1) / (lowest - 1) * plot_height, 1)
        markers.append({"label": label, "rank": rank, "x": x, "y": y, "text_y": round(y - 8, 1)})
    ticks = [
        {"value": rank, "y": round(TOP + (rank - 1) / (lowest - 1) * plot_height, 1)}
        for rank in sorted({1, (lowest + 1) // 2, lowest})
    ]
    return {
        "width": width,
        "height": height,
        "markers": markers,
        "polyline": " ".join(f"{m['x']},{m['y']}" for m in markers),
        "ticks": ticks,
        "lowest": lowest,
        "left": LEFT,
        "right": width - RIGHT,
        "baseline": TOP + plot_height,
        "label_y": TOP + plot_height + 18,
    }
