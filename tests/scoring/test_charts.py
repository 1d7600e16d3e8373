"""Chart geometry: bars scale to a round maximum, groups sit side by side, ranks run downward."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest

from scoring import charts


@pytest.mark.parametrize(
    "value,expected",
    [(0, 1), (0.3, 0.5), (1, 1), (3, 5), (7, 10), (12, 20), (21, 25), (30, 50), (120, 200)],
)
def test_nice_ceiling(value, expected):
    assert charts.nice_ceiling(value) == pytest.approx(expected)


def test_the_tallest_bar_is_the_largest_value_and_bars_are_proportional():
    chart = charts.column_chart([("1月", 2), ("2月", 10), ("3月", 5), ("4月", 0)])
    heights = [bar["height"] for bar in chart["bars"]]
    tallest = max(chart["bars"], key=lambda bar: bar["height"])
    assert tallest["value"] == 10
    plot_height = chart["baseline"] - charts.TOP
    assert tallest["height"] == plot_height  # 10 is already a round maximum
    assert heights[0] == pytest.approx(plot_height / 5, abs=0.1)
    assert heights[3] == 0
    # Every bar stands on the baseline.
    for bar in chart["bars"]:
        assert bar["y"] + bar["height"] == pytest.approx(chart["baseline"], abs=0.11)
    # Bars go left to right without overlapping, inside the plot.
    xs = [bar["x"] for bar in chart["bars"]]
    assert xs == sorted(xs)
    bars = chart["bars"]
    assert all(b["x"] + b["width"] <= a["x"] for b, a in itertools.pairwise(bars))
    assert chart["bars"][-1]["x"] + chart["bars"][-1]["width"] <= chart["right"]


def test_the_scale_rounds_up_and_ticks_reach_it():
    chart = charts.column_chart([("a", Decimal("7.5")), ("b", Decimal("3"))])
    assert chart["scale"] == 10
    assert [tick["value"] for tick in chart["ticks"]] == ["0", "2.5", "5", "7.5", "10"]
    tallest = max(chart["bars"], key=lambda bar: bar["height"])
    assert tallest["value_label"] == "7.5"
    assert tallest["height"] == pytest.approx((chart["baseline"] - charts.TOP) * 0.75, abs=0.1)


def test_an_empty_or_all_zero_chart_draws_no_bar_heights():
    assert charts.column_chart([])["bars"] == []
    chart = charts.column_chart([("a", 0), ("b", None)])
    assert [bar["height"] for bar in chart["bars"]] == [0, 0]
    assert chart["bars"][1]["value_label"] == "0"


def test_grouped_bars_side_by_side_on_one_scale():
    chart = charts.grouped_column_chart(
        [("会议", [Decimal(20), Decimal(10)]), ("学习", [Decimal(0), Decimal(5)])],
        series=["王建国", "中位数"],
    )
    meeting, study = chart["groups"]
    assert [bar["series_label"] for bar in meeting["bars"]] == ["王建国", "中位数"]
    assert meeting["bars"][0]["height"] == 2 * meeting["bars"][1]["height"]
    assert meeting["bars"][0]["x"] < meeting["bars"][1]["x"] < study["bars"][0]["x"]
    assert study["bars"][0]["height"] == 0
    tallest = max(
        (bar for group in chart["groups"] for bar in group["bars"]), key=lambda b: b["height"]
    )
    assert tallest["value"] == 20


def test_the_rank_line_puts_first_place_at_the_top():
    chart = charts.rank_line_chart([("2026Q1", 1), ("2026Q2", 10), ("2026Q3", 5)], lowest=10)
    first, last_place, middle = chart["markers"]
    assert first["y"] == charts.TOP
    assert last_place["y"] == chart["baseline"]
    assert first["y"] < middle["y"] < last_place["y"]
    assert chart["polyline"].count(",") == 3
    assert [tick["value"] for tick in chart["ticks"]] == [1, 5, 10]


def test_a_single_rank_of_one_does_not_divide_by_zero():
    chart = charts.rank_line_chart([("2026Q1", 1)], lowest=1)
    assert chart["markers"][0]["y"] == charts.TOP
