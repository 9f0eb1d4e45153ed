"""The offline artifact composer: a request's own material -> report pages or slides, both formats.

Deterministic and grounded like `genui.ui.compose.visualize` (which reads the material): headings become
sections (slides, report pages), lists, tables, facts and number series become content and charts. Every
text and number comes from the request; the only words of ours are the fallback title (the artifact kind)
and the note shown when a request brings no material (NO_MATERIAL).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..compose import compose, understand, visualize
from ..compose.title import title_of
from .v1 import ID_PREFIX, Item
from .v2 import shorten

Node = dict[str, Any]
CHARTS_2D = ("BarChartV2", "LineChartV2", "AreaChartV2")
CHARTS_1D = ("PieChartV2", "RadialChartV2")
NO_MATERIAL = (
    "No material to lay out: without a configured model genui only arranges the text and data a request "
    "gives (headings, lists, tables, numbers). Add them to the request, or configure a model "
    "(docs/configuration.md) to have the content written."
)
FALLBACK_TITLE = {"slides": "Presentation", "report": "Report"}
_ARTIFACT_WORDS = re.compile(
    r"^(?:(?:an?|the|one|two|three|four|five|six|seven|eight|nine|ten|\d+)[- ]+)?(?:(?:page|slide)[- ]+)?"
    r"(?:(?:slide|pitch|presentation)\s+)?(?:slides?|decks?|presentations?|reports?|documents?|briefs?|"
    r"slideshows?)\s*(?:(?:about|on|of|for|covering|summari[sz]ing|from|with)(?:\s+|$)|$)",
    re.IGNORECASE,
)
_COMMAND = re.compile(
    r"^\s*(?:please\s+)?(?:create|make|generate|build|prepare|write|produce|draft|design|turn|put|give)\b",
    re.IGNORECASE,
)
_OWNER = re.compile(r"^(?:a|an|the|our|my|your|their|this|these|its)\s+", re.IGNORECASE)
MAX_LIST_ITEMS = {"slides": 16}
PER_SLIDE_ROWS = 8


@dataclass
class Section:
    heading: str | None
    nodes: list[Node] = field(default_factory=list)


@dataclass
class Plan:
    """What the material holds, format-neutral: a title and sections of v1 content nodes."""

    title: str
    subtitle: str | None
    sections: list[Section]
    grounded: bool  # False: the request gave no material (the plan holds the NO_MATERIAL note)


def split_request(text: str) -> tuple[str, str]:
    """(instruction, material): the first paragraph is the instruction when it reads as one ("Create a deck
    about …"); after a colon on that line the rest of the line is material too."""
    text = text.replace("\r\n", "\n").strip()
    head, _, rest = text.partition("\n\n")
    first_line, _, more = head.partition("\n")
    if not (_COMMAND.match(first_line) or _ARTIFACT_WORDS.search(first_line)):
        return "", text
    lead, colon, inline = first_line.partition(":")
    material = "\n".join(p for p in (inline.strip() if colon else "", more, rest) if p.strip())
    return (lead if colon else first_line).strip(), material


def title_from(instruction: str) -> str | None:
    title = title_of(instruction) if instruction else None
    if title is None:
        return None
    stripped = _ARTIFACT_WORDS.sub("", title, count=1).strip(" .:;,")
    stripped = _OWNER.sub("", stripped, count=1)
    if not stripped:
        return None
    return stripped[:1].upper() + stripped[1:]


def plan(text: str, kind: str) -> Plan:
    """Read a request (instructions + material) into sections."""
    instruction, material = split_request(text)
    nodes: list[Node] = visualize(material)["props"]["children"] if material.strip() else []
    if "\n" not in material.strip() and all(n["component"] == "TextContent" for n in nodes):
        # one line of inline data ("Acme 30%, Globex 25%"): the request reader finds it
        card = (
            compose(understand(f"Show {title_from(instruction) or 'this'}: {material}"))
            if material.strip()
            else None
        )
        if card is not None:
            nodes = [n for n in card["props"]["children"] if n["component"] != "Header"]
    title = title_from(instruction)
    subtitle: str | None = None
    if nodes and nodes[0]["component"] == "Header":
        header = nodes.pop(0)["props"]
        title = header["title"] if title is None else title
        subtitle = header.get("subtitle") if header["title"] == title else header["title"]
    sections: list[Section] = [Section(None)]
    for node in nodes:
        if node["component"] in ("Header", "InlineHeader"):
            props = node["props"]
            sections.append(Section(props.get("heading") or props.get("title")))
        elif node["component"] != "FollowUpBlock":
            sections[-1].nodes.append(node)
    sections = [s for s in sections if s.nodes or s.heading]
    grounded = bool(sections)
    if not grounded:
        sections = [Section(None, [{"component": "TextContent", "props": {"textMarkdown": NO_MATERIAL}}])]
    return Plan(title or FALLBACK_TITLE[kind], subtitle, sections, grounded)


# ---- units: one slide's worth of content


@dataclass
class Unit:
    """One slide: `kind` is title|section|text|chart|figures|list|table|callout; `node` the v1 node shown."""

    kind: str
    heading: str | None
    node: Node | None = None
    text: str | None = None


def _figures(node: Node) -> list[tuple[str, str]] | None:
    pairs = []
    for card in node["props"].get("children", []):
        lhs = card.get("props", {}).get("lhs", {})
        if lhs.get("component") != "DataTile":
            return None
        pairs.append((lhs["props"]["amount"], lhs["props"]["description"]))
    return pairs or None


def _chunks(node: Node, kind: str) -> list[Node]:
    """A long list or table split over several slides."""
    if node["component"] == "List":
        items = node["props"]["items"]
        size = MAX_LIST_ITEMS.get(kind, len(items)) if kind == "slides" else len(items)
        return [
            {**node, "props": {**node["props"], "items": items[i : i + size]}}
            for i in range(0, len(items), size)
        ]
    if node["component"] == "Table" and kind == "slides":
        rows = node["props"]["tableBody"]["rows"]
        return [
            {**node, "props": {**node["props"], "tableBody": {"rows": rows[i : i + PER_SLIDE_ROWS]}}}
            for i in range(0, len(rows), PER_SLIDE_ROWS)
        ]
    return [node]


def units(plan_: Plan) -> list[Unit]:
    """The slides of a plan: a title slide, then per section its content, one block a slide (text runs go
    with the chart they precede, or alone)."""
    out = [Unit("title", plan_.title, text=plan_.subtitle)]
    for section in plan_.sections:
        if not section.nodes:
            out.append(Unit("section", section.heading))
            continue
        heading = section.heading or plan_.title  # the text before the first section is under the title
        pending_text: str | None = None
        for node in section.nodes:
            name = node["component"]
            if name == "TextContent":
                text = node["props"]["textMarkdown"]
                pending_text = f"{pending_text}\n\n{text}" if pending_text else text
                continue
            if name in CHARTS_2D or name in CHARTS_1D:
                out.append(Unit("chart", heading, node, pending_text))
                pending_text = None
                continue
            if pending_text:
                out.append(Unit("text", heading, text=pending_text))
                pending_text = None
            if name == "MiniCardBlock" and _figures(node):
                out.append(Unit("figures", heading, node))
            elif name in ("List", "Table"):
                out.extend(Unit(name.lower(), heading, chunk) for chunk in _chunks(node, "slides"))
            elif name == "CalloutV2":
                out.append(Unit("callout", heading, node))
            else:
                out.append(Unit("nodes", heading, node))
        if pending_text:
            out.append(Unit("text", heading, text=pending_text))
    return out


# ---- v1


def _with_title(props: dict[str, Any], heading: str | None) -> dict[str, Any]:
    return {"title": heading, **props} if heading else props


def v1_slide(unit: Unit) -> tuple[str, dict[str, Any]]:
    """(template, props) of a v1 slide."""
    if unit.kind == "title":
        return "Title", {"title": unit.heading, **({"subtitle": unit.text} if unit.text else {})}
    if unit.kind == "section":
        return "SectionBreak", {"title": unit.heading}
    if unit.kind == "text":
        return "Text", _with_title({"text": unit.text}, unit.heading)
    assert unit.node is not None
    if unit.kind == "chart":
        props = {"chart": unit.node, **({"text": unit.text} if unit.text else {})}
        return "Chart", _with_title(props, unit.heading)
    if unit.kind == "figures":
        figures = [{"value": v, "label": label} for v, label in (_figures(unit.node) or [])[:8]]
        return "KeyFigures", _with_title({"figures": figures}, unit.heading)
    return "Content", _with_title({"children": [unit.node]}, unit.heading)


def v1_slides(plan_: Plan) -> list[Item]:
    return [
        {"id": f"s{i}", "template": template, "props": props}
        for i, (template, props) in enumerate((v1_slide(u) for u in units(plan_)), start=1)
    ]


def v1_pages(plan_: Plan) -> list[Item]:
    """Report pages: the first opens with the Header (title, subtitle) and runs to the second section."""
    header: Node = {"component": "Header", "props": {"title": plan_.title}}
    if plan_.subtitle:
        header["props"]["subtitle"] = plan_.subtitle
    pages: list[list[Node]] = [[header]]
    for index, section in enumerate(plan_.sections):
        heading = (
            [{"component": "InlineHeader", "props": {"heading": section.heading}}] if section.heading else []
        )
        if index == 0:
            pages[0].extend([*heading, *section.nodes])
        else:
            pages.append([*heading, *section.nodes])
    return [
        {"id": f"{ID_PREFIX['report']}{i}", "template": "ContentPage", "props": {"children": children}}
        for i, children in enumerate(pages, start=1)
    ]


def v1_items(plan_: Plan, kind: str) -> list[Item]:
    return v1_slides(plan_) if kind == "slides" else v1_pages(plan_)


# ---- v2


def _v2_chart(node: Node, kind: str) -> Node:
    """A v1 chart node as the v2 library's chart (same chartData shape; props the library lacks dropped)."""
    props = node["props"]
    data = {k: v for k, v in props["chartData"].items() if k in ("data", "unit")}
    out: dict[str, Any] = {"chartData": data}
    if node["component"] in CHARTS_2D:
        for key in ("xAxisLabel", "yAxisLabel"):
            if props.get(key):
                out[key] = props[key]
        if kind == "report" and node["component"] == "BarChartV2" and props.get("isHorizontal"):
            out["isHorizontal"] = True
    return {"component": node["component"], "props": out}


def _list_lines(node: Node) -> list[str]:
    if node["component"] == "List":
        return [
            f"{item['title']} — {item['subtitle']}" if item.get("subtitle") else item["title"]
            for item in node["props"]["items"]
        ]
    if node["component"] == "Table":
        head = [cell.get("children", "") for cell in node["props"]["tableHeader"]["rows"]]
        lines = []
        for row in node["props"]["tableBody"]["rows"]:
            cells = [str(c) if not isinstance(c, dict) else "" for c in row["children"]]
            rest = [f"{h}: {c}" if h else c for h, c in zip(head[1:], cells[1:], strict=False) if c]
            lines.append(
                f"{cells[0]} — {', '.join(rest)}" if rest and cells[0] else ", ".join(rest) or cells[0]
            )
        return lines
    return []


def _paragraphs(markdown: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", markdown) if p.strip()]


def _text_slide(title: str | None, markdown: str) -> Node:
    return {
        "component": "TextBody",
        "props": {"title": shorten(title or "", 36) or "—", "paragraphs": _paragraphs(markdown)},
    }


def v2_slide(unit: Unit) -> Node:
    """The slide template (a presentation library node) for a unit; within the library's limits."""
    heading = unit.heading or ""
    if unit.kind == "title":
        return {
            "component": "MinimalTitle",
            "props": {"title": heading, **({"subtitle": unit.text} if unit.text else {})},
        }
    if unit.kind == "section":
        return {"component": "SectionBreakClassic", "props": {"title": heading}}
    if unit.kind == "text":
        return _text_slide(unit.heading, unit.text or "")
    node = unit.node
    assert node is not None
    if unit.kind == "chart":
        if node["component"] in CHARTS_1D:
            return {
                "component": "PieRadialWithContext",
                "props": {"title": shorten(heading, 120) or "—", "chart": _v2_chart(node, "slides")},
            }
        props: dict[str, Any] = {"title": shorten(heading, 36) or "—", "chart": _v2_chart(node, "slides")}
        if unit.text:
            props["body"] = shorten(" ".join(unit.text.split()), 120)
            props["layout"] = "title-body-bottom"
        return {"component": "ChartWithContext", "props": props}
    if unit.kind == "figures":
        pairs = _figures(node) or []
        if 2 <= len(pairs) <= 6 and all(len(v) <= 16 and len(label) <= 48 for v, label in pairs):
            items = [{"title": v, "description": label} for v, label in pairs]
            return {
                "component": "KeyInfoWithTitle",
                "props": {"title": shorten(heading, 32) or "—", "infoItems": items},
            }
        lines = [f"{label}: {v}" for v, label in pairs]
        return {"component": "ContentClassic", "props": {"title": heading or "—", "items": lines[:16]}}
    if unit.kind == "callout":
        props = node["props"]
        return _text_slide(props.get("title") or heading, props.get("description", ""))
    lines = _list_lines(node)
    if lines:
        return {"component": "ContentClassic", "props": {"title": heading or "—", "items": lines[:16]}}
    return _text_slide(
        heading, " ".join(str(v) for v in node["props"].values() if isinstance(v, str)) or heading
    )


def _v2_table(node: Node) -> list[Node]:
    """A v1 table as report Tables of 2..5 columns (the first column repeated in each), or a List."""
    head = node["props"]["tableHeader"]["rows"]
    rows = [
        [c if isinstance(c, str | int | float) else "" for c in r["children"]]
        for r in node["props"]["tableBody"]["rows"]
    ]
    if len(head) < 2:
        items = [{"title": str(r[0])} for r in rows if r and r[0] != ""]
        return [{"component": "List", "props": {"type": "number", "items": items}}] if items else []
    out = []
    for start in range(1, len(head), 4):
        cols = [0, *range(start, min(start + 4, len(head)))]
        columns = [
            {
                "component": "Column",
                "props": {
                    "label": head[i].get("children", ""),
                    "type": "number" if head[i].get("type") == "number" else "text",
                },
            }
            for i in cols
        ]
        body = [[row[i] if i < len(row) else "" for i in cols] for row in rows]
        out.append({"component": "Table", "props": {"columns": columns, "rows": body}})
    return out


def v2_blocks(node: Node) -> list[Node]:
    """A v1 content node as report ContentPage blocks."""
    name, props = node["component"], node["props"]
    if name == "Header":
        return [
            {
                "component": "Headline",
                "props": {
                    "heading": props["title"],
                    **({"description": props["subtitle"]} if props.get("subtitle") else {}),
                    "type": "large",
                },
            }
        ]
    if name == "InlineHeader":
        return [{"component": "InlineHeader", "props": dict(props)}]
    if name == "TextContent":
        return [{"component": "TextContent", "props": {"children": props["textMarkdown"]}}]
    if name in CHARTS_2D or name == "PieChartV2":
        return [_v2_chart(node, "report")]
    if name == "List":
        items = [{k: v for k, v in item.items() if k in ("title", "subtitle")} for item in props["items"]]
        return [
            {
                "component": "List",
                "props": {"type": "number" if props.get("variant") == "number" else "icon", "items": items},
            }
        ]
    if name == "Table":
        return _v2_table(node)
    if name == "MiniCardBlock":
        pairs = _figures(node) or []
        if 2 <= len(pairs) <= 6 and all(len(v) <= 24 and len(label) <= 64 for v, label in pairs):
            return [
                {
                    "component": "KeyMetrics",
                    "props": {"items": [{"title": v, "text": label} for v, label in pairs]},
                }
            ]
        return [
            {
                "component": "List",
                "props": {"type": "icon", "items": [{"title": v, "subtitle": label} for v, label in pairs]},
            }
        ]
    if name == "CalloutV2":
        return [
            {
                "component": "TextContent",
                "props": {"children": f"**{props.get('title', '')}** {props.get('description', '')}".strip()},
            }
        ]
    return []


def v2_items(plan_: Plan, kind: str) -> list[Node]:
    """The template nodes of each slide, or the ContentPage of each report page, in order."""
    if kind == "slides":
        return [v2_slide(u) for u in units(plan_)]
    pages = []
    for page in v1_pages(plan_):
        blocks = [b for child in page["props"]["children"] for b in v2_blocks(child)]
        if blocks:
            pages.append({"component": "ContentPage", "props": {"blocks": blocks}})
    return pages
