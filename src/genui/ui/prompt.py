"""System prompt generated from the active catalog: compact signatures, guidance, examples, output rule."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from .schema import Schema

# Plain-object shapes shared by several components: shown once by name instead of inline everywhere.
_NAMED_SHAPES = ("Chart2D", "Chart1D", "Rules")

_GUIDANCE = """Guidance:
- Start with a Header for substantial answers; put prose in TextContent (markdown).
- Tables for records with several attributes; charts for numeric comparisons or trends \
(BarChartV2 categories, LineChartV2/AreaChartV2 over time, PieChartV2 shares of a whole).
- A Form when you need input from the user; Buttons with action continue_conversation send it back.
- End with a FollowUpBlock of 2-3 short next questions when useful.
- Keep it small: a few children, short labels, no invented data."""


class _Renderer:
    def __init__(self, defs: dict[str, Schema]) -> None:
        self.defs = defs

    def tag_of(self, name: str) -> str | None:
        target = self.defs.get(name, {})
        tag = target.get("properties", {}).get("component") if isinstance(target, dict) else None
        return str(tag["const"]) if isinstance(tag, dict) and "const" in tag else None

    def type(self, schema: Any, depth: int = 0) -> str:
        if not isinstance(schema, dict) or not schema:
            return "any"
        if "$ref" in schema:
            name = str(schema["$ref"]).rsplit("/", 1)[-1]
            if name in ("Node", "Action") or name in _NAMED_SHAPES:
                return name
            tag = self.tag_of(name)
            if tag is not None:
                return tag
            return self.type(self.defs.get(name, {}), depth)
        if "const" in schema:
            return json.dumps(schema["const"])
        if "enum" in schema:
            return "|".join(str(v) for v in schema["enum"])
        branches = schema.get("anyOf") or schema.get("oneOf")
        if isinstance(branches, list):
            return "|".join(self.type(b, depth) for b in branches)
        kind = schema.get("type")
        if kind == "array":
            inner = self.type(schema.get("items"), depth)
            top_level_union = "|" in inner and not inner.startswith("{")
            return f"({inner})[]" if top_level_union else f"{inner}[]"
        if kind == "object" or "properties" in schema:
            if depth > 3:
                return "object"
            return "{" + self.fields(schema, depth + 1) + "}"
        if kind == "string":
            return "markdown" if schema.get("x-kind") == "markdown" else "string"
        return {"number": "number", "integer": "int", "boolean": "bool"}.get(str(kind), "any")

    def fields(self, schema: Schema, depth: int = 0) -> str:
        required = set(schema.get("required", ()))
        parts = []
        for name, sub in (schema.get("properties") or {}).items():
            mark = "" if name in required else "?"
            rendered = self.type(sub, depth)
            parts.append(f"{name}{mark}" if rendered == "string" else f"{name}{mark}: {rendered}")
        return ", ".join(parts)

    def signature(self, def_name: str, seen: dict[str, str]) -> str:
        target = self.defs[def_name]
        tag = self.tag_of(def_name) or def_name
        props = target.get("properties", {}).get("props", {})
        if isinstance(props, dict) and "$ref" in props:
            props_ref = str(props["$ref"])
            if props_ref in seen:
                return f"{tag}(same props as {seen[props_ref]})"
            seen[props_ref] = tag
            props = self.defs.get(props_ref.rsplit("/", 1)[-1], {})
        line = f"{tag}({self.fields(props) if isinstance(props, dict) else ''})"
        description = props.get("description") if isinstance(props, dict) else None
        if isinstance(description, str) and description.strip():
            line += "  // " + " ".join(description.split())[:100]
        return line


def _node_defs_in_order(
    blocks_in: Sequence[str], custom: Sequence[str], renderer: _Renderer
) -> tuple[list[str], list[str]]:
    defs = renderer.defs
    blocks = [n for n in (*blocks_in, *custom) if n in defs]
    parts = sorted(
        name for name in defs
        if renderer.tag_of(name) is not None and name not in blocks and name != "Card"
    )  # fmt: skip
    return blocks, parts


def _example(blocks: Sequence[str]) -> str | None:
    """A short answer built only from active components (dropped pieces are simply left out)."""
    candidates: list[dict[str, Any]] = [
        {"component": "Header", "props": {"title": "Revenue by quarter"}},
        {"component": "BarChartV2", "props": {"chartData": {"data": {"labels": ["Q1", "Q2"],
            "series": [{"category": "Revenue", "values": [120, 150]}]}}}},
        {"component": "TextContent", "props": {"textMarkdown": "Revenue grew **25%**."}},
        {"component": "FollowUpBlock", "props": {"followUpText": ["Show costs"]}},
    ]  # fmt: skip
    children = [node for node in candidates if node["component"] in blocks]
    if not children:
        return None
    return json.dumps({"component": "Card", "props": {"children": children}}, separators=(",", ":"))


def build_system_prompt(internal: Schema, blocks_in: Sequence[str], custom: Sequence[str]) -> str:
    """The prompt of a catalog: its internal schema, its active stock blocks and its custom components."""
    renderer = _Renderer(internal["$defs"])
    blocks, parts = _node_defs_in_order(blocks_in, custom, renderer)
    seen: dict[str, str] = {}
    lines = [
        "You answer with a user interface. Reply with ONE JSON object "
        '{"component":"Card","props":{"children":[...]}} and nothing else: no prose, no code fences.',
        'Every node is {"component":"Name","props":{...}}. Only the components below exist. Notation: "?" = '
        "optional prop, a bare prop name = string, a|b = one of these strings, Node = any block.",
        "",
        "Blocks (children of Card):",
        *(renderer.signature(name, seen) for name in blocks),
        "",
        "Parts (only inside the blocks that name them):",
        *(renderer.signature(name, seen) for name in parts),
    ]
    shapes = [name for name in _NAMED_SHAPES if name in internal["$defs"]]
    if shapes:
        lines += ["", "Shapes:"]
        lines += [f"{name} = {renderer.type(internal['$defs'][name], 1)}" for name in shapes]
    action_defs = internal["$defs"].get("Action", {}).get("anyOf", [])
    if action_defs:
        rendered = [
            renderer.type(renderer.defs.get(str(a["$ref"]).rsplit("/", 1)[-1], {}), 1) for a in action_defs
        ]
        lines += ["Action = " + " | ".join(rendered)]
    lines += ["", _GUIDANCE]
    example = _example(blocks_in)
    if example is not None:
        lines += ["", "Example:", example]
    return "\n".join(lines) + "\n"
