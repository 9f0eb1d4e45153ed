"""The v1 artifact tree (genui's declaration; docs/artifacts.md): a Report or Presentation root in the
`{component, error}` envelope, whose pages/slides carry ids (the addresses `<artifact_diff>` uses).

    {"component": "Report", "props": {"metadata": {"title": {"text": T}}, "pages": [
        {"id": "p1", "template": "ContentPage", "props": {"children": [v1 content nodes]}}]}}
    {"component": "Presentation", "props": {"metadata": {"title": {"text": T}}, "slides": [
        {"id": "s1", "template": "Title", "props": {"title": T, "subtitle": S}}, ...]}}

Content nodes are the v1 chat catalog's Card children, validated and repaired by `Catalog.repair_node`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any, Literal

from ..registry import Catalog
from ..sanitize import safe_image_url, sanitize_markdown, sanitize_text

ArtifactType = Literal["slides", "report"]
Item = dict[str, Any]
ROOTS: dict[str, str] = {"slides": "Presentation", "report": "Report"}
ITEMS_KEY: dict[str, str] = {"slides": "slides", "report": "pages"}
ID_PREFIX: dict[str, str] = {"slides": "s", "report": "p"}
ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}\Z")
MAX_ITEMS = 60  # pages or slides in one artifact
MAX_TITLE = 200
MAX_FIGURES = 8
CHARTS = (
    "BarChartV2", "LineChartV2", "AreaChartV2", "PieChartV2", "RadialChartV2", "RadarChartV2",
    "SingleStackedBarChart", "ScatterChart",
)  # fmt: skip
# Slide templates: prop -> kind ("text": plain string, "markdown", "nodes": content nodes, "chart": one chart
# node, "figures": [{value, label}], "image": {src?, alt}); required props end in "*".
SLIDE_TEMPLATES: dict[str, dict[str, str]] = {
    "Title": {"title*": "text", "subtitle": "text"},
    "SectionBreak": {"title*": "text", "subtitle": "text"},
    "Content": {"title": "text", "children*": "nodes"},
    "Text": {"title": "text", "text*": "markdown"},
    "KeyFigures": {"title": "text", "figures*": "figures"},
    "Chart": {"title": "text", "chart*": "chart", "text": "markdown"},
    "ImageWithText": {"title": "text", "text*": "markdown", "image*": "image"},
    "Image": {"image*": "image", "caption": "text"},
}
PAGE_TEMPLATES: dict[str, dict[str, str]] = {"ContentPage": {"children*": "nodes"}}


def templates(kind: str) -> dict[str, dict[str, str]]:
    return SLIDE_TEMPLATES if kind == "slides" else PAGE_TEMPLATES


def root(kind: str, title: str, items: list[Item], subtitle: str | None = None) -> dict[str, Any]:
    """The artifact root node."""
    metadata: dict[str, Any] = {"title": {"text": title}}
    if subtitle:
        metadata["subtitle"] = {"text": subtitle}
    return {"component": ROOTS[kind], "props": {"metadata": metadata, ITEMS_KEY[kind]: items}}


def envelope(node: dict[str, Any], error: str | None = None) -> dict[str, Any]:
    return {"component": node, "error": error}


def kind_of(node: object) -> str | None:
    """ "slides" or "report" for an artifact root node (or its envelope), else None."""
    if isinstance(node, dict) and isinstance(node.get("component"), dict):
        node = node["component"]
    if not isinstance(node, dict):
        return None
    for kind, name in ROOTS.items():
        if node.get("component") == name:
            return kind
    return None


def root_of(value: object) -> dict[str, Any] | None:
    """The root node of an envelope or a bare root node."""
    if isinstance(value, dict) and isinstance(value.get("component"), dict):
        value = value["component"]
    return value if kind_of(value) is not None and isinstance(value, dict) else None


def items_of(node: dict[str, Any]) -> list[Item]:
    kind = kind_of(node)
    props = node.get("props")
    found = props.get(ITEMS_KEY[kind]) if kind and isinstance(props, dict) else None
    return found if isinstance(found, list) else []


def title_of(node: dict[str, Any]) -> str:
    props = node.get("props")
    meta = props.get("metadata") if isinstance(props, dict) else None
    title = meta.get("title") if isinstance(meta, dict) else None
    text = title.get("text") if isinstance(title, dict) else title
    return text if isinstance(text, str) else ""


def subtitle_of(node: dict[str, Any]) -> str | None:
    props = node.get("props")
    meta = props.get("metadata") if isinstance(props, dict) else None
    sub = meta.get("subtitle") if isinstance(meta, dict) else None
    text = sub.get("text") if isinstance(sub, dict) else sub
    return text if isinstance(text, str) and text else None


# ---- repair: one page/slide at a time (a stream appends them one by one)


def _text(value: object, limit: int = MAX_TITLE) -> str | None:
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        return None
    text = " ".join(sanitize_text(str(value)).split())[:limit]
    return text or None


def _markdown(value: object, catalog: Catalog) -> str | None:
    if not isinstance(value, str):
        return None
    text = sanitize_markdown(value)[: catalog.limits.max_string].strip("\n")
    return text if text.strip() else None


def _nodes(value: object, catalog: Catalog, repairs: list[str]) -> list[dict[str, Any]] | None:
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list):
        return None
    out: list[dict[str, Any]] = []
    for child in value[: catalog.limits.max_children]:
        out.extend(catalog.repair_nodes(child, repairs))
    return out or None


def _chart(value: object, catalog: Catalog, repairs: list[str]) -> dict[str, Any] | None:
    if not (isinstance(value, dict) and value.get("component") in CHARTS):
        return None
    return catalog.repair_node(value, repairs)


def _figures(value: object) -> list[dict[str, str]] | None:
    if not isinstance(value, list):
        return None
    out = []
    for item in value[:MAX_FIGURES]:
        if isinstance(item, dict):
            figure, label = _text(item.get("value"), 40), _text(item.get("label"), 120)
            if figure and label:
                out.append({"value": figure, "label": label})
    return out or None


def _image(value: object) -> dict[str, str] | None:
    if not isinstance(value, dict):
        return None
    alt = _text(value.get("alt")) or ""
    src = safe_image_url(value.get("src")) if isinstance(value.get("src"), str) else None
    if not alt and not src:
        return None
    return {"alt": alt, "src": src} if src else {"alt": alt}


def _prop(kind: str, value: object, catalog: Catalog, repairs: list[str]) -> Any:
    readers: dict[str, Callable[[], Any]] = {
        "text": lambda: _text(value),
        "markdown": lambda: _markdown(value, catalog),
        "nodes": lambda: _nodes(value, catalog, repairs),
        "chart": lambda: _chart(value, catalog, repairs),
        "figures": lambda: _figures(value),
        "image": lambda: _image(value),
    }
    return readers[kind]()


def repair_item(
    kind: str, item: object, *, catalog: Catalog | None = None, repairs: list[str] | None = None
) -> Item | None:
    """A valid page/slide from `item` (unknown props dropped, text sanitized, content nodes repaired), or None
    when it cannot be one (no usable id, unknown template, a required prop missing)."""
    catalog = catalog or Catalog.default()
    notes = repairs if repairs is not None else []
    if not isinstance(item, dict):
        return None
    item_id, template = item.get("id"), item.get("template")
    known = templates(kind)
    if not (isinstance(item_id, str) and ID.match(item_id)) or template not in known:
        notes.append(f"artifact item dropped: id {str(item_id)[:20]!r}, template {str(template)[:20]!r}")
        return None
    given = item.get("props")
    raw: dict[str, Any] = given if isinstance(given, dict) else {}
    props: dict[str, Any] = {}
    for spec, prop_kind in known[template].items():
        name = spec.rstrip("*")
        value = _prop(prop_kind, raw.get(name), catalog, notes) if name in raw else None
        if value is not None:
            props[name] = value
        elif spec.endswith("*"):
            notes.append(f"artifact item {item_id} dropped: {template}.{name} missing or invalid")
            return None
    return {"id": item_id, "template": template, "props": props}


def repair_artifact(value: object, kind: str, *, catalog: Catalog | None = None) -> dict[str, Any] | None:
    """The valid artifact root within `value` (envelope or root), items repaired, duplicates ids dropped."""
    node = root_of(value)
    if node is None or kind_of(node) != kind:
        return None
    seen: set[str] = set()
    items = []
    for raw in items_of(node)[:MAX_ITEMS]:
        item = repair_item(kind, raw, catalog=catalog)
        if item is not None and item["id"] not in seen:
            seen.add(item["id"])
            items.append(item)
    return root(kind, _text(title_of(node)) or "", items, _text(subtitle_of(node)))


# ---- what a client shows: the whole tree must be valid


def is_valid_item(kind: str, item: object) -> bool:
    return isinstance(item, dict) and repair_item(kind, item) == item


def is_valid_artifact(value: object) -> bool:
    """True when `value` (envelope or root) is exactly a valid artifact tree (repair changes nothing)."""
    node = root_of(value)
    kind = kind_of(node)
    return node is not None and kind is not None and repair_artifact(node, kind) == node


# ---- a JSON Schema of the tree, for independent checkers (tests validate prefixes with jsonschema)


@cache
def json_schema(kind: str) -> dict[str, Any]:
    """JSON Schema (2020-12) of the envelope of a `kind` artifact; content nodes use the v1 catalog's own
    validation schema definitions."""
    card = Catalog.default().validation_schema()
    defs = dict(card.get("$defs", {}))
    node_schema = card["$defs"]["CardProps"]["properties"]["children"]["items"]
    kinds = {
        "text": {"type": "string", "minLength": 1},
        "markdown": {"type": "string", "minLength": 1},
        "nodes": {"type": "array", "minItems": 1, "items": node_schema},
        "chart": node_schema,
        "figures": {
            "type": "array", "minItems": 1, "maxItems": MAX_FIGURES,
            "items": {"type": "object", "required": ["value", "label"], "additionalProperties": False,
                      "properties": {"value": {"type": "string"}, "label": {"type": "string"}}},
        },
        "image": {"type": "object", "required": ["alt"], "additionalProperties": False,
                  "properties": {"alt": {"type": "string"}, "src": {"type": "string"}}},
    }  # fmt: skip
    variants = []
    for template, props in templates(kind).items():
        properties = {spec.rstrip("*"): kinds[prop_kind] for spec, prop_kind in props.items()}
        required = [spec.rstrip("*") for spec in props if spec.endswith("*")]
        variants.append({
            "type": "object", "required": ["id", "template", "props"], "additionalProperties": False,
            "properties": {
                "id": {"type": "string", "pattern": "^" + ID.pattern.removesuffix(r"\Z") + "$"},
                "template": {"const": template},
                "props": {"type": "object", "properties": properties, "required": required,
                          "additionalProperties": False},
            },
        })  # fmt: skip
    text_obj = {"type": "object", "required": ["text"], "properties": {"text": {"type": "string"}}}
    root_schema = {
        "type": "object", "required": ["component", "props"], "additionalProperties": False,
        "properties": {
            "component": {"const": ROOTS[kind]},
            "props": {
                "type": "object", "required": ["metadata", ITEMS_KEY[kind]], "additionalProperties": False,
                "properties": {
                    "metadata": {"type": "object", "required": ["title"],
                                 "properties": {"title": text_obj, "subtitle": text_obj}},
                    ITEMS_KEY[kind]: {"type": "array", "maxItems": MAX_ITEMS, "items": {"anyOf": variants}},
                },
            },
        },
    }  # fmt: skip
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "required": ["component"],  # `error` comes at the end of a stream
        "additionalProperties": False,
        "properties": {"component": root_schema, "error": {"type": ["string", "null"]}},
        "$defs": defs,
    }
