"""Small accessible SVG charts drawn on the server: lines, columns and stacked bars, no JavaScript.

Each function returns inline SVG markup (safe to put in a template) with a <title> and a <desc>
the screen reader announces, a text label for every value, a <title> on every mark for the
pointer, and a viewBox so the chart scales to its container on a phone or a tablet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from scoring.charts import nice_ceiling

Number = int | float


@dataclass
class Bar:
    label: str
    value: Number | None
    url: str = ""
    # What the value reads as (a percentage, "12.5"); the plain number when empty.
    text: str = ""


@dataclass
class StackedRow:
    label: str
    values: list[Number]
    url: str = ""
    # One link per segment (same order as the series); empty strings for none.
    segment_urls: list[str] = field(default_factory=list)


def _number(value: Number | None) -> str:
    """A coordinate or a value without trailing zeros."""
    if value is None:
        return ""
    rounded = round(float(value), 1)
    return str(int(rounded)) if rounded == int(rounded) else str(rounded)


def _wrap(markup: str, url: str) -> str:
    return str(format_html('<a href="{}">', url)) + markup + "</a>" if url else markup


def _svg(chart_id: str, title: str, desc: str, width: int, height: int, body: list[str]) -> str:
    head = format_html(
        '<svg class="chart" id="{id}" viewBox="0 0 {w} {h}" role="img" '
        'aria-labelledby="{id}-title {id}-desc" preserveAspectRatio="xMidYMid meet">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>',
        id=chart_id,
        w=width,
        h=height,
        title=title,
        desc=desc,
    )
    # Every part was built by format_html, which escaped each value.
    return mark_safe(str(head) + "".join(body) + "</svg>")  # noqa: S308


def _value_text(value: Number | None, text: str) -> str:
    if value is None:
        return "—"
    return text or _number(value)


def line_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    points: Sequence[Bar],
    maximum: Number | None = None,
    width: int = 360,
    height: int = 200,
) -> SafeString:
    """One line over the labels (quarters); a None value leaves a gap and reads as a dash."""
    left, right, top, bottom = 36, 12, 22, 34
    plot_width, plot_height = width - left - right, height - top - bottom
    values = [float(point.value) for point in points if point.value is not None]
    scale = float(maximum) if maximum else nice_ceiling(max(values, default=0.0))
    step = plot_width / max(len(points) - 1, 1)
    body = []
    for index in range(5):
        y = top + plot_height * (1 - index / 4)
        body.append(
            format_html(
                '<line class="grid" x1="{}" x2="{}" y1="{}" y2="{}"/>'
                '<text class="axis" x="{}" y="{}" text-anchor="end">{}</text>',
                left,
                width - right,
                _number(y),
                _number(y),
                left - 4,
                _number(y + 4),
                _number(scale * index / 4) if not maximum else f"{round(index * 25)}%",
            )
        )
    segments: list[list[str]] = [[]]
    marks = []
    for index, point in enumerate(points):
        x = left + (index * step if len(points) > 1 else plot_width / 2)
        body.append(
            format_html(
                '<text class="axis-label" x="{}" y="{}" text-anchor="middle">{}</text>',
                _number(x),
                height - bottom + 16,
                point.label,
            )
        )
        if point.value is None:
            segments.append([])
            continue
        y = top + plot_height * (1 - min(float(point.value) / scale, 1.0))
        segments[-1].append(f"{_number(x)},{_number(y)}")
        shown = _value_text(point.value, point.text)
        mark = format_html(
            '<circle class="dot" cx="{}" cy="{}" r="3.5"><title>{}: {}</title></circle>'
            '<text class="value" x="{}" y="{}" text-anchor="middle">{}</text>',
            _number(x),
            _number(y),
            point.label,
            shown,
            _number(x),
            _number(y - 7),
            shown,
        )
        marks.append(_wrap(str(mark), point.url))
    for segment in segments:
        if len(segment) > 1:
            body.append(format_html('<polyline class="line" points="{}"/>', " ".join(segment)))
    body.extend(marks)
    return _svg(chart_id, title, desc, width, height, [str(part) for part in body])


def column_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    bars: Sequence[Bar],
    width: int = 640,
    height: int = 240,
) -> SafeString:
    """One vertical bar per item (a histogram's buckets), labelled below and valued above."""
    left, right, top, bottom = 36, 8, 20, 40
    plot_width, plot_height = width - left - right, height - top - bottom
    scale = nice_ceiling(max((float(bar.value or 0) for bar in bars), default=0.0))
    slot = plot_width / max(len(bars), 1)
    bar_width = slot * 0.8
    body = [
        str(
            format_html(
                '<line class="baseline" x1="{}" x2="{}" y1="{}" y2="{}"/>',
                left,
                width - right,
                top + plot_height,
                top + plot_height,
            )
        )
    ]
    for index, bar in enumerate(bars):
        x = left + index * slot + (slot - bar_width) / 2
        bar_height = plot_height * float(bar.value or 0) / scale
        y = top + plot_height - bar_height
        center = x + bar_width / 2
        shown = _value_text(bar.value, bar.text)
        rect = format_html(
            '<rect class="column" x="{}" y="{}" width="{}" height="{}">'
            "<title>{}: {}</title></rect>",
            _number(x),
            _number(y),
            _number(bar_width),
            _number(bar_height),
            bar.label,
            shown,
        )
        body.append(_wrap(str(rect), bar.url))
        body.append(
            str(
                format_html(
                    '<text class="value" x="{}" y="{}" text-anchor="middle">{}</text>'
                    '<text class="axis-label" x="{}" y="{}" text-anchor="middle">{}</text>',
                    _number(center),
                    _number(y - 4),
                    shown,
                    _number(center),
                    height - bottom + 16,
                    bar.label,
                )
            )
        )
    return _svg(chart_id, title, desc, width, height, body)


def stacked_bar_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    series: Sequence[tuple[str, str]],
    rows: Sequence[StackedRow],
    width: int = 640,
    label_width: int = 200,
) -> SafeString:
    """Horizontal bars split into segments (series: (name, css class)); the total at the end."""
    row_height, bar_height, top = 30, 18, 4
    total_width = 44
    bar_space = width - label_width - total_width
    largest = max((sum(row.values) for row in rows), default=0) or 1
    height = top + max(len(rows), 1) * row_height + 28
    body = []
    for index, row in enumerate(rows):
        y = top + index * row_height
        label = format_html(
            '<text class="bar-label" x="{}" y="{}" text-anchor="end">{}</text>',
            label_width - 8,
            y + 14,
            escape(row.label[:14] + ("…" if len(row.label) > 14 else "")),
        )
        body.append(_wrap(str(label), row.url))
        x = float(label_width)
        urls = row.segment_urls or [""] * len(row.values)
        for (name, css), value, url in zip(series, row.values, urls, strict=False):
            if not value:
                continue
            segment_width = bar_space * value / largest
            rect = format_html(
                '<rect class="segment {}" x="{}" y="{}" width="{}" height="{}">'
                "<title>{} · {}: {}</title></rect>",
                css,
                _number(x),
                y,
                _number(segment_width),
                bar_height,
                row.label,
                name,
                value,
            )
            body.append(_wrap(str(rect), url))
            x += segment_width
        body.append(
            str(
                format_html(
                    '<text class="value" x="{}" y="{}">{}</text>',
                    _number(x + 6),
                    y + 14,
                    _number(sum(row.values)),
                )
            )
        )
    # The legend, under the bars: a swatch and the series' name.
    legend_y = top + max(len(rows), 1) * row_height + 10
    x = float(label_width)
    for name, css in series:
        body.append(
            str(
                format_html(
                    '<rect class="segment {}" x="{}" y="{}" width="12" height="12"/>'
                    '<text class="legend" x="{}" y="{}">{}</text>',
                    css,
                    _number(x),
                    legend_y,
                    _number(x + 16),
                    legend_y + 11,
                    name,
                )
            )
        )
        x += 16 + 14 * max(len(str(name)), 4) * 0.75 + 12
    return _svg(chart_id, title, desc, width, height, body)
