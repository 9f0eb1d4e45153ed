"""Reports and slides as frames of v1 content nodes: one drawing path for v1 trees and v2 programs.

A frame is one slide or report page: a layout (title, section, hero, content), a title, a subtitle and v1
content nodes (repaired by the catalog before drawing, so every URL and text passes the one policy).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from genui.ui.artifacts.program import Deck
from genui.ui.artifacts.v1 import items_of, subtitle_of, title_of
from genui.ui.registry import Catalog

Node = dict[str, Any]
Drawers = dict[str, Callable[[], list[Node | None]]]


def _nothing() -> list[Node | None]:
    return []


@dataclass
class Frame:
    id: str
    layout: str  # title | section | hero | content
    title: str = ""
    subtitle: str = ""
    nodes: list[Node] = field(default_factory=list)


@dataclass
class ArtifactDoc:
    kind: str  # slides | report
    id: str
    title: str
    subtitle: str
    frames: list[Frame]
    version: str = ""
    error: str = ""  # a diff the renderer could not apply: "8" or "9"


def _n(component: str, **props: Any) -> Node:
    return {"component": component, "props": {k: v for k, v in props.items() if v not in (None, "", [])}}


def _text(markdown: object) -> Node | None:
    return (
        _n("TextContent", textMarkdown=markdown) if isinstance(markdown, str) and markdown.strip() else None
    )


def _tiles(pairs: Iterable[tuple[object, object]]) -> Node | None:
    cards = [
        _n("MiniCard", lhs=_n("DataTile", amount=str(a), description=str(d)))
        for a, d in pairs
        if a not in (None, "") and d not in (None, "")
    ]
    return _n("MiniCardBlock", children=cards) if cards else None


def _items(
    rows: Iterable[dict[str, Any]], title: str, subtitle: str = "", image: str = ""
) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        if not isinstance(row, dict) or not row.get(title):
            continue
        item: dict[str, Any] = {"title": str(row[title])}
        if subtitle and row.get(subtitle):
            item["subtitle"] = str(row[subtitle])
        if image and row.get(image):
            item["image"] = {"src": row[image], "alt": str(row[title])}
        out.append(item)
    return out


def _list(items: list[dict[str, Any]], variant: str = "icon") -> Node | None:
    if any("image" in i for i in items):
        variant = "image"
    return _n("List", variant=variant, items=items) if items else None


def _images(sources: object) -> Node | None:
    srcs = [s for s in sources if isinstance(s, str)] if isinstance(sources, list) else []
    return _n("ImageGallery", imagesAlt=["" for _ in srcs], imagesSrc=srcs) if srcs else None


def v1_chart(node: object) -> Node | None:
    """A v2 chart node as the v1 chart of the same name (the chartData shapes are the same)."""
    if not isinstance(node, dict) or not isinstance(node.get("props"), dict):
        return None
    name, props = node.get("component"), dict(node["props"])
    if name == "PieChartV2":
        props.setdefault("variant", "pie")
    if name in ("BarChartV2", "LineChartV2", "AreaChartV2", "PieChartV2", "RadialChartV2"):
        return {"component": name, "props": props}
    return None


def _clean(nodes: Iterable[Node | None]) -> list[Node]:
    catalog = Catalog.default()
    out: list[Node] = []
    for node in nodes:
        if node is not None:
            out.extend(catalog.repair_nodes(node))
    return out


# ---- v1 trees


def _v1_slide(item: dict[str, Any]) -> Frame:
    template, props = item.get("template"), item.get("props") or {}
    title, frame_id = str(props.get("title") or ""), str(item.get("id"))
    if template == "Title":
        return Frame(frame_id, "title", title, str(props.get("subtitle") or ""))
    if template == "SectionBreak":
        return Frame(frame_id, "section", title, str(props.get("subtitle") or ""))
    image = props.get("image") if isinstance(props.get("image"), dict) else None
    image_node = _n("Image", alt=image.get("alt", ""), src=image.get("src")) if image else None
    drawers: Drawers = {
        "Content": lambda: list(props.get("children") or []),
        "Text": lambda: [_text(props.get("text"))],
        "KeyFigures": lambda: [_tiles((f.get("value"), f.get("label")) for f in props.get("figures") or [])],
        "Chart": lambda: [props.get("chart"), _text(props.get("text"))],
        "ImageWithText": lambda: [image_node, _text(props.get("text"))],
        "Image": lambda: [image_node, _text(props.get("caption"))],
    }
    nodes = drawers.get(str(template), _nothing)()
    return Frame(frame_id, "content", title, "", _clean(nodes))


def v1_doc(tree: dict[str, Any], kind: str, artifact_id: str, version: str = "") -> ArtifactDoc:
    frames = []
    for item in items_of(tree):
        if not isinstance(item, dict):
            continue
        if kind == "slides":
            frames.append(_v1_slide(item))
        else:
            children = (item.get("props") or {}).get("children") or []
            frames.append(Frame(str(item.get("id")), "content", nodes=_clean(children)))
    return ArtifactDoc(kind, artifact_id, title_of(tree), subtitle_of(tree) or "", frames, version)


# ---- v2 programs


def _v2_block(block: Node) -> list[Node | None]:
    name, p = block.get("component"), block.get("props") or {}
    chart = v1_chart(block)
    if chart is not None:
        return [chart]
    table: Drawers = {
        "InlineHeader": lambda: [
            _n("InlineHeader", heading=p.get("heading"), description=p.get("description"))
        ],
        "TextContent": lambda: [_text(p.get("children"))],
        "Headline": lambda: [_n("Header", title=p.get("heading"), subtitle=p.get("description"))],
        "HeadlineStatement": lambda: [_n("Header", title=p.get("title"), subtitle=p.get("description"))],
        "KeyMetrics": lambda: [_tiles((i.get("title"), i.get("text")) for i in p.get("items") or [])],
        "KeyStatement": lambda: [_text(f"**{p.get('text', '')}**")],
        "HeroMetric": lambda: [_tiles([(p.get("title"), p.get("description"))])],
        "NumberedKeyPoint": lambda: [_list(_items(p.get("items") or [], "title", "body"), "number")],
        "VisualCards": lambda: [_list(_items(p.get("items") or [], "title", "body", "imageSrc"))],
        "List": lambda: [
            _n(
                "List",
                variant=p.get("type") or "number",
                heading=p.get("heading"),
                description=p.get("description"),
                items=_items(p.get("items") or [], "title", "subtitle", "imageSrc"),
            )
        ],
        "SummaryGrid": lambda: [_tiles((i.get("number", ""), i.get("label")) for i in p.get("items") or [])],
        "FeatureHighlight": lambda: [_list(_items(p.get("items") or [], "primaryText", "subtitle"))],
        "Image": lambda: [_n("Image", alt=p.get("alt") or "", src=p.get("src"))],
        "TagBlock": lambda: [_n("TagBlock", children=p.get("children"))],
        "MiniCardBlock": lambda: [_n("MiniCardBlock", children=p.get("children"))],
        "Table": lambda: [_v1_table(p)],
    }
    return table.get(str(name), _nothing)()


def _v1_table(p: dict[str, Any]) -> Node | None:
    columns = [c.get("props", {}) if isinstance(c, dict) else {} for c in p.get("columns") or []]
    head = [
        {"children": str(c.get("label") or ""), "type": "number" if c.get("type") == "number" else "string"}
        for c in columns
    ]
    rows = [
        {"children": [cell if isinstance(cell, dict) else str(cell) for cell in row]}
        for row in p.get("rows") or []
        if isinstance(row, list)
    ]
    return _n("Table", tableHeader={"rows": head}, tableBody={"rows": rows}) if head and rows else None


def _v2_slide(frame_id: str, content: Node) -> Frame:
    name, p = str(content.get("component")), content.get("props") or {}
    title = str(p.get("title") or "")
    if name.endswith("Title"):
        return Frame(frame_id, "title", title, str(p.get("subtitle") or p.get("helperText") or ""))
    if name.startswith("SectionBreak"):
        return Frame(frame_id, "section", title, str(p.get("body") or ""))
    if name == "HeroMetric":
        return Frame(frame_id, "hero", str(p.get("metric") or ""), str(p.get("caption") or ""))
    if name == "HeadlineStatement":
        return Frame(frame_id, "section", str(p.get("headline") or ""), str(p.get("eyebrow") or ""))
    strings = [s for s in p.get("items") or [] if isinstance(s, str)]
    charts = {"chart": v1_chart(p.get("chart"))}
    drawers: Drawers = {
        "ContentClassic": lambda: [_list([{"title": s} for s in strings])],
        "ContentExpressive": lambda: [_list([{"title": s} for s in strings])],
        "InsightGrid": lambda: [_list(_items(p.get("tiles") or [], "primaryText", "secondaryText"))],
        "FeatureHighlights": lambda: [_list(_items(p.get("tiles") or [], "primaryText", "secondaryText"))],
        "KeyInfo": lambda: [_tiles((i.get("title"), i.get("description")) for i in p.get("infoItems") or [])],
        "KeyInfoWithTitle": lambda: [
            _tiles((i.get("title"), i.get("description")) for i in p.get("infoItems") or [])
        ],
        "NumberedKeyPoint": lambda: [_list(_items(p.get("items") or [], "title", "body"), "number")],
        "VisualCards": lambda: [_list(_items(p.get("cards") or [], "title", "body", "imageSrc"))],
        "ContentWithImage": lambda: [_images(p.get("images")), _text(p.get("body"))],
        "MetricsWithImage": lambda: [
            _tiles((m.get("metric"), m.get("description")) for m in p.get("metrics") or []),
            _images(p.get("images")),
        ],
        "PersonnelShowcase": lambda: [_list(_items(p.get("cards") or [], "name", "title", "imageSrc"))],
        "ListWithImage": lambda: [
            _list(_items(p.get("items") or [], "primaryText", "body")),
            _images(p.get("images")),
        ],
        "Images": lambda: [_images(p.get("images"))],
        "TextBody": lambda: [_text("\n\n".join(s for s in p.get("paragraphs") or [] if isinstance(s, str)))],
        "PullQuote": lambda: [
            _text(f"> {p.get('quote', '')}" + (f"\n>\n> — {p['author']}" if p.get("author") else ""))
        ],
        "ChartWithContext": lambda: [charts["chart"], _text(p.get("body"))],
        "ChartWithMetrics": lambda: [
            _tiles((m.get("metric"), m.get("description")) for m in p.get("metrics") or []),
            charts["chart"],
        ],
        "DualChartsWithContext": lambda: [
            n
            for c in p.get("cards") or []
            if isinstance(c, dict)
            for n in (
                _n("InlineHeader", heading=c.get("title"), description=c.get("body")),
                v1_chart(c.get("chart")),
            )
        ],
        "PieRadialWithContext": lambda: [charts["chart"]],
    }
    nodes = drawers.get(name, _nothing)()
    return Frame(frame_id, "content", title, "", _clean(nodes))


def _v2_page(frame_id: str, content: Node, toc: list[str]) -> Frame:
    name, p = str(content.get("component")), content.get("props") or {}
    if name.endswith("FrontPage"):
        body = (
            (p.get("content") or {}).get("props", {}).get("children")
            if isinstance(p.get("content"), dict)
            else None
        )
        return Frame(
            frame_id, "title", str(p.get("title") or ""), str(p.get("subtitle") or ""), _clean([_text(body)])
        )
    if name == "TableOfContentsPage":
        title = str(p.get("title") or "")
        return Frame(
            frame_id,
            "content",
            title,
            str(p.get("subtitle") or ""),
            _clean([_list([{"title": t} for t in toc], "number")]),
        )
    blocks = [n for block in p.get("blocks") or [] if isinstance(block, dict) for n in _v2_block(block)]
    return Frame(frame_id, "content", nodes=_clean(blocks))


def _page_heading(content: Node) -> str:
    for block in (content.get("props") or {}).get("blocks") or []:
        props = block.get("props") or {}
        heading = props.get("heading") or props.get("title")
        if isinstance(heading, str) and heading:
            return heading
    return ""


def v2_doc(deck: Deck, artifact_id: str = "") -> ArtifactDoc:
    toc = [h for _, content in deck.items if (h := _page_heading(content))]
    frames = [
        _v2_slide(i, content) if deck.kind == "slides" else _v2_page(i, content, toc)
        for i, content in deck.items
    ]
    return ArtifactDoc(deck.kind, artifact_id, deck.title, deck.subtitle or "", frames)
