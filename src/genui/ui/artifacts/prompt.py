"""System prompts for a model writing or editing an artifact (the offline path needs none)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from .base import Base
from .v1 import SLIDE_TEMPLATES
from .v2 import ITEM_COMPONENTS, VIEWER_ROOTS, viewer_library

NOUN = {"slides": "slide deck", "report": "report"}
GROUNDING = (
    "Use only facts, names and numbers from the conversation; never invent data. Write in the language of "
    "the request."
)
V1_CONTENT = (
    'Content nodes are C1 v1 components: {"component": Name, "props": {...}} with Name one of '
    "TextContent{textMarkdown}, InlineHeader{heading, description?}, List{variant: icon|number, "
    "items: [{title, subtitle?}]}, Table{tableHeader: {rows: [{children: label, type: string|number}]}, "
    "tableBody: {rows: [{children: [cell, ...]}]}}, BarChartV2|LineChartV2|AreaChartV2{chartData: {data: "
    "{labels: [...], series: [{category, values: [numbers]}]}}, xAxisLabel?, yAxisLabel?}, "
    "PieChartV2{variant: pie|donut, chartData: {data: [{category, value}]}}, "
    "CalloutV2{variant: info|success|warning|danger|neutral, title, description}."
)


def _v1_templates() -> str:
    kinds = {
        "text": "string", "markdown": "markdown string", "nodes": "[content nodes]", "chart": "chart node",
        "figures": "[{value, label}]", "image": "{src?, alt}",
    }  # fmt: skip
    lines = []
    for name, props in SLIDE_TEMPLATES.items():
        fields = ", ".join(
            f"{spec.rstrip('*')}{'' if spec.endswith('*') else '?'}: {kinds[kind]}"
            for spec, kind in props.items()
        )
        lines.append(f"- {name}: {{{fields}}}")
    return "\n".join(lines)


def _limits(
    schema: Mapping[str, Any], path: str, out: list[str], defs: Mapping[str, Any], depth: int = 0
) -> None:
    if depth > 4:
        return
    bits = [f"{key} {schema[key]}" for key in ("maxLength", "minItems", "maxItems") if key in schema]
    if bits:
        out.append(f"{path}: {', '.join(bits)}")
    for key, sub in (schema.get("properties") or {}).items():
        _limits(sub, f"{path}.{key}", out, defs, depth + 1)
    if isinstance(schema.get("items"), Mapping):
        _limits(schema["items"], f"{path}[]", out, defs, depth + 1)


def _v2_signatures(kind: str) -> str:
    library = viewer_library(kind)
    defs = library.schema["$defs"]
    lines = []
    for name, component in library.components.items():
        limits: list[str] = []
        _limits(defs[name], name, limits, defs)
        note = f"  (limits: {'; '.join(limits)})" if limits else ""
        lines.append(f"- {component.signature or component.typed_signature()}{note}")
    return "\n".join(lines)


def generation_prompt(kind: str, fmt: str) -> str:
    noun = NOUN[kind]
    if fmt == "v1":
        item = "slide" if kind == "slides" else "page"
        templates = _v1_templates() if kind == "slides" else "- ContentPage: {children: [content nodes]}"
        return (
            f"You write a {noun} as JSON Lines, nothing else (no prose, no code fences).\n"
            f'Line 1: {{"title": "...", "subtitle": "..."}}. Then one {item} per line: '
            f'{{"template": Name, "props": {{...}}}}, in reading order.\n'
            f"Templates:\n{templates}\n{V1_CONTENT}\n{GROUNDING}"
        )
    root, item = VIEWER_ROOTS[kind], ITEM_COMPONENTS[kind]
    prefix = "s" if kind == "slides" else "p"
    return (
        f"You write a {noun} in OpenUI Lang, nothing else (no prose, no code fences). One statement per "
        "line: `name = Component(positional args)`; strings in double quotes; objects `{key: value}`; "
        "optional trailing args may be left out, `null` skips one.\n"
        f'First line: root = {root}("Title", "Subtitle", [{prefix}1, {prefix}2, ...]).\n'
        f"Then one line per {item.lower()}, in order, with the template written inline: "
        f'{prefix}1 = {item}("{prefix}1", Template(...)).\n'
        f"Respect the limits (text longer than maxLength is cut; lists need minItems..maxItems).\n"
        f"Components:\n{_v2_signatures(kind)}\n{GROUNDING}"
    )


def edit_prompt(kind: str, base: Base) -> str:
    noun = NOUN[kind]
    if base.format == "v1":
        assert base.tree is not None
        templates = _v1_templates() if kind == "slides" else "- ContentPage: {children: [content nodes]}"
        return (
            f"You edit a {noun}. The current artifact (JSON):\n{json.dumps(base.tree, ensure_ascii=False)}\n"
            "Answer with JSON Lines, one operation per line, nothing else: "
            '{"op": "replace", "id": ID, "value": {"id": ID, "template": ..., "props": {...}}}, '
            '{"op": "append", "value": {...}, "before_id": ID?}, {"op": "remove", "id": ID}. '
            "Keep the ids of the items you keep; new items take new ids. Keep everything the user did not "
            f"ask to change.\nTemplates:\n{templates}\n{V1_CONTENT}\n{GROUNDING}"
        )
    return (
        f"You edit a {noun} written in OpenUI Lang. The current program:\n{base.program}\n"
        "Answer in patch mode: only the new or changed statements, one per line, nothing else. Keep the "
        "existing statement names; never repeat unchanged statements; to delete an item, re-declare its "
        "parent (root) without it; to add one, write it and re-declare root with it.\n"
        f"Components:\n{_v2_signatures(kind)}\n{GROUNDING}"
    )
