"""v1 nodes from the blocks of `data.py`: tables, charts, lists, facts, callouts, follow-ups, headers, text.

Every display string is a block's string; the only choices made here are which component shows it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from .. import Catalog
from .data import CALLOUT_WORDS, Facts, Items, Records
from .numbers import Number, all_time_labels, is_time_label, numeric_column, parse_number
from .text import MAX_LABEL, clip, safe_markdown

Node = dict[str, Any]
ChartKind = Literal["bar", "line", "area", "pie", "donut"]

LIMITS = (
    Catalog.default().limits
)  # list lengths and text sizes the repairer keeps (every list <= max_children)
MAX_SLICES = 12  # a pie with more slices than this is unreadable: a bar chart instead
MAX_SERIES = 6
PIE_WORDS = re.compile(
    r"\b(?:pie|donut|doughnut|share|shares|percent|percentage|breakdown|distribution|composition|split|"
    r"proportions?|allocation|makeup)\b",
    re.IGNORECASE,
)


def node(component: str, **props: Any) -> Node:
    return {"component": component, "props": props}


def header(title: str) -> Node:
    return node("Header", title=clip(title))


def inline_header(text: str) -> Node:
    return node("InlineHeader", heading=clip(text))


def text_node(markdown: str) -> Node | None:
    """TextContent with the markdown as written (safe links only); None when nothing is left to show."""
    text = safe_markdown(markdown).strip("\n")
    if not text.strip():
        return None
    return node("TextContent", textMarkdown=text[: LIMITS.max_string])


_SUBTITLE = re.compile(r"^(?P<title>[^–—:]{1,80}?)\s*(?:\s[–—-]\s|:\s)\s*(?P<sub>\S.*)$")


def list_node(items: Items) -> Node | None:
    """A List; "Nile – 6,650 km" / "Nile: longest river" become title + subtitle."""
    rows: list[dict[str, str]] = []
    for item in items.items[: LIMITS.max_children]:
        if not item:
            continue
        m = _SUBTITLE.match(item)
        rows.append({"title": m.group("title"), "subtitle": m.group("sub")} if m else {"title": item})
    if not rows:
        return None
    return node("List", variant="number" if items.ordered else "icon", items=rows)


def followups_node(items: tuple[str, ...]) -> Node | None:
    texts = [item for item in items if item][: LIMITS.max_children]
    return node("FollowUpBlock", followUpText=texts) if texts else None


def callout_node(word: str, text: str) -> Node:
    tone = CALLOUT_WORDS.get(word.lower(), "info")
    return node("CalloutV2", variant=tone, title=clip(word), description=clip(text))


def _numeric_fact(value: str) -> bool:
    return len(value) <= 24 and (
        parse_number(value) is not None or value[:1].isdigit() or value[:1] in "$€£¥₹"
    )


def facts_node(facts: Facts) -> Node | None:
    """Numeric facts as stat tiles (value big, key below); other facts as a list of key + value."""
    pairs = [(k, v) for k, v in facts.pairs if k and v][: LIMITS.max_children]
    if not pairs:
        return None
    if all(_numeric_fact(value) for _, value in pairs):
        cards = [
            node("MiniCard", lhs=node("DataTile", amount=clip(value), description=clip(key)))
            for key, value in pairs
        ]
        return node("MiniCardBlock", children=cards)
    return node("List", variant="icon", items=[{"title": clip(k), "subtitle": clip(v)} for k, v in pairs])


# ---- tables and charts


@dataclass(frozen=True)
class Series:
    """The chartable part of some records: one label column and the numeric columns that share an axis."""

    label_column: int
    labels: list[str]
    columns: list[int]
    names: list[str]
    values: list[list[Number]]

    @property
    def unit(self) -> str | None:
        scales = {number.scale for column in self.values for number in column}
        return scales.pop() if len(scales) == 1 else None

    @property
    def measure(self) -> str:
        """The currency and unit the values are written with ("$", "km²"), magnitude suffixes aside."""
        first = self.values[0][0]
        unit = "" if first.scale is not None or first.unit == "%" else first.unit
        return f"{first.currency} {unit}".strip() if first.unit != "%" else "%"

    @property
    def timely(self) -> bool:
        return all_time_labels(self.labels)


def _padded(records: Records) -> list[list[str]]:
    width = len(records.header)
    return [list(row[:width]) + [""] * (width - len(row)) for row in records.rows]


def series_of(records: Records) -> Series | None:
    """Labels from the first column that is text or time-like; values from the other numeric columns (not
    years or dates) of the first such column's kind (currency, unit) whose largest value is within 10x of
    its own. None below 2 rows."""
    rows = _padded(records)[: LIMITS.max_children]
    width = len(records.header)
    if len(rows) < 2 or width < 2:
        return None
    columns = [[row[i] for row in rows] for i in range(width)]
    numeric = [numeric_column(column) for column in columns]
    label_column = next(
        (i for i in range(width) if numeric[i] is None or all(is_time_label(c) for c in columns[i])), None
    )
    if label_column is None or any(not cell for cell in columns[label_column]):
        return None
    picked: list[int] = []
    values: list[list[Number]] = []
    for i in range(width):
        found = numeric[i]
        if i == label_column or found is None or all(is_time_label(c) for c in columns[i]):
            continue  # a column of years is when, not how much
        if values:
            first = values[0]
            peak, own = max(abs(n.value) for n in first), max(abs(n.value) for n in found)
            if found[0].kind != first[0].kind or not (peak / 10 <= own <= peak * 10):
                continue
        picked.append(i)
        values.append(found)
        if len(picked) == MAX_SERIES:
            break
    if not picked:
        return None
    names = [records.header[i] for i in picked]
    return Series(label_column, columns[label_column], picked, names, values)


def _pie_fits(series: Series) -> bool:
    column = series.values[0]
    return 2 <= len(column) <= MAX_SLICES and all(n.value >= 0 for n in column)


def chart_kind(series: Series, hint: str, asked: ChartKind | None = None) -> ChartKind:
    """The asked kind when the data fits it; else pie for parts of a whole, line over time, bar otherwise."""
    if asked in ("pie", "donut"):
        return asked if _pie_fits(series) else "bar"
    if asked is not None:
        return asked
    column = series.values[0]
    percents = all(n.unit == "%" for n in column) and 98 <= sum(n.value for n in column) <= 102
    if len(series.columns) == 1 and _pie_fits(series) and (PIE_WORDS.search(hint) or percents):
        return "pie"
    return "line" if series.timely else "bar"


def chart_node(series: Series, kind: ChartKind, header_row: tuple[str, ...], series_name: str = "") -> Node:
    unit = series.unit
    if kind in ("pie", "donut"):
        slices = [
            {"category": label, "value": n.value}
            for label, n in zip(series.labels, series.values[0], strict=True)
        ]
        data: dict[str, Any] = {"data": slices}
        if unit:
            data["unit"] = unit
        return node("PieChartV2", variant=kind, chartData=data)
    names = [name or series_name for name in series.names]
    chart: dict[str, Any] = {
        "data": {
            "labels": series.labels,
            "series": [
                {"category": name, "values": [n.value for n in column]}
                for name, column in zip(names, series.values, strict=True)
            ],
        }
    }
    if unit:
        chart["unit"] = unit
    component = {"bar": "BarChartV2", "line": "LineChartV2", "area": "AreaChartV2"}[kind]
    props: dict[str, Any] = {"chartData": chart}
    if header_row[series.label_column]:
        props["xAxisLabel"] = header_row[series.label_column]
    if series.measure:
        props["yAxisLabel"] = series.measure
    return node(component, **props)


def table_node(records: Records) -> Node | None:
    """A Table: number columns typed "number", cells as written; header cells "" when the source had none."""
    rows = _padded(records)[: LIMITS.max_children]
    width = min(len(records.header), LIMITS.max_children)
    if not rows or width == 0:
        return None
    kinds = [
        "number" if numeric_column([row[i] for row in rows if row[i]]) is not None else "string"
        for i in range(width)
    ]
    head = [{"children": clip(records.header[i]), "type": kinds[i]} for i in range(width)]
    body = [{"children": [clip(cell, MAX_LABEL) for cell in row[:width]]} for row in rows]
    return node("Table", tableHeader={"rows": head}, tableBody={"rows": body})


def records_nodes(
    records: Records,
    *,
    hint: str = "",
    asked: ChartKind | None = None,
    chart: bool = True,
    series_name: str = "",
) -> list[Node]:
    """A chart when the records hold a numeric series (and `chart`), with the table beside it when the table
    carries columns the chart does not show; else the table alone."""
    series = series_of(records) if chart else None
    table = table_node(records)
    if series is None:
        return [table] if table else []
    kind = chart_kind(series, " ".join((hint, *records.header)), asked)
    shown = 1 + (1 if kind in ("pie", "donut") else len(series.columns))
    out = [chart_node(series, kind, records.header, series_name)]
    if len(records.header) > shown and table is not None:
        out.append(table)
    return out


def count_nodes(value: Any) -> int:
    """Component nodes in a subtree (the repairer's node budget counts these)."""
    if isinstance(value, dict):
        own = 1 if isinstance(value.get("component"), str) else 0
        return own + sum(count_nodes(v) for v in value.values())
    if isinstance(value, list):
        return sum(count_nodes(v) for v in value)
    return 0


def card(children: list[Node]) -> Node:
    """The root Card, cut to the repairer's child and node budgets (whole children only)."""
    kept: list[Node] = []
    budget = LIMITS.max_nodes - 1
    for child in children[: LIMITS.max_children]:
        cost = count_nodes(child)
        if cost > budget:
            break
        kept.append(child)
        budget -= cost
    return node("Card", children=kept)
