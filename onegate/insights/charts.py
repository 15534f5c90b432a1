"""Performance figures as people read them: the charts of the dashboard, drawn on the server as
SVG, and the way each kind of figure is written (percentages, durations in words, money, counts)
in the page's language, in charts and tables alike.

The charts need no JavaScript and obey the strict Content-Security-Policy: no ``style``
attribute and no inline CSS, only SVG presentation attributes (fill, stroke, dash patterns) and
the ``og-chart*`` classes of ``frontend/scss/_insights.scss``. Each is an ``<svg role="img">``
named by its ``<title>`` and ``<desc>`` (``aria-labelledby``); the page puts a table of the same
numbers right after it, since a picture of numbers is no use to a screen reader. Series are told
apart by colour (GOV.UK colours with at least 4.5:1 against white) and also by dash pattern and
marker shape for lines, and by fill pattern for bars, so no one needs to tell colours apart.
A chart scales to its box (viewBox, width 100%) and its x labels are thinned to fit, so it reads
on a 320 px screen.

Every function here is pure: data in, escaped markup out. All text goes through ``escape``.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from babel.numbers import format_decimal
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from markupsafe import Markup, escape
from pythainlp.util import thai_strftime

from onegate.core.languages import THAI, current_language

__all__ = [
    "DURATION_STEPS",
    "ChartSeries",
    "bar_chart",
    "count_text",
    "day_label",
    "difference_text",
    "duration_text",
    "figure_text",
    "line_chart",
    "money_text",
    "month_text",
    "percent_text",
]

# --- how figures are written -------------------------------------------------------------------


# English and Thai group digits and mark decimals alike (CLDR: "12,345.6"), so the counts and
# percentages of a page are formatted in Python: a year's dashboard writes some 550 of them, and
# Babel's formatter cost that page half its rendering time. ``tests/test_charts`` holds them to
# Babel's output in both languages.


def count_text(value: int | float | Decimal, language: str | None = None) -> str:
    """A count with the language's grouping: '12,345'."""
    return f"{Decimal(value).quantize(Decimal(1), rounding=decimal.ROUND_HALF_EVEN):,}"


def percent_text(value: float, language: str | None = None) -> str:
    """A rate (0..1) as a percentage with one decimal, halves rounded up as people do:
    '45.0%', 21/22 as '95.5%' (Babel alone rounds halves to even)."""
    share = (Decimal(repr(float(value))) * 100).quantize(TENTH, rounding=decimal.ROUND_HALF_UP)
    return f"{share:,.1f}%"


TENTH = Decimal("0.1")


def money_text(value: Decimal | float, language: str | None = None) -> str:
    """Baht with two decimals: '1,234.50 baht' ('1,234.50 บาท')."""
    amount = format_decimal(value, format="#,##0.00", locale=language or current_language())
    return _("%(amount)s baht") % {"amount": amount}


def duration_text(seconds: float, language: str | None = None) -> str:
    """A duration in words, to the two largest units, a zero second unit left out: '45 s',
    '2 min 30 s', '5 h', '3 days 4 h', '2 days'."""
    total = max(0, round(seconds))
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)

    def n(value: int) -> str:
        return count_text(value, language)

    if days and hours:
        return ngettext("%(days)s day %(hours)s h", "%(days)s days %(hours)s h", days) % {
            "days": n(days),
            "hours": n(hours),
        }
    if days:
        return ngettext("%(days)s day", "%(days)s days", days) % {"days": n(days)}
    if hours:
        if not minutes:
            return _("%(hours)s h") % {"hours": n(hours)}
        return _("%(hours)s h %(minutes)s min") % {"hours": n(hours), "minutes": n(minutes)}
    if minutes:
        if not secs:
            return _("%(minutes)s min") % {"minutes": n(minutes)}
        return _("%(minutes)s min %(seconds)s s") % {"minutes": n(minutes), "seconds": n(secs)}
    return _("%(seconds)s s") % {"seconds": n(secs)}


def figure_text(kind: str, value: float | Decimal | None, language: str | None = None) -> str:
    """A figure of one ``kind`` ("count", "rate", "duration", "money"); "No data" for None."""
    if value is None:
        return _("No data")
    if kind == "rate":
        return percent_text(float(value), language)
    if kind == "duration":
        return duration_text(float(value), language)
    if kind == "money":
        return money_text(value, language)
    return count_text(value, language)


def day_label(day: dt.date, language: str | None = None) -> str:
    """A day, short, for a chart's axis: '3 Nov', '3 พ.ย.'."""
    if (language or current_language()) == THAI:
        return thai_strftime(dt.datetime.combine(day, dt.time()), "%-d %b")
    return f"{day.day} {day:%b}"


def month_text(month: dt.date, language: str | None = None) -> str:
    """A calendar month: 'November 2026', 'พฤศจิกายน 2569' (Buddhist Era)."""
    if (language or current_language()) == THAI:
        return thai_strftime(dt.datetime.combine(month, dt.time()), "%B %Y")
    return f"{month:%B %Y}"


def difference_text(kind: str, value: float | Decimal, language: str | None = None) -> str:
    """A difference between two figures of one ``kind`` ("count", "rate", "duration",
    "money"), signed: '+12', '-2.5 percentage points' (a true minus sign), '+1 h 5 min'."""
    language = language or current_language()
    sign = "+" if value > 0 else ("\u2212" if value < 0 else "")
    size = -value if value < 0 else value
    if kind == "rate":
        points = format_decimal(float(size) * 100, format="#,##0.0", locale=language)
        return _("%(points)s percentage points") % {"points": f"{sign}{points}"}
    if kind == "duration":
        return sign + duration_text(float(size), language)
    if kind == "money":
        return sign + money_text(size, language)
    return sign + count_text(size, language)


# --- the charts ----------------------------------------------------------------------------------

# viewBox units: the SVG takes its box's width (100%) and keeps its proportions, so its text is
# about 11 px on a 320 px phone and grows with the box on wider screens.
WIDTH = 320
PLOT_HEIGHT = 170
FONT_SIZE = 12
CHAR_WIDTH = 0.62 * FONT_SIZE  # an average glyph, to guess how much room a label takes
LEGEND_ROW = 20
BOTTOM = 26  # room for the x labels

# Steps that make a duration axis read as whole units: seconds, minutes, hours, days.
DURATION_STEPS = (
    *(1, 2, 5, 10, 15, 30),
    *(60, 120, 300, 600, 900, 1800),
    *(3600, 7200, 10800, 21600, 43200),
    *(86400, 172800, 432000, 604800, 1209600, 2592000),
)

_CHART_ID = re.compile(r"^[a-z][a-z0-9-]{0,40}$")


@dataclass(frozen=True)
class ChartSeries:
    """One line (or one layer of bars): its name for the legend, and a value per x label (None:
    no value there; a line has a gap)."""

    name: str
    values: Sequence[float | None]


@dataclass(frozen=True)
class _Look:
    colour: str
    dash: str  # stroke-dasharray; "" for a solid line
    marker: str  # circle, square, triangle, diamond
    fill: str  # bars: solid, hatch, dots, cross


# GOV.UK Frontend 6's blue, green, purple and red: each at least 5:1 against white.
_LOOKS = (
    _Look("#1d70b8", "", "circle", "solid"),
    _Look("#0f7a52", "8 4", "square", "hatch"),
    _Look("#54319f", "2 3", "triangle", "dots"),
    _Look("#ca3535", "10 3 2 3", "diamond", "cross"),
)


@dataclass(frozen=True)
class _Frame:
    """Where things go: the plot's box in viewBox units and the value at its top."""

    left: float
    top: float
    width: float
    height: float
    y_top: float

    def x(self, index: int, count: int) -> float:
        band = self.width / max(count, 1)
        return self.left + band * (index + 0.5)

    def y(self, value: float) -> float:
        share = 0.0 if self.y_top <= 0 else min(max(value / self.y_top, 0.0), 1.0)
        return self.top + self.height * (1 - share)


def _n(value: float) -> str:
    """A coordinate, short: '12.5', '40'."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def ticks(
    top: float, steps: Sequence[float] | None = None, count: int = 4, *, whole: bool = False
) -> list[float]:
    """Values for the y axis from 0 to at least ``top``: about ``count`` intervals of a round
    step (1, 2, 2.5 or 5 times a power of ten, or the first of ``steps`` big enough). With
    ``whole`` (counts) the step is a whole number: a count axis at 2.5 would be written "2"."""
    top = top if top > 0 else 1.0
    raw = top / count
    step = next((s for s in (steps or ()) if s >= raw), 0.0)
    if not step:
        magnitude = 10 ** math.floor(math.log10(raw))
        step = next(
            (
                m * magnitude
                for m in (1, 2, 2.5, 5, 10)
                if m * magnitude >= raw * 0.999 and not (whole and (m * magnitude) % 1)
            ),
            1.0,  # no whole step among them (a count axis below 1): 1
        )
    intervals = max(1, math.ceil(top / step - 1e-9))
    return [step * i for i in range(intervals + 1)]


def shown_labels(labels: Sequence[str], width: float) -> list[int]:
    """The indexes of the x labels that fit side by side in ``width`` (every n-th, from 0)."""
    if not labels:
        return []
    longest = max(len(label) for label in labels)
    room = longest * CHAR_WIDTH + 8
    fit = max(1, int(width // room))
    step = math.ceil(len(labels) / fit)
    return list(range(0, len(labels), step))


def _legend(chart_id: str, series: Sequence[ChartSeries], bars: bool) -> tuple[list[str], float]:
    """The legend's markup, wrapped in rows across the top, and the height it takes."""
    parts: list[str] = []
    x, row = 0.0, 0
    for index, one in enumerate(series):
        look = _LOOKS[index % len(_LOOKS)]
        item = 28 + len(one.name) * CHAR_WIDTH + 14
        if x > 0 and x + item > WIDTH:
            x, row = 0.0, row + 1
        y = row * LEGEND_ROW + LEGEND_ROW / 2
        if bars:
            parts.append(
                f'<rect x="{_n(x)}" y="{_n(y - 6)}" width="20" height="12" '
                f'fill="{_fill(chart_id, index, look)}" stroke="{look.colour}"/>'
            )
        else:
            parts.append(_line_sample(x, y, look))
        parts.append(
            f'<text class="og-chart__legend" x="{_n(x + 26)}" y="{_n(y + 4)}" '
            f'font-size="{FONT_SIZE}">{escape(one.name)}</text>'
        )
        x += item
    height = (row + 1) * LEGEND_ROW + 6 if series else 0
    return parts, height


def _line_sample(x: float, y: float, look: _Look) -> str:
    dash = f' stroke-dasharray="{look.dash}"' if look.dash else ""
    line = (
        f'<line x1="{_n(x)}" y1="{_n(y)}" x2="{_n(x + 20)}" y2="{_n(y)}" '
        f'stroke="{look.colour}" stroke-width="2"{dash}/>'
    )
    return line + _marker(x + 10, y, look, "")


def _marker(x: float, y: float, look: _Look, tip: str) -> str:
    """A point's marker, in its series' shape, with its value as a tooltip (``<title>``)."""
    title = f"<title>{escape(tip)}</title>" if tip else ""
    colour = look.colour
    if look.marker == "square":
        shape = f'<rect x="{_n(x - 3.5)}" y="{_n(y - 3.5)}" width="7" height="7" fill="{colour}"'
    elif look.marker == "triangle":
        points = f"{_n(x)},{_n(y - 4.5)} {_n(x + 4.5)},{_n(y + 3.5)} {_n(x - 4.5)},{_n(y + 3.5)}"
        shape = f'<polygon points="{points}" fill="{colour}"'
    elif look.marker == "diamond":
        points = f"{_n(x)},{_n(y - 5)} {_n(x + 5)},{_n(y)} {_n(x)},{_n(y + 5)} {_n(x - 5)},{_n(y)}"
        shape = f'<polygon points="{points}" fill="{colour}"'
    else:
        shape = f'<circle cx="{_n(x)}" cy="{_n(y)}" r="3.5" fill="{colour}"'
    return f"{shape}>{title}</{shape.split()[0][1:]}>" if title else f"{shape}/>"


def _fill(chart_id: str, index: int, look: _Look) -> str:
    return look.colour if look.fill == "solid" else f"url(#{chart_id}-fill-{index})"


def _patterns(chart_id: str, count: int) -> str:
    """The bars' fill patterns: white hatching, dots or a cross over the series' colour."""
    inner = {
        "hatch": '<path d="M0 6 L6 0" stroke="#ffffff" stroke-width="1.5"/>',
        "dots": '<circle cx="3" cy="3" r="1.3" fill="#ffffff"/>',
        "cross": '<path d="M0 3 H6 M3 0 V6" stroke="#ffffff" stroke-width="1.2"/>',
    }
    patterns = []
    for index in range(count):
        look = _LOOKS[index % len(_LOOKS)]
        if look.fill == "solid":
            continue
        patterns.append(
            f'<pattern id="{chart_id}-fill-{index}" width="6" height="6" '
            f'patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="{look.colour}"/>'
            f"{inner[look.fill]}</pattern>"
        )
    return f"<defs>{''.join(patterns)}</defs>" if patterns else ""


def _axes(
    frame: _Frame,
    y_values: Sequence[float],
    value_text: Callable[[float], str],
    labels: Sequence[str],
) -> list[str]:
    """The y axis's ticks and grid lines, the baseline, and the x labels that fit."""
    parts = []
    for value in y_values:
        y = frame.y(value)
        parts.append(
            f'<line class="og-chart__grid" x1="{_n(frame.left)}" y1="{_n(y)}" '
            f'x2="{_n(frame.left + frame.width)}" y2="{_n(y)}" stroke="#b1b4b6" '
            f'stroke-width="1"/>'
        )
        parts.append(
            f'<text class="og-chart__tick" x="{_n(frame.left - 6)}" y="{_n(y + 4)}" '
            f'text-anchor="end" font-size="{FONT_SIZE}">{escape(value_text(value))}</text>'
        )
    base = frame.top + frame.height
    parts.append(
        f'<line class="og-chart__axis" x1="{_n(frame.left)}" y1="{_n(base)}" '
        f'x2="{_n(frame.left + frame.width)}" y2="{_n(base)}" stroke="#0b0c0c" stroke-width="1"/>'
    )
    for index in shown_labels(labels, frame.width):
        parts.append(
            f'<text class="og-chart__label" x="{_n(frame.x(index, len(labels)))}" '
            f'y="{_n(base + 18)}" text-anchor="middle" font-size="{FONT_SIZE}">'
            f"{escape(labels[index])}</text>"
        )
    return parts


def _frame(
    legend_height: float, y_values: Sequence[float], value_text: Callable[[float], str]
) -> _Frame:
    widest = max((len(value_text(value)) for value in y_values), default=1)
    left = widest * CHAR_WIDTH + 10
    return _Frame(
        left=left,
        top=legend_height + 8,
        width=WIDTH - left - 8,
        height=PLOT_HEIGHT,
        y_top=y_values[-1] if y_values else 1.0,
    )


def _svg(chart_id: str, title: str, description: str, height: float, body: Sequence[str]) -> Markup:
    if not _CHART_ID.match(chart_id):
        raise ValueError(f"a chart id must be a short lowercase token, not {chart_id!r}")
    # Every text and attribute value in ``body`` was escaped as it was made, or is a number.
    return Markup(  # noqa: S704
        f'<svg xmlns="http://www.w3.org/2000/svg" class="og-chart" id="{chart_id}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" viewBox="0 0 {WIDTH} {_n(height)}" '
        f'width="100%" focusable="false">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
        f"{''.join(body)}</svg>"
    )


def _empty(frame: _Frame, text: str) -> str:
    return (
        f'<text class="og-chart__empty" x="{_n(frame.left + frame.width / 2)}" '
        f'y="{_n(frame.top + frame.height / 2)}" text-anchor="middle" '
        f'font-size="{FONT_SIZE + 2}">{escape(text)}</text>'
    )


def line_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    labels: Sequence[str],
    series: Sequence[ChartSeries],
    value_text: Callable[[float], str],
    y_max: float | None = None,
    steps: Sequence[float] | None = None,
    tips: Sequence[str] | None = None,
    empty_text: str = "",
) -> Markup:
    """Lines over time: a dot (or square, triangle, diamond) per value with the value as its
    tooltip, y ticks written by ``value_text``, x labels thinned to fit. ``y_max`` fixes the top
    of the axis (1.0 for rates); ``steps`` gives round steps for it (``DURATION_STEPS``);
    ``tips`` names each point in its tooltip (the whole date, where ``labels`` are short)."""
    present = [v for one in series for v in one.values if v is not None]
    top = y_max if y_max is not None else max(present, default=0.0)
    y_values = ticks(top, steps)
    legend, legend_height = _legend(chart_id, series, bars=False) if len(series) > 1 else ([], 0)
    frame = _frame(legend_height, y_values, value_text)
    body = [*legend, *_axes(frame, y_values, value_text, labels)]
    if not present:
        body.append(_empty(frame, empty_text or _("No data in this period")))
    named = (tips or labels, value_text)
    for index, one in enumerate(series):
        body += _line(frame, _LOOKS[index % len(_LOOKS)], one, named, len(series))
    height = frame.top + frame.height + BOTTOM
    return _svg(chart_id, title, description, height, body)


def _line(
    frame: _Frame,
    look: _Look,
    one: ChartSeries,
    named: tuple[Sequence[str], Callable[[float], str]],
    count: int,
) -> list[str]:
    """One series: its line in pieces (a missing value breaks it) and a marker per value."""
    labels, value_text = named
    points = [
        (frame.x(i, len(labels)), frame.y(value), i, value)
        for i, value in enumerate(one.values[: len(labels)])
        if value is not None
    ]
    pieces: list[list[tuple[float, float]]] = []
    previous = -2
    for x, y, index, _value in points:
        if index != previous + 1:
            pieces.append([])
        pieces[-1].append((x, y))
        previous = index
    dash = f' stroke-dasharray="{look.dash}"' if look.dash else ""
    parts = [
        f'<path d="{"M" + " L".join(f"{_n(x)} {_n(y)}" for x, y in piece)}" fill="none" '
        f'stroke="{look.colour}" stroke-width="2"{dash}/>'
        for piece in pieces
        if len(piece) > 1
    ]
    for x, y, index, value in points:
        name = f"{one.name}: " if count > 1 else ""
        parts.append(_marker(x, y, look, f"{labels[index]}, {name}{value_text(value)}"))
    return parts


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    labels: Sequence[str],
    series: Sequence[ChartSeries],
    value_text: Callable[[float], str],
    tips: Sequence[str] | None = None,
    empty_text: str = "",
) -> Markup:
    """Stacked bars: one bar per x label, a layer per series (told apart by colour and fill
    pattern, named in the legend), each layer's value as its tooltip (named by ``tips``)."""
    totals = [
        sum((one.values[i] or 0.0) for one in series if i < len(one.values))
        for i in range(len(labels))
    ]
    y_values = ticks(max(totals, default=0.0), whole=True)  # the bars are counts
    legend, legend_height = _legend(chart_id, series, bars=True)
    frame = _frame(legend_height, y_values, value_text)
    body = [_patterns(chart_id, len(series)), *legend, *_axes(frame, y_values, value_text, labels)]
    if not any(totals):
        body.append(_empty(frame, empty_text or _("No data in this period")))
    band = frame.width / max(len(labels), 1)
    bar = max(1.0, band * 0.7)
    for i, label in enumerate(tips or labels):
        left = frame.x(i, len(labels)) - bar / 2
        body += _stack(frame, chart_id, series, i, (label, value_text), left, bar)
    body = [part for part in body if part]
    height = frame.top + frame.height + BOTTOM
    return _svg(chart_id, title, description, height, body)


def _stack(
    frame: _Frame,
    chart_id: str,
    series: Sequence[ChartSeries],
    index: int,
    named: tuple[str, Callable[[float], str]],
    x: float,
    width: float,
) -> list[str]:
    """The layers of one bar, bottom up, each with '<label>, <series>: <value>' to hover."""
    label, value_text = named
    parts = []
    below = 0.0
    for k, one in enumerate(series):
        value = (one.values[index] if index < len(one.values) else None) or 0.0
        if value <= 0:
            continue
        look = _LOOKS[k % len(_LOOKS)]
        y_low, y_high = frame.y(below), frame.y(below + value)
        tip = escape(f"{label}, {one.name}: {value_text(value)}")
        parts.append(
            f'<rect x="{_n(x)}" y="{_n(y_high)}" width="{_n(width)}" '
            f'height="{_n(max(y_low - y_high, 0.5))}" fill="{_fill(chart_id, k, look)}" '
            f'stroke="#ffffff" stroke-width="0.5"><title>{tip}</title></rect>'
        )
        below += value
    return parts
