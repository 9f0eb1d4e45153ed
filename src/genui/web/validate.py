"""Whole-tree validation of a v1 component tree, as a C1 client does before it renders anything.

The renderer itself is defensive; this check decides *whether* a (streamed) tree is shown at all: one
unknown component, a node without props or a missing required prop invalidates the whole tree, so the
caller falls back to the last valid state (a half-written component name never flashes on screen).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from genui.ui import Catalog

# Required props per component, with the JSON type each must have (str/list/dict/num/bool/node/any).
REQUIRED: dict[str, dict[str, str]] = {
    "Card": {"children": "list"},
    "Header": {"title": "str"},
    "CardHeader": {},
    "InlineHeader": {"heading": "str"},
    "TextContent": {"textMarkdown": "str"},
    "CalloutV2": {"title": "str"},
    "Callout": {},
    "TagBlock": {"children": "list"},
    "Tag": {},
    "Image": {"alt": "str"},
    "ImageGallery": {"imagesAlt": "list"},
    "List": {"items": "list"},
    "ListBlock": {},
    "ListItem": {},
    "Steps": {"children": "list"},
    "StepsItem": {"title": "str"},
    "Tabs": {"children": "list"},
    "Accordion": {"children": "list"},
    "SectionBlock": {"sections": "list"},
    "Section": {},
    "Layout": {"children": "any"},
    "CarouselV2": {"content": "list"},
    "Carousel": {},
    "MiniCardBlock": {"children": "list"},
    "MiniCard": {"lhs": "node"},
    "ProfileTile": {},
    "DataTile": {},
    "Stats": {},
    "MiniChart": {},
    "Table": {"tableHeader": "dict", "tableBody": "dict"},
    "EditableTable": {"name": "str", "columns": "list"},
    "BarChartV2": {"chartData": "dict"},
    "LineChartV2": {"chartData": "dict"},
    "AreaChartV2": {"chartData": "dict"},
    "RadarChartV2": {"chartData": "dict"},
    "PieChartV2": {"chartData": "dict"},
    "RadialChartV2": {"chartData": "dict"},
    "SingleStackedBarChart": {"chartData": "dict"},
    "ScatterChart": {"chartData": "dict"},
    "BarChart": {},
    "LineChart": {},
    "AreaChart": {},
    "PieChart": {},
    "RadarChart": {},
    "RadialChart": {},
    "Form": {"name": "str", "children": "list"},
    "Input": {"name": "str"},
    "TextArea": {"name": "str"},
    "Select": {"name": "str"},
    "SelectItem": {"value": "any"},
    "SelectLabel": {},
    "SelectSeparator": {},
    "CheckBoxGroup": {"name": "str", "children": "list"},
    "CheckBoxItem": {"name": "str"},
    "SwitchGroup": {"name": "str", "children": "list"},
    "SwitchItem": {"name": "str"},
    "RadioGroup": {"name": "str", "children": "list"},
    "RadioItem": {"value": "any"},
    "TileOptionBlock": {"name": "str", "children": "list"},
    "TileOption": {},
    "DatePicker": {"name": "str"},
    "Slider": {"name": "str"},
    "Button": {"children": "str"},
    "IconButton": {"icon": "any"},
    "ButtonGroup": {"children": "list"},
    "FollowUpBlock": {"followUpText": "list"},
    "Icon": {"name": "str"},
}


@cache
def known_components() -> frozenset[str]:
    """Our renderable set plus whatever the latest catalog can generate (new names render generically)."""
    return frozenset(REQUIRED) | Catalog.default().component_names


_TYPE_CHECKS: dict[str, Any] = {
    "str": lambda v: isinstance(v, str),
    "list": lambda v: isinstance(v, list),
    "dict": lambda v: isinstance(v, dict),
    "num": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "bool": lambda v: isinstance(v, bool),
    "node": lambda v: isinstance(v, dict) and isinstance(v.get("component"), str),
    "any": lambda v: v is not None,
}


def root_node(envelope: object) -> dict[str, Any] | None:
    """The root Card node of a v1 envelope (`{"component": {...}, "error": ...}`) or of a bare node."""
    if not isinstance(envelope, dict):
        return None
    inner = envelope.get("component")
    node = inner if isinstance(inner, dict) else envelope
    if node.get("component") != "Card":
        return None
    return node


def is_valid_tree(root: dict[str, Any], extra_components: frozenset[str] = frozenset()) -> bool:
    """True when every node of the tree names a known component with its required props."""
    known = known_components() | extra_components
    stack: list[object] = [root]
    while stack:
        value = stack.pop()
        if isinstance(value, list):
            stack.extend(value)
            continue
        if not isinstance(value, dict):
            continue
        name = value.get("component")
        if isinstance(name, str):
            if name not in known:
                return False
            props = value.get("props")
            if not isinstance(props, dict):
                return False
            for key, kind in REQUIRED.get(name, {}).items():
                if key not in props or not _TYPE_CHECKS[kind](props[key]):
                    return False
            stack.extend(props.values())
        else:
            stack.extend(value.values())
    return True
