"""v2 artifacts: OpenUI Lang programs rooted at `SlideShow` / `ReportView` (artifacts-and-visualize.md §2.5).

The viewers of @openuidev/thesys render with internal libraries built from the exported ones: the exported
root (`Presentation` / `Report`) is replaced by `SlideShow(title, subtitle?, slides)` / `ReportView(title,
subtitle?, pages)` (lists of at least one). `viewer_library(kind)` builds the same from the
bundled libraries. Their `maxLength`/`minItems`/`maxItems` are enforced by `fit` (lang-core's validator
checks neither), and each page/slide is written as ONE statement with its template inline, so a program
grows a whole slide a line.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping
from functools import cache
from typing import Any

from ..openui import Library, load_library, presentation_library, report_library
from ..openui.library import ref_name
from ..openui.writer import _Writer, string_literal

VIEWER_ROOTS: dict[str, str] = {"slides": "SlideShow", "report": "ReportView"}
EXPORTED_ROOTS: dict[str, str] = {"slides": "Presentation", "report": "Report"}
ITEM_COMPONENTS: dict[str, str] = {"slides": "Slide", "report": "Page"}
LIST_PROPS: dict[str, str] = {"slides": "slides", "report": "pages"}
ROOT_LINE = re.compile(r"^\s*root\s*=\s*(SlideShow|ReportView)\s*\(", re.MULTILINE)
TITLE_LINE = re.compile(r'^root\s*=\s*(?:SlideShow|ReportView)\s*\(\s*"((?:[^"\\]|\\.)*)"', re.MULTILINE)
ELLIPSIS = "…"


@cache
def viewer_library(kind: str) -> Library:
    """The library the viewer renders `kind` ("slides" | "report") with: root SlideShow / ReportView."""
    exported = presentation_library() if kind == "slides" else report_library()
    defs = copy.deepcopy(dict(exported.schema["$defs"]))
    defs.pop(EXPORTED_ROOTS[kind])
    root, items, item = VIEWER_ROOTS[kind], LIST_PROPS[kind], ITEM_COMPONENTS[kind]
    root_def = {
        "type": "object",
        "properties": {
            "title": {"type": "string"},
            "subtitle": {"type": "string"},
            items: {"minItems": 1, "type": "array", "items": {"$ref": f"#/$defs/{item}"}},
        },
        "required": ["title", items],
        "additionalProperties": False,
    }
    components = {
        root: {
            "signature": f"{root}(title: string, subtitle?: string, {items}: {item}[])",
            "description": "",
        },
        **{
            name: {"signature": c.signature or c.typed_signature(), "description": c.description or ""}
            for name, c in exported.components.items()
            if name != EXPORTED_ROOTS[kind]
        },
    }
    document = {"root": root, "components": components, "schema": {"$defs": {root: root_def, **defs}}}
    return load_library(document)


def kind_of_program(text: str) -> str | None:
    """The kind ("slides", "report") of a v2 artifact program: it has a `root = SlideShow(` or
    `root = ReportView(` line."""
    match = ROOT_LINE.search(text)
    if match is None:
        return None
    return "slides" if match.group(1) == "SlideShow" else "report"


def program_title(text: str) -> str | None:
    """The title literal of the first root line, as the viewers read it."""
    match = TITLE_LINE.search(text)
    if match is None:
        return None
    try:
        value = json.loads(f'"{match.group(1)}"')
    except ValueError:
        return None
    return value if isinstance(value, str) else None


# ---- limits: maxLength, minItems, maxItems of the library schemas


def shorten(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, on a word boundary when one is near, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: max(0, limit - 1)]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-–—") + ELLIPSIS


_DROP: Any = object()


class _Fitter:
    def __init__(self, library: Library) -> None:
        self.library = library
        self.defs: Mapping[str, Any] = library.schema.get("$defs", {})
        self.changes: list[str] = []

    def node(self, value: Mapping[str, Any]) -> Any:
        name = value.get("component")
        component = self.library.components.get(name) if isinstance(name, str) else None
        props = value.get("props")
        if component is None or not isinstance(props, Mapping):
            return _DROP
        out: dict[str, Any] = {}
        for param in component.params:
            item = props.get(param.name)
            fitted = _DROP if item is None else self.value(item, param.schema)
            if fitted is _DROP:
                if param.required and not param.has_default:
                    self.changes.append(f"{name}.{param.name} missing or out of limits")
                    return _DROP
                continue
            out[param.name] = fitted
        return {"component": name, "props": out}

    def value(self, value: Any, schema: Mapping[str, Any]) -> Any:
        target = ref_name(schema)
        if target is not None:
            if target in self.library.components:
                return self.node(value) if _is_node(value) and value["component"] == target else _DROP
            return self.value(value, self.defs.get(target, {}))
        options = schema.get("anyOf", schema.get("oneOf"))
        if isinstance(options, list):
            for option in options:
                if isinstance(option, Mapping):
                    fitted = self.value(value, option)
                    if fitted is not _DROP:
                        return fitted
            return _DROP
        kind = schema.get("type")
        if _is_node(value):
            return _DROP  # a component where data is expected
        if kind == "string" or (isinstance(value, str) and kind is None):
            return self.string(value, schema)
        if kind == "array":
            return self.array(value, schema)
        if kind == "object":
            return self.object(value, schema)
        if kind in ("number", "integer"):
            return value if isinstance(value, int | float) and not isinstance(value, bool) else _DROP
        if kind == "boolean":
            return value if isinstance(value, bool) else _DROP
        if "enum" in schema:
            return value if value in schema["enum"] else _DROP
        return value

    def string(self, value: Any, schema: Mapping[str, Any]) -> Any:
        if not isinstance(value, str):
            return _DROP
        if "enum" in schema and value not in schema["enum"]:
            return _DROP
        limit = schema.get("maxLength")
        if isinstance(limit, int) and len(value) > limit:
            self.changes.append(f"text cut to {limit} characters")
            return shorten(value, limit)
        return value

    def array(self, value: Any, schema: Mapping[str, Any]) -> Any:
        if not isinstance(value, list):
            return _DROP
        items_schema = schema.get("items", {})
        out = [v for v in (self.value(item, items_schema) for item in value) if v is not _DROP]
        most = schema.get("maxItems")
        if isinstance(most, int) and len(out) > most:
            self.changes.append(f"list cut to {most} items")
            out = out[:most]
        least = schema.get("minItems")
        if isinstance(least, int) and len(out) < least:
            return _DROP
        return out

    def object(self, value: Any, schema: Mapping[str, Any]) -> Any:
        if not isinstance(value, Mapping):
            return _DROP
        properties = schema.get("properties", {})
        out: dict[str, Any] = {}
        for key, item in value.items():
            if key not in properties or item is None:
                continue
            fitted = self.value(item, properties[key])
            if fitted is not _DROP:
                out[key] = fitted
        if any(key not in out for key in schema.get("required", ())):
            return _DROP
        return out


def _is_node(value: Any) -> bool:
    return isinstance(value, Mapping) and isinstance(value.get("component"), str) and "props" in value


def fit(node: Mapping[str, Any], library: Library, changes: list[str] | None = None) -> dict[str, Any] | None:
    """`node` (a component of `library`) within the library's limits: long strings shortened, extra list items
    cut, invalid optional values dropped; None when a required value cannot be kept (too few items, ...)."""
    fitter = _Fitter(library)
    result = fitter.node(node)
    if changes is not None:
        changes.extend(fitter.changes)
    return None if result is _DROP else result


def fits(node: Mapping[str, Any], library: Library) -> bool:
    """True when `fit` would change nothing."""
    return bool(fit(node, library) == plain(node))


def plain(value: Any) -> Any:
    """JSON data without null-valued keys (materialized nodes keep skipped optionals as None)."""
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


# ---- writing: one statement per page/slide, templates inline


class _InlineWriter(_Writer):
    """Writes nested components inline (`Slide("s1", StandardTitle("Q4"))`) instead of as statements."""

    def statement(
        self, node: Any, component: str, props: Mapping[str, Any], depth: int, name: str | None
    ) -> str:
        return self.call(component, props, depth)


def call_text(node: Mapping[str, Any], library: Library) -> str:
    """`Component(args…)` for a node, with every nested component inline."""
    return _InlineWriter(library, "root").call(str(node["component"]), node["props"], 0)


def item_statement(kind: str, item_id: str, content: Mapping[str, Any]) -> str:
    """`s2 = Slide("s2", Template(…))` — one page/slide, newline-ended."""
    library = viewer_library(kind)
    slide = {"component": ITEM_COMPONENTS[kind], "props": {"id": item_id, "content": content}}
    return f"{item_id} = {call_text(slide, library)}\n"


def root_statement(kind: str, title: str, subtitle: str | None, ids: list[str]) -> str:
    """`root = SlideShow("Title", "Subtitle", [s1, s2])` — the title literal first, as the viewers read it."""
    args = [string_literal(title), string_literal(subtitle) if subtitle else "null", f"[{', '.join(ids)}]"]
    return f"root = {VIEWER_ROOTS[kind]}({', '.join(args)})\n"
