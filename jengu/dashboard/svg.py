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


# --- warmup: sends per day against the limit, and the ramp ahead ------------------------------
def warmup_chart(points: Sequence[DayPoint], label: str, today: date) -> SafeString:
    """Bars: sends per day; line: the day's limit (dashed ahead of today); grey: no-send days."""
    height, left, right, top, bottom = 150.0, 30.0, 8.0, 12.0, 22.0
    if not points:
        return _svg(40, label, [_text(WIDTH / 2, 24, "no data", anchor="middle")])
    top_value = max(1, *(max(p.limit, p.sent or 0) for p in points))
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    step = plot_w / len(points)

    def y(value: float) -> float:
        return top + plot_h - plot_h * value / top_value

    body = [_line(left, y(0), WIDTH - right, y(0), "jc-axis")]
    body += [_text(left - 4, y(top_value) + 4, str(top_value), "jc-tick", "end")]
    body += [_text(left - 4, y(0) + 4, "0", "jc-tick", "end")]
    past_path, future_path = [], []
    for i, point in enumerate(points):
        x = left + i * step
        if point.off:
            body.append(_rect(x, top, step, plot_h, "jc-off"))
        if point.sent is not None:
            over = " jc-full" if point.limit and point.sent >= point.limit else ""
            tip = f"{point.day:%a %d %b}: {point.sent} sent, limit {point.limit}"
            body.append(
                _rect(
                    x + step * 0.15,
                    y(point.sent),
                    step * 0.7,
                    y(0) - y(point.sent),
                    f"jc-bar{over}",
                    tip,
                )
            )
        path = past_path if point.day <= today else future_path
        path.append(f"{_num(x)},{_num(y(point.limit))} {_num(x + step)},{_num(y(point.limit))}")
        if point.day == today:
            body.append(_line(x + step, top - 4, x + step, y(0), "jc-today"))
            body.append(_text(x + step + 3, top + 4, "today", "jc-tick"))
            future_path.append(f"{_num(x + step)},{_num(y(point.limit))}")
    for path, css in ((past_path, "jc-limit"), (future_path, "jc-limit jc-ahead")):
        if path:
            body.append(f'<polyline points="{" ".join(path)}" class="{css}"/>')
    body.append(_text(left, height - 6, f"{points[0].day:%d %b}", "jc-tick"))
    body.append(_text(WIDTH - right, height - 6, f"{points[-1].day:%d %b}", "jc-tick", "end"))
    return _svg(height, label, body)


# --- horizontal bars: funnel, intents, bounce rates, dead letters ------------------------------
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
        body.append(_text(label_w + width + 4, y + 15, value, "jc-value"))
    if threshold is not None:
        x = label_w + plot_w * threshold / scale_max
        body.append(_line(x, top - 4, x, height - 4, "jc-threshold"))
        body.append(_text(x, top - 7, threshold_label or fmt(threshold), "jc-tick", "middle"))
    return _svg(height, label, body)


# --- columns: a value per day (forecast, AI spend) ---------------------------------------------
def column_chart(
    columns: Sequence[Column],
    label: str,
    *,
    line: float | None = None,
    line_label: str = "",
    fmt: Callable[[float], str] = _num,
) -> SafeString:
    height, left, right, top, bottom = 150.0, 36.0, 8.0, 14.0, 22.0
    if not columns:
        return _svg(40, label, [_text(WIDTH / 2, 24, "nothing to show", anchor="middle")])
    top_value = max(line or 0, *(c.value for c in columns)) or 1
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    step = plot_w / len(columns)

    def y(value: float) -> float:
        return top + plot_h - plot_h * value / top_value

    body = [_line(left, y(0), WIDTH - right, y(0), "jc-axis")]
    body.append(_text(left - 4, y(top_value) + 4, fmt(top_value), "jc-tick", "end"))
    body.append(_text(left - 4, y(0) + 4, "0", "jc-tick", "end"))
    every = max(1, round(len(columns) / 6))
    for i, column in enumerate(columns):
        x = left + i * step
        tip = column.title or f"{column.label}: {fmt(column.value)}"
        body.append(
            _rect(
                x + step * 0.12,
                y(column.value),
                step * 0.76,
                y(0) - y(column.value),
                f"jc-bar {column.css}".strip(),
                tip,
            )
        )
        if i % every == 0:
            body.append(_text(x + step / 2, height - 6, column.label, "jc-tick", "middle"))
    if line is not None:
        body.append(_line(left, y(line), WIDTH - right, y(line), "jc-threshold"))
        body.append(_text(WIDTH - right, y(line) - 4, line_label or fmt(line), "jc-tick", "end"))
    return _svg(height, label, body)


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
