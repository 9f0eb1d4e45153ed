"""Charts as accessible inline SVG (title, desc, axis labels, legend): no JS needed to see them.

Hand-rolled instead of a plotting library: the output must be a small, dependency-free SVG fragment
that renders identically in a browser, a static file, a notebook and an email.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from genui.web.escape import esc

PALETTE = ("#4f6bed", "#e8793b", "#2aa876", "#d64f7a", "#8a5cd6", "#c9a227", "#2b9bc4", "#7a8699")
W, H = 600, 300
_UNIT_SUFFIX = {"k": "k", "m": "M", "b": "B", "t": "T"}
_MAX_POINTS = 2000  # bound work on hostile input


@dataclass
class Series:
    name: str
    values: list[float]


@dataclass
class Chart2D:
    labels: list[str]
    series: list[Series]
    unit: str


def color(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def num(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str):
        try:
            parsed = float(value.replace(",", "").strip())
        except ValueError:
            return None
        return parsed if math.isfinite(parsed) else None
    return None


def fmt(value: float, unit: str = "") -> str:
    text = f"{value:,.0f}" if abs(value) >= 100 or value == int(value) else f"{value:,.2f}".rstrip("0")
    return text + _UNIT_SUFFIX.get(unit, "")


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values covering [lo, hi]."""
    if hi == lo:
        hi = lo + 1
    raw = (hi - lo) / max(count - 1, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.floor(lo / step) * step
    ticks = [round(start, 10)]
    while ticks[-1] < hi - step * 1e-9 and len(ticks) < 40:
        ticks.append(round(start + step * len(ticks), 10))
    return ticks


# ---- data normalization -------------------------------------------------------------------------


def chart2d(chart_data: object) -> Chart2D:
    data = chart_data.get("data") if isinstance(chart_data, dict) else None
    unit = str(chart_data.get("unit") or "") if isinstance(chart_data, dict) else ""
    labels: list[str] = []
    series: list[Series] = []
    if isinstance(data, dict):
        raw_labels = data.get("labels")
        if isinstance(raw_labels, list):
            labels = [str(x) for x in raw_labels[:_MAX_POINTS]]
        raw_series = data.get("series")
        if isinstance(raw_series, list):
            for item in raw_series[:50]:
                if isinstance(item, dict):
                    vals = item.get("values")
                    values = [num(v) or 0.0 for v in vals[:_MAX_POINTS]] if isinstance(vals, list) else []
                    series.append(Series(str(item.get("category") or ""), values))
    n = max([len(labels)] + [len(s.values) for s in series]) if (labels or series) else 0
    labels = labels + [""] * (n - len(labels))
    for s in series:
        s.values = s.values + [0.0] * (n - len(s.values))
    return Chart2D(labels, series, unit)


def chart1d(chart_data: object) -> tuple[list[tuple[str, float]], str]:
    data = chart_data.get("data") if isinstance(chart_data, dict) else None
    unit = str(chart_data.get("unit") or "") if isinstance(chart_data, dict) else ""
    items: list[tuple[str, float]] = []
    if isinstance(data, list):
        for row in data[:_MAX_POINTS]:
            if isinstance(row, dict):
                items.append((str(row.get("category") or ""), num(row.get("value")) or 0.0))
    return items, unit


def v0_chart2d(props: dict[str, Any]) -> Chart2D:
    """Deprecated v0 charts: `categoryKey` + rows of `{category: .., seriesA: n, seriesB: n}`."""
    key = props.get("categoryKey")
    rows = props.get("data")
    labels: list[str] = []
    names: list[str] = []
    table: list[dict[str, Any]] = []
    if isinstance(rows, list):
        for row in rows[:_MAX_POINTS]:
            if not isinstance(row, dict):
                continue
            labels.append(str(row.get(key, "")) if isinstance(key, str) else "")
            table.append(row)
            for k, v in row.items():
                if k != key and num(v) is not None and k not in names:
                    names.append(k)
    series = [Series(name, [num(row.get(name)) or 0.0 for row in table]) for name in names[:50]]
    return Chart2D(labels, series, "")


# ---- SVG building blocks -------------------------------------------------------------------------


def _svg(ids: Callable[[], str], title: str, desc: str, body: str, width: int = W, height: int = H) -> str:
    tid, did = ids(), ids()
    return (
        f'<svg class="gu-svg" role="img" aria-labelledby="{tid} {did}" viewBox="0 0 {width} {height}" '
        f'preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{tid}">{esc(title)}</title><desc id="{did}">{esc(desc[:2000])}</desc>{body}</svg>'
    )


def legend(names: list[str], extra: list[str] | None = None) -> str:
    if not names:
        return ""
    items = []
    for i, name in enumerate(names):
        suffix = f' <span class="gu-legend-value">{esc(extra[i])}</span>' if extra else ""
        items.append(
            f'<li><span class="gu-swatch" style="background:{color(i)}" aria-hidden="true"></span>'
            f"{esc(name)}{suffix}</li>"
        )
    return f'<ul class="gu-legend" aria-label="Legend">{"".join(items)}</ul>'


def describe2d(chart: Chart2D) -> str:
    parts = []
    for s in chart.series:
        pairs = ", ".join(
            f"{lab} {fmt(v, chart.unit)}" for lab, v in zip(chart.labels, s.values, strict=False)
        )
        parts.append(f"{s.name}: {pairs}")
    return "; ".join(parts) or "No data"


def _axis_labels(x_label: str, y_label: str) -> str:
    out = ""
    if x_label:
        out += (
            f'<text class="gu-axis-label" x="{W / 2:.0f}" y="{H - 4}" text-anchor="middle">'
            f"{esc(x_label)}</text>"
        )
    if y_label:
        out += (
            f'<text class="gu-axis-label" transform="translate(12 {H / 2:.0f}) rotate(-90)" '
            f'text-anchor="middle">{esc(y_label)}</text>'
        )
    return out


@dataclass
class _Frame:
    left: float = 64
    right: float = 16
    top: float = 16
    bottom: float = 48

    @property
    def inner_w(self) -> float:
        return W - self.left - self.right

    @property
    def inner_h(self) -> float:
        return H - self.top - self.bottom


def _value_range(values: list[float]) -> tuple[float, float, list[float]]:
    lo = min([0.0, *values])
    hi = max([0.0, *values])
    ticks = nice_ticks(lo, hi)
    return ticks[0], ticks[-1], ticks


def _y_grid(frame: _Frame, lo: float, hi: float, ticks: list[float], unit: str) -> str:
    out = []
    for t in ticks:
        y = frame.top + frame.inner_h * (1 - (t - lo) / (hi - lo))
        out.append(
            f'<line class="gu-grid" x1="{frame.left}" x2="{W - frame.right}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="gu-tick" x="{frame.left - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{esc(fmt(t, unit))}</text>"
        )
    return "".join(out)


def _x_grid(frame: _Frame, lo: float, hi: float, ticks: list[float], unit: str) -> str:
    out = []
    for t in ticks:
        x = frame.left + frame.inner_w * (t - lo) / (hi - lo)
        out.append(
            f'<line class="gu-grid" y1="{frame.top}" y2="{H - frame.bottom}" x1="{x:.1f}" x2="{x:.1f}"/>'
            f'<text class="gu-tick" x="{x:.1f}" y="{H - frame.bottom + 16}" text-anchor="middle">'
            f"{esc(fmt(t, unit))}</text>"
        )
    return "".join(out)


def _short(label: str, limit: int = 14) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


# ---- chart kinds ---------------------------------------------------------------------------------


def bar_chart(
    chart: Chart2D,
    ids: Callable[[], str],
    *,
    title: str,
    stacked: bool,
    horizontal: bool,
    x_label: str = "",
    y_label: str = "",
) -> str:
    frame = _Frame(left=96 if horizontal else 64)
    n = len(chart.labels)
    if stacked:
        sums = [sum(max(s.values[i], 0) for s in chart.series) for i in range(n)]
        negs = [sum(min(s.values[i], 0) for s in chart.series) for i in range(n)]
        lo, hi, ticks = _value_range(sums + negs)
    else:
        lo, hi, ticks = _value_range([v for s in chart.series for v in s.values])
    span = hi - lo or 1.0
    body = [
        _x_grid(frame, lo, hi, ticks, chart.unit) if horizontal else _y_grid(frame, lo, hi, ticks, chart.unit)
    ]
    length = frame.inner_h if horizontal else frame.inner_w
    band = length / max(n, 1)
    groups = 1 if stacked else max(len(chart.series), 1)
    bar = band * 0.7 / groups

    def scale(v: float) -> float:  # value -> offset along the value axis from its origin
        return (v - lo) / span * (frame.inner_w if horizontal else frame.inner_h)

    for i, label in enumerate(chart.labels):
        start = (frame.top if horizontal else frame.left) + band * i + band * 0.15
        pos_acc = neg_acc = 0.0
        for si, s in enumerate(chart.series):
            v = s.values[i]
            if stacked:
                base = pos_acc if v >= 0 else neg_acc
                a, b = scale(base), scale(base + v)
                if v >= 0:
                    pos_acc += v
                else:
                    neg_acc += v
                offset = start
            else:
                a, b = scale(0), scale(v)
                offset = start + bar * si
            lo_px, size = min(a, b), abs(b - a)
            tip = f"{s.name} {label}: {fmt(v, chart.unit)}"
            if horizontal:
                rect = (frame.left + lo_px, offset, size, bar)
            else:
                rect = (offset, frame.top + frame.inner_h - lo_px - size, bar, size)
            body.append(
                f'<rect x="{rect[0]:.1f}" y="{rect[1]:.1f}" width="{rect[2]:.1f}" height="{rect[3]:.1f}" '
                f'fill="{color(si)}"><title>{esc(tip)}</title></rect>'
            )
        centre = (frame.top if horizontal else frame.left) + band * (i + 0.5)
        if horizontal:
            body.append(
                f'<text class="gu-tick" x="{frame.left - 6}" y="{centre + 4:.1f}" text-anchor="end">'
                f"{esc(_short(label))}</text>"
            )
        elif n <= 24 or i % max(n // 12, 1) == 0:
            body.append(
                f'<text class="gu-tick" x="{centre:.1f}" y="{H - frame.bottom + 16}" text-anchor="middle">'
                f"{esc(_short(label, 12))}</text>"
            )
    body.append(_axis_labels(x_label, y_label))
    return _svg(ids, title, describe2d(chart), "".join(body))


def _smooth_path(points: list[tuple[float, float]]) -> str:
    """Catmull-Rom spline through the points as cubic Béziers (the `natural` variant)."""
    if len(points) < 3:
        return "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in points)
    d = f"M{points[0][0]:.1f},{points[0][1]:.1f}"
    for i in range(len(points) - 1):
        p0 = points[max(i - 1, 0)]
        p1, p2 = points[i], points[i + 1]
        p3 = points[min(i + 2, len(points) - 1)]
        c1 = (p1[0] + (p2[0] - p0[0]) / 6, p1[1] + (p2[1] - p0[1]) / 6)
        c2 = (p2[0] - (p3[0] - p1[0]) / 6, p2[1] - (p3[1] - p1[1]) / 6)
        d += f" C{c1[0]:.1f},{c1[1]:.1f} {c2[0]:.1f},{c2[1]:.1f} {p2[0]:.1f},{p2[1]:.1f}"
    return d


def line_chart(
    chart: Chart2D,
    ids: Callable[[], str],
    *,
    title: str,
    area: bool,
    smooth: bool,
    x_label: str = "",
    y_label: str = "",
) -> str:
    frame = _Frame()
    n = len(chart.labels)
    lo, hi, ticks = _value_range([v for s in chart.series for v in s.values])
    span = hi - lo or 1.0
    body = [_y_grid(frame, lo, hi, ticks, chart.unit)]
    step = frame.inner_w / max(n - 1, 1)

    def point(i: int, v: float) -> tuple[float, float]:
        x = frame.left + (step * i if n > 1 else frame.inner_w / 2)
        return x, frame.top + frame.inner_h * (1 - (v - lo) / span)

    base_y = frame.top + frame.inner_h * (1 - (0 - lo) / span)
    for si, s in enumerate(chart.series):
        pts = [point(i, v) for i, v in enumerate(s.values)]
        if not pts:
            continue
        path = _smooth_path(pts) if smooth else "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in pts)
        if area:
            fill = f"{path} L{pts[-1][0]:.1f},{base_y:.1f} L{pts[0][0]:.1f},{base_y:.1f} Z"
            body.append(f'<path d="{fill}" fill="{color(si)}" fill-opacity="0.25" stroke="none"/>')
        body.append(f'<path d="{path}" fill="none" stroke="{color(si)}" stroke-width="2.5"/>')
        for (x, y), v, lab in zip(pts, s.values, chart.labels, strict=False):
            body.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{color(si)}">'
                f"<title>{esc(f'{s.name} {lab}: {fmt(v, chart.unit)}')}</title></circle>"
            )
    for i, label in enumerate(chart.labels):
        if n <= 16 or i % max(n // 10, 1) == 0:
            x, _ = point(i, 0)
            body.append(
                f'<text class="gu-tick" x="{x:.1f}" y="{H - frame.bottom + 16}" text-anchor="middle">'
                f"{esc(_short(label, 12))}</text>"
            )
    body.append(_axis_labels(x_label, y_label))
    return _svg(ids, title, describe2d(chart), "".join(body))


def radar_chart(chart: Chart2D, ids: Callable[[], str], *, title: str) -> str:
    cx, cy, radius = W / 2, H / 2, H / 2 - 36
    n = max(len(chart.labels), 1)
    hi = max([v for s in chart.series for v in s.values] + [0.0]) or 1.0

    def at(i: int, frac: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / n
        return cx + radius * frac * math.cos(angle), cy + radius * frac * math.sin(angle)

    body = []
    for ring in (0.25, 0.5, 0.75, 1.0):
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (at(i, ring) for i in range(n)))
        body.append(f'<polygon class="gu-grid" points="{pts}" fill="none"/>')
    for i, label in enumerate(chart.labels):
        x, y = at(i, 1.0)
        lx, ly = at(i, 1.12)
        anchor = "middle" if abs(lx - cx) < 10 else ("start" if lx > cx else "end")
        body.append(
            f'<line class="gu-grid" x1="{cx}" y1="{cy}" x2="{x:.1f}" y2="{y:.1f}"/>'
            f'<text class="gu-tick" x="{lx:.1f}" y="{ly + 4:.1f}" text-anchor="{anchor}">'
            f"{esc(_short(label))}</text>"
        )
    for si, s in enumerate(chart.series):
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (at(i, max(v, 0) / hi) for i, v in enumerate(s.values)))
        body.append(
            f'<polygon points="{pts}" fill="{color(si)}" fill-opacity="0.2" stroke="{color(si)}" '
            f'stroke-width="2"><title>{esc(s.name)}</title></polygon>'
        )
    return _svg(ids, title, describe2d(chart), "".join(body))


def _sector(cx: float, cy: float, r_out: float, r_in: float, a0: float, a1: float) -> str:
    def pt(r: float, a: float) -> str:
        return f"{cx + r * math.cos(a):.2f},{cy + r * math.sin(a):.2f}"

    large = 1 if a1 - a0 > math.pi else 0
    if r_in <= 0:
        return f"M{cx:.2f},{cy:.2f} L{pt(r_out, a0)} A{r_out},{r_out} 0 {large} 1 {pt(r_out, a1)} Z"
    return (
        f"M{pt(r_out, a0)} A{r_out},{r_out} 0 {large} 1 {pt(r_out, a1)} L{pt(r_in, a1)} "
        f"A{r_in},{r_in} 0 {large} 0 {pt(r_in, a0)} Z"
    )


def pie_chart(
    items: list[tuple[str, float]], unit: str, ids: Callable[[], str], *, title: str, donut: bool
) -> str:
    cx, cy, r = W / 2, H / 2, H / 2 - 16
    total = sum(v for _, v in items if v > 0)
    body = []
    angle = -math.pi / 2
    for i, (name, value) in enumerate(items):
        if value <= 0 or total <= 0:
            continue
        sweep = 2 * math.pi * value / total
        tip = f"{name}: {fmt(value, unit)} ({value / total:.0%})"
        # a full circle cannot be one arc: draw it as two halves
        pieces = (
            [(angle, angle + sweep)]
            if sweep < 2 * math.pi - 1e-6
            else [(angle, angle + math.pi), (angle + math.pi, angle + 2 * math.pi)]
        )
        for a0, a1 in pieces:
            body.append(
                f'<path d="{_sector(cx, cy, r, r * 0.6 if donut else 0, a0, a1)}" fill="{color(i)}">'
                f"<title>{esc(tip)}</title></path>"
            )
        angle += sweep
    if donut and total > 0:
        body.append(
            f'<text class="gu-donut-total" x="{cx}" y="{cy + 6}" text-anchor="middle">'
            f"{esc(fmt(total, unit))}</text>"
        )
    desc = ", ".join(f"{n} {fmt(v, unit)}" for n, v in items) or "No data"
    return _svg(ids, title, desc, "".join(body))


def radial_chart(items: list[tuple[str, float]], unit: str, ids: Callable[[], str], *, title: str) -> str:
    cx, cy = W / 2, H / 2
    hi = max([v for _, v in items] + [0.0]) or 1.0
    body = []
    n = max(len(items), 1)
    width = min(18.0, (H / 2 - 30) / n)
    for i, (name, value) in enumerate(items):
        r = H / 2 - 16 - i * (width + 4)
        if r <= width:
            break
        circumference = 2 * math.pi * r
        frac = max(value, 0) / hi
        body.append(
            f'<circle class="gu-track" cx="{cx}" cy="{cy}" r="{r:.1f}" fill="none" '
            f'stroke-width="{width:.1f}"/>'
            f'<circle cx="{cx}" cy="{cy}" r="{r:.1f}" fill="none" stroke="{color(i)}" '
            f'stroke-width="{width:.1f}" '
            f'stroke-dasharray="{circumference * frac:.1f} {circumference:.1f}" '
            f'transform="rotate(-90 {cx} {cy})"><title>{esc(f"{name}: {fmt(value, unit)}")}</title></circle>'
        )
    desc = ", ".join(f"{n} {fmt(v, unit)}" for n, v in items) or "No data"
    return _svg(ids, title, desc, "".join(body))


def stacked_bar(items: list[tuple[str, float]], unit: str, ids: Callable[[], str], *, title: str) -> str:
    height = 56
    total = sum(v for _, v in items if v > 0)
    x = 0.0
    body = []
    for i, (name, value) in enumerate(items):
        if value <= 0 or total <= 0:
            continue
        w = W * value / total
        body.append(
            f'<rect x="{x:.1f}" y="8" width="{w:.1f}" height="40" fill="{color(i)}">'
            f"<title>{esc(f'{name}: {fmt(value, unit)} ({value / total:.0%})')}</title></rect>"
        )
        x += w
    desc = ", ".join(f"{n} {fmt(v, unit)}" for n, v in items) or "No data"
    return _svg(ids, title, desc, "".join(body), height=height)


def scatter_chart(
    chart_data: object, ids: Callable[[], str], *, title: str, x_label: str, y_label: str
) -> str:
    groups: list[tuple[str, list[tuple[float, float, float | None]]]] = []
    data = chart_data.get("data") if isinstance(chart_data, dict) else None
    unit = str(chart_data.get("unit") or "") if isinstance(chart_data, dict) else ""
    if isinstance(data, list):
        for group in data[:50]:
            if not isinstance(group, dict):
                continue
            pts = []
            raw = group.get("series")
            for p in raw[:_MAX_POINTS] if isinstance(raw, list) else []:
                if isinstance(p, dict):
                    x, y = num(p.get("x")), num(p.get("y"))
                    if x is not None and y is not None:
                        pts.append((x, y, num(p.get("z"))))
            groups.append((str(group.get("name") or ""), pts))
    xs = [p[0] for _, pts in groups for p in pts] or [0.0, 1.0]
    ys = [p[1] for _, pts in groups for p in pts] or [0.0, 1.0]
    zs = [p[2] for _, pts in groups for p in pts if p[2] is not None]
    xt, yt = nice_ticks(min(xs), max(xs)), nice_ticks(min(ys), max(ys))
    frame = _Frame()
    body = [_y_grid(frame, yt[0], yt[-1], yt, unit), _x_grid(frame, xt[0], xt[-1], xt, "")]
    z_hi = max(zs) if zs else 1.0
    for gi, (name, pts) in enumerate(groups):
        for x, y, z in pts:
            px = frame.left + frame.inner_w * (x - xt[0]) / ((xt[-1] - xt[0]) or 1)
            py = frame.top + frame.inner_h * (1 - (y - yt[0]) / ((yt[-1] - yt[0]) or 1))
            r = 4 + (8 * z / z_hi if z is not None and z_hi > 0 and z > 0 else 0)
            body.append(
                f'<circle cx="{px:.1f}" cy="{py:.1f}" r="{r:.1f}" fill="{color(gi)}" fill-opacity="0.75">'
                f"<title>{esc(f'{name}: ({fmt(x)}, {fmt(y, unit)})')}</title></circle>"
            )
    body.append(_axis_labels(x_label, y_label))
    desc = (
        "; ".join(
            f"{name}: " + ", ".join(f"({fmt(x)}, {fmt(y, unit)})" for x, y, _ in pts) for name, pts in groups
        )
        or "No data"
    )
    return _svg(ids, title, desc, "".join(body))


def sparkline(values: list[float], ids: Callable[[], str], *, title: str, bars: bool) -> str:
    width, height = 120, 36
    if not values:
        values = [0.0]
    lo, hi = min(values), max(values)
    span = (hi - lo) or 1.0
    step = width / max(len(values) - (0 if bars else 1), 1)
    if bars:
        body = "".join(
            f'<rect x="{i * step + 1:.1f}" y="{height - (v - lo) / span * (height - 4) - 2:.1f}" '
            f'width="{max(step - 2, 1):.1f}" height="{(v - lo) / span * (height - 4) + 2:.1f}" '
            f'fill="{color(0)}"/>'
            for i, v in enumerate(values)
        )
    else:
        pts = " ".join(
            f"{i * step:.1f},{height - 2 - (v - lo) / span * (height - 4):.1f}" for i, v in enumerate(values)
        )
        body = f'<polyline points="{pts}" fill="none" stroke="{color(0)}" stroke-width="2"/>'
    desc = ", ".join(fmt(v) for v in values)
    return _svg(ids, title, desc, body, width=width, height=height)
