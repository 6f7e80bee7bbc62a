"""Server-rendered SVG charts: no JavaScript, no chart library, no CDN.

Colours come from CSS classes (static/jengu/dashboard.css), so the admin's light and dark
themes apply. Every chart carries a title and an aria-label for screen readers, and every bar
its own <title> (the browser shows it as a tooltip).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 400


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    css: str = ""
    note: str = ""  # shown after the value, e.g. "of 40 sends"


@dataclass(frozen=True)
class Column:
    label: str
    value: float
    css: str = ""
    title: str = ""


@dataclass(frozen=True)
class DayPoint:
    day: date
    sent: int | None  # None for days still to come
    limit: int
    off: bool = False  # not a send day


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)


def _svg(height: float, label: str, body: Sequence[str], css: str = "") -> SafeString:
    text = escape(label)
    return mark_safe(  # noqa: S308  (every text below went through escape())
        f'<svg class="jc {css}" viewBox="0 0 {WIDTH} {_num(height)}" role="img" '
        f'aria-label="{text}" xmlns="http://www.w3.org/2000/svg"><title>{text}</title>'
        + "".join(body)
        + "</svg>"
    )


def _text(x: float, y: float, value: str, css: str = "jc-label", anchor: str = "start") -> str:
    return (
        f'<text x="{_num(x)}" y="{_num(y)}" class="{css}" text-anchor="{anchor}">'
        f"{escape(value)}</text>"
    )


def _rect(x: float, y: float, w: float, h: float, css: str, title: str = "") -> str:
    tip = f"<title>{escape(title)}</title>" if title else ""
    return (
        f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(max(w, 0.0))}" '
        f'height="{_num(max(h, 0.0))}" class="{css}">{tip}</rect>'
    )


def _line(x1: float, y1: float, x2: float, y2: float, css: str) -> str:
    return f'<line x1="{_num(x1)}" y1="{_num(y1)}" x2="{_num(x2)}" y2="{_num(y2)}" class="{css}"/>'


# --- a plot area with a value axis ---------------------------------------------------------------
@dataclass(frozen=True)
class _Plot:
    """The drawing area of a chart with n slots along x and values up to ``top_value``."""

    n: int
    top_value: float
    height: float = 150.0
    left: float = 30.0
    right: float = 8.0
    top: float = 12.0
    bottom: float = 22.0

    @property
    def step(self) -> float:
        return (WIDTH - self.left - self.right) / max(1, self.n)

    @property
    def plot_h(self) -> float:
        return self.height - self.top - self.bottom

    def x(self, i: int) -> float:
        return self.left + i * self.step

    def y(self, value: float) -> float:
        return self.top + self.plot_h - self.plot_h * value / (self.top_value or 1)

    def axis(self, fmt: Callable[[float], str] = _num) -> list[str]:
        return [
            _line(self.left, self.y(0), WIDTH - self.right, self.y(0), "jc-axis"),
            _text(self.left - 4, self.y(self.top_value) + 4, fmt(self.top_value), "jc-tick", "end"),
            _text(self.left - 4, self.y(0) + 4, "0", "jc-tick", "end"),
        ]

    def column(self, i: int, value: float, css: str, title: str, width: float = 0.7) -> str:
        pad = self.step * (1 - width) / 2
        top = self.y(value)
        return _rect(self.x(i) + pad, top, self.step * width, self.y(0) - top, css, title)


# --- warmup: sends per day against the limit, and the ramp ahead ------------------------------
def _limit_lines(plot: _Plot, points: Sequence[DayPoint], today: date) -> list[str]:
    """The limit as a staircase: solid up to today, dashed for the ramp still to come."""
    past: list[str] = []
    ahead: list[str] = []
    for i, point in enumerate(points):
        y = _num(plot.y(point.limit))
        segment = f"{_num(plot.x(i))},{y} {_num(plot.x(i + 1))},{y}"
        (past if point.day <= today else ahead).append(segment)
        if point.day == today:
            ahead.append(f"{_num(plot.x(i + 1))},{y}")
    return [
        f'<polyline points="{" ".join(path)}" class="{css}"/>'
        for path, css in ((past, "jc-limit"), (ahead, "jc-limit jc-ahead"))
        if path
    ]


def _day_marks(plot: _Plot, i: int, point: DayPoint, today: date) -> list[str]:
    marks = []
    if point.off:
        marks.append(_rect(plot.x(i), plot.top, plot.step, plot.plot_h, "jc-off"))
    if point.sent is not None:
        full = " jc-full" if point.limit and point.sent >= point.limit else ""
        tip = f"{point.day:%a %d %b}: {point.sent} sent, limit {point.limit}"
        marks.append(plot.column(i, point.sent, f"jc-bar{full}", tip))
    if point.day == today:
        x = plot.x(i + 1)
        marks.append(_line(x, plot.top - 4, x, plot.y(0), "jc-today"))
        marks.append(_text(x + 3, plot.top + 4, "today", "jc-tick"))
    return marks


def warmup_chart(points: Sequence[DayPoint], label: str, today: date) -> SafeString:
    """Bars: sends per day; line: the day's limit (dashed ahead of today); grey: no-send days."""
    if not points:
        return _svg(40, label, [_text(WIDTH / 2, 24, "no data", anchor="middle")])
    top_value = max(1, *(max(p.limit, p.sent or 0) for p in points))
    plot = _Plot(len(points), top_value)
    body = plot.axis()
    for i, point in enumerate(points):
        body += _day_marks(plot, i, point, today)
    body += _limit_lines(plot, points, today)
    body.append(_text(plot.left, plot.height - 6, f"{points[0].day:%d %b}", "jc-tick"))
    body.append(
        _text(WIDTH - plot.right, plot.height - 6, f"{points[-1].day:%d %b}", "jc-tick", "end")
    )
    return _svg(plot.height, label, body)


# --- horizontal bars: funnel, intents, bounce rates, dead letters ------------------------------
CHAR_W = 6.2  # the average width of an 11px glyph: enough to keep a label off a line


def _beside(bar_end: float, y: float, text: str, line_x: float | None, left: float) -> str:
    """A bar's value label after the bar, never across the dashed threshold line (it would
    read as struck through) nor past the chart's right edge."""
    width = len(text) * CHAR_W
    x = bar_end + 4
    if line_x is not None and x - 3 < line_x < x + width + 3:
        x = line_x + 5  # step over the line
    if x + width <= WIDTH:
        return _text(x, y, text, "jc-value")
    if line_x is not None and left + width <= line_x - 5:
        return _text(line_x - 5, y, text, "jc-value", "end")  # no room right: end before it
    return _text(WIDTH, y, text, "jc-value", "end")


def hbar_chart(
    rows: Sequence[Bar],
    label: str,
    *,
    threshold: float | None = None,
    threshold_label: str = "",
    fmt: Callable[[float], str] = _num,
    max_value: float | None = None,
    clip_at: float | None = None,
) -> SafeString:
    row_h, top, label_w, value_w = 22.0, 18.0 if threshold is not None else 6.0, 112.0, 84.0
    height = top + row_h * max(1, len(rows)) + 6
    if not rows:
        return _svg(40, label, [_text(WIDTH / 2, 24, "nothing yet", anchor="middle")])
    scale_max = max(max_value or 0, threshold or 0, *(r.value for r in rows)) or 1
    if clip_at is not None:
        scale_max = min(scale_max, clip_at)  # a huge outlier would squash the threshold line
    plot_w = WIDTH - label_w - value_w
    line_x = None if threshold is None else label_w + plot_w * threshold / scale_max
    body: list[str] = []
    for i, row in enumerate(rows):
        y = top + i * row_h
        width = plot_w * min(row.value, scale_max) / scale_max
        value = fmt(row.value) + (f" {row.note}" if row.note else "")
        body.append(_text(label_w - 6, y + 15, row.label, "jc-label", "end"))
        body.append(
            _rect(
                label_w,
                y + 3,
                width,
                row_h - 7,
                f"jc-bar {row.css}".strip(),
                f"{row.label}: {value}",
            )
        )
        body.append(_beside(label_w + width, y + 15, value, line_x, label_w))
    if line_x is not None and threshold is not None:
        body.append(_line(line_x, top - 4, line_x, height - 4, "jc-threshold"))
        line_label = threshold_label or fmt(threshold)
        body.append(_text(line_x, top - 7, line_label, "jc-tick", "middle"))
    return _svg(height, label, body)


# --- columns: a value per day (forecast, AI spend) ---------------------------------------------
def column_chart(
    columns: Sequence[Column],
    label: str,
    *,
    line: float | None = None,
    line_label: str = "",
    fmt: Callable[[float], str] = _num,
    max_value: float | None = None,
) -> SafeString:
    if not columns:
        return _svg(40, label, [_text(WIDTH / 2, 24, "nothing to show", anchor="middle")])
    top_value = max(max_value or 0, line or 0, *(c.value for c in columns)) or 1
    plot = _Plot(len(columns), top_value, left=36, top=14)
    body = plot.axis(fmt)
    every = max(1, round(len(columns) / 6))  # about six date labels, whatever the span
    for i, column in enumerate(columns):
        tip = column.title or f"{column.label}: {fmt(column.value)}"
        body.append(plot.column(i, column.value, f"jc-bar {column.css}".strip(), tip, 0.76))
        if i % every == 0:
            middle = plot.x(i) + plot.step / 2
            body.append(_text(middle, plot.height - 6, column.label, "jc-tick", "middle"))
    if line is not None:
        y = plot.y(line)
        body.append(_line(plot.left, y, WIDTH - plot.right, y, "jc-threshold"))
        body.append(_text(WIDTH - plot.right, y - 4, line_label or fmt(line), "jc-tick", "end"))
    return _svg(plot.height, label, body)


# --- a meter: spend against budget -------------------------------------------------------------
def meter(value: float, limit: float, label: str, text: str) -> SafeString:
    ratio = value / limit if limit else (1.0 if value else 0.0)
    css = "jc-bad" if ratio >= 1 else "jc-warn" if ratio >= 0.8 else "jc-ok"
    width = (WIDTH - 2) * min(1.0, ratio)
    body = [
        _rect(1, 4, WIDTH - 2, 22, "jc-track"),
        _rect(1, 4, width, 22, f"jc-bar {css}", text),
        _text(WIDTH / 2, 40, text, "jc-value", "middle"),
    ]
    return _svg(46, label, body)
