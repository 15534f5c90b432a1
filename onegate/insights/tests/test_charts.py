"""The charts and the way figures are written: SVG that the strict CSP allows (no style), that a
screen reader can name, whose every text is escaped, whose series differ by more than colour,
and that fits a 320 px screen; percentages, durations and money as people read them."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from onegate.insights import charts
from onegate.insights.charts import ChartSeries

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    """The chart as XML: it must be well formed (the markup is the test's own making)."""
    return ET.fromstring(svg)  # noqa: S314


LABELS = [f"{day} Nov" for day in range(1, 31)]


def a_line_chart(**changes: Any) -> str:
    arguments: dict[str, Any] = {
        "chart_id": "chart-rates",
        "title": "Completion rate",
        "description": "Completion rate, 1 to 30 November 2026.",
        "labels": LABELS,
        "series": [
            ChartSeries("Completion", [0.5 + i / 100 for i in range(30)]),
            ChartSeries("Automatic", [0.25] * 30),
        ],
        "value_text": charts.percent_text,
        "y_max": 1.0,
    } | changes
    return str(charts.line_chart(**arguments))


def a_bar_chart(**changes: Any) -> str:
    arguments: dict[str, Any] = {
        "chart_id": "chart-channels",
        "title": "Applications sent, by channel",
        "description": "Applications sent.",
        "labels": LABELS[:7],
        "series": [
            ChartSeries("Online", [4, 5, 6, 0, 1, 2, 3]),
            ChartSeries("Assisted digital", [1, 1, 1, 1, 1, 1, 1]),
            ChartSeries("Paper", [0, 2, 0, 0, 0, 0, 1]),
        ],
        "value_text": charts.count_text,
    } | changes
    return str(charts.bar_chart(**arguments))


@pytest.mark.parametrize("draw", [a_line_chart, a_bar_chart])
def test_a_chart_is_well_formed_svg_without_style_attributes(draw):
    svg = draw()

    root = parse(svg)  # well-formed
    assert root.tag == f"{SVG}svg"
    assert "style=" not in svg and "<style" not in svg
    assert root.get("width") == "100%" and str(root.get("viewBox")).startswith("0 0 320 ")


@pytest.mark.parametrize("draw", [a_line_chart, a_bar_chart])
def test_a_chart_is_an_image_named_by_its_title_and_description(draw):
    root = parse(draw())

    chart_id = root.get("id")
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == f"{chart_id}-title {chart_id}-desc"
    assert [t.get("id") for t in root.findall(f"{SVG}title")] == [f"{chart_id}-title"]
    assert [d.get("id") for d in root.findall(f"{SVG}desc")] == [f"{chart_id}-desc"]


def test_every_text_is_escaped():
    svg = a_line_chart(
        title='<script>alert("t")</script>',
        labels=["<b>1</b>", *LABELS[1:]],
        series=[ChartSeries("A & B <i>", [0.5] * 30), ChartSeries("C", [0.1] * 30)],
    )

    assert "<script>" not in svg and "<b>" not in svg and "<i>" not in svg
    assert "&lt;script&gt;" in svg and "A &amp; B &lt;i&gt;" in svg
    parse(svg)


def test_each_point_has_a_marker_with_its_value_to_hover():
    root = parse(a_line_chart())

    tips = [t.text for t in root.iter(f"{SVG}title")][1:]  # after the chart's own title
    assert len(tips) == 60  # 30 days, 2 series
    assert "3 Nov, Completion: 52.0%" in tips
    assert "30 Nov, Automatic: 25.0%" in tips


def test_lines_differ_by_dash_and_marker_shape_not_only_colour():
    root = parse(a_line_chart())

    paths = [p for p in root.iter(f"{SVG}path") if p.get("fill") == "none"]
    assert {p.get("stroke-dasharray") for p in paths} == {None, "8 4"}
    assert len({p.get("stroke") for p in paths}) == 2
    assert root.find(f"{SVG}circle") is not None and root.find(f"{SVG}rect") is not None


def test_bars_differ_by_fill_pattern_and_are_named_in_a_legend():
    svg = a_bar_chart()
    root = parse(svg)

    patterns = [p.get("id") for p in root.iter(f"{SVG}pattern")]
    assert patterns == ["chart-channels-fill-1", "chart-channels-fill-2"]
    legend = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "og-chart__legend"]
    assert legend == ["Online", "Assisted digital", "Paper"]
    tips = [t.text for t in root.iter(f"{SVG}title")]
    assert "2 Nov, Paper: 2" in tips
    assert "4 Nov, Online: 0" not in tips  # an empty layer draws nothing


def test_a_missing_value_breaks_the_line():
    values = [0.5, 0.6, None, 0.7, 0.8, None, 0.9] + [None] * 23
    root = parse(a_line_chart(series=[ChartSeries("Completion", values)]))

    paths = [p for p in root.iter(f"{SVG}path") if p.get("fill") == "none"]
    assert len(paths) == 2  # 0.5-0.6 and 0.7-0.8; 0.9 alone is only a marker
    assert len(list(root.iter(f"{SVG}circle"))) == 5


def test_x_labels_are_thinned_to_fit():
    root = parse(a_line_chart())

    shown = [str(t.text) for t in root.iter(f"{SVG}text") if t.get("class") == "og-chart__label"]
    assert shown[0] == "1 Nov" and 3 <= len(shown) <= 10
    step = LABELS.index(shown[1]) - LABELS.index(shown[0])
    assert shown == LABELS[::step]


def test_the_y_axis_has_round_ticks():
    root = parse(a_line_chart())

    ticks = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "og-chart__tick"]
    assert ticks == ["0.0%", "25.0%", "50.0%", "75.0%", "100.0%"]
    assert charts.ticks(37) == [0, 10, 20, 30, 40]
    assert charts.ticks(2.2 * 86400, charts.DURATION_STEPS) == [0, 86400, 172800, 259200]
    assert charts.ticks(2.1, charts.DURATION_STEPS) == [0, 1, 2, 3]


def test_an_empty_chart_says_so():
    svg = a_line_chart(series=[ChartSeries("Completion", [None] * 30)])

    assert "No data in this period" in svg
    parse(svg)


def test_a_chart_id_must_be_a_plain_token():
    with pytest.raises(ValueError, match="chart id"):
        a_line_chart(chart_id='x" onload="alert(1)')


# --- how figures are written ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "english"),
    [
        (0, "0 s"),
        (45.4, "45 s"),
        (150, "2 min 30 s"),
        (3 * 3600 + 7 * 60 + 5, "3 h 7 min"),
        (86400 + 3600, "1 day 1 h"),
        (3 * 86400 + 4 * 3600 + 100, "3 days 4 h"),
        (3600, "1 h"),
        (120, "2 min"),
        (100 * 86400, "100 days"),
    ],
)
def test_durations_are_written_in_words(seconds, english):
    with translation.override("en"):
        assert charts.duration_text(seconds) == english


def test_percentages_have_one_decimal_and_round_halves_up():
    assert charts.percent_text(21 / 22, "en") == "95.5%"
    assert charts.percent_text(0.9545, "en") == "95.5%"
    assert charts.percent_text(1.0, "th") == "100.0%"
    assert charts.percent_text(0.0, "en") == "0.0%"


def test_numbers_and_money_follow_the_language():
    assert charts.count_text(12345, "en") == "12,345"
    assert charts.count_text(12345, "th") == "12,345"
    with translation.override("en"):
        assert charts.money_text(Decimal("4370"), "en") == "4,370.00 baht"


def test_months_and_days_are_in_the_buddhist_era_in_thai():
    assert charts.month_text(dt.date(2026, 11, 1), "th") == "พฤศจิกายน 2569"
    assert charts.month_text(dt.date(2026, 11, 1), "en") == "November 2026"
    assert charts.day_label(dt.date(2026, 11, 3), "th") == "3 พ.ย."
    assert charts.day_label(dt.date(2026, 11, 3), "en") == "3 Nov"


def test_differences_carry_their_sign():
    with translation.override("en"):
        assert charts.difference_text("rate", 0.125) == "+12.5 percentage points"
        assert charts.difference_text("count", -10) == "\u221210"
        assert charts.difference_text("duration", 3900) == "+1 h 5 min"
        assert charts.difference_text("money", Decimal("0")) == "0.00 baht"


def test_no_figure_is_written_as_no_data():
    with translation.override("en"):
        assert charts.figure_text("rate", None) == "No data"
    assert re.fullmatch(r"\d+\.\d%", charts.figure_text("rate", 0.5, "en"))


@pytest.mark.parametrize("language", ["en", "th"])
@pytest.mark.parametrize("value", [0, 7, 999, 1000, 12345, 1234567, 12.0])
def test_counts_are_written_as_babel_writes_them(value, language):
    from babel.numbers import format_decimal

    assert charts.count_text(value, language) == format_decimal(
        value, format="#,##0", locale=language
    )


@pytest.mark.parametrize("language", ["en", "th"])
@pytest.mark.parametrize("value", [0.0, 0.4545, 21 / 22, 1.0, 0.99995, 12.3456, 1 / 3])
def test_percentages_are_written_as_babel_writes_them_with_halves_up(value, language):
    import decimal

    from babel.numbers import format_percent

    with decimal.localcontext(rounding=decimal.ROUND_HALF_UP):
        expected = format_percent(value, format="#,##0.0%", locale=language)
    assert charts.percent_text(value, language) == expected


def test_whole_number_ticks_step_by_whole_numbers():
    assert charts.ticks(10, whole=True) == [0, 5, 10]
