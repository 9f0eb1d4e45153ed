"""The C1 v2 library a catalog stands for: OpenUI's chat library shaped by the same `metadata.thesys` keys
as the v1 catalog (c1-wire-format.md §7): opt-in components left out unless included, excluded ones left
out, custom components added as root children.

Names in `c1_included_components` / `c1_excluded_components` may be v1 names (mapped to their v2
counterparts: `BarChartV2` is `BarChart` and `HorizontalBarChart`) or v2 names. A custom component's JSON
Schema of props becomes a library component whose positional params follow its `properties` order.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from .openui.library import Library, LibraryError, chat_library, entry_candidates, load_library
from .thesys import ThesysMetadata

# v1 component names whose v2 counterparts differ (the rest keep their name, or have none).
V2_NAMES: dict[str, tuple[str, ...]] = {
    "BarChartV2": ("BarChart", "HorizontalBarChart"),
    "LineChartV2": ("LineChart",),
    "AreaChartV2": ("AreaChart",),
    "RadarChartV2": ("RadarChart",),
    "PieChartV2": ("PieChart",),
    "RadialChartV2": ("RadialChart",),
    "SingleStackedBarChart": ("SegmentedBar",),
    "TileOptionBlock": ("OptionCards",),
    "MiniCardBlock": ("OverviewCardBlock",),
}
# Left out unless included, as in the v1 catalog (catalog.OPT_IN_COMPONENTS).
OPT_IN = ("EditableTable",)
# What a small embedded model writes in v2 (catalog.EMBEDDED_COMPONENTS and the parts they need; a v1
# FollowUpBlock is a ButtonGroup of Buttons in v2).
EMBEDDED_V2_COMPONENTS = ("Header", "TextContent", "List", "ListItem", "ButtonGroup", "Button")


def v2_names(names: Iterable[str]) -> set[str]:
    return {v2 for name in names for v2 in V2_NAMES.get(name, (name,))}


def _without(schema: Any, removed: set[str]) -> Any:
    """`schema` with every `$ref` to a removed component taken out of the anyOf lists that hold it."""
    if isinstance(schema, list):
        return [_without(item, removed) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {}
    for key, value in schema.items():
        if key in ("anyOf", "oneOf") and isinstance(value, list):
            kept = [
                v for v in value if not (isinstance(v, dict) and v.get("$ref", "").split("/")[-1] in removed)
            ]
            out[key] = _without(kept, removed)
        else:
            out[key] = _without(value, removed)
    return out


def _custom_def(props_schema: dict[str, Any]) -> dict[str, Any]:
    properties = props_schema.get("properties")
    required = props_schema.get("required")
    return {
        "type": "object",
        "properties": copy.deepcopy(properties) if isinstance(properties, dict) else {},
        "required": [r for r in required if isinstance(r, str)] if isinstance(required, list) else [],
        **(
            {"description": props_schema["description"]}
            if isinstance(props_schema.get("description"), str)
            else {}
        ),
    }


@lru_cache(maxsize=64)
def _shaped(key: str) -> Library:
    meta = ThesysMetadata.model_validate_json(key)
    base = chat_library()
    root = base.root or "Card"
    spec: dict[str, Any] = {"root": root, "schema": copy.deepcopy(dict(base.schema))}
    defs: dict[str, Any] = spec["schema"]["$defs"]
    included = v2_names(meta.c1_included_components)
    removed = (set(OPT_IN) - included) | v2_names(meta.c1_excluded_components)
    removed.discard(root)
    custom = {k: v for k, v in meta.c1_custom_components.items() if k not in removed and k != root}
    removed -= set(custom)
    spec["schema"]["$defs"] = defs = _without(defs, removed)
    text = json.dumps(defs)
    for name in removed:  # gone from every slot: gone from the library (else it would be a free block)
        if f'"#/$defs/{name}"' not in text:
            defs.pop(name, None)
    root_children = defs[root]["properties"]["children"]["items"]["anyOf"]
    for name, props_schema in custom.items():
        defs[name] = _custom_def(props_schema)
        if not any(ref.get("$ref") == f"#/$defs/{name}" for ref in root_children):
            root_children.append({"$ref": f"#/$defs/{name}"})
    try:
        library = load_library(spec)
    except LibraryError:
        # a custom schema lang-core would refuse (e.g. a $ref of its own): the library without customs
        for name in custom:
            defs.pop(name, None)
        root_children[:] = [r for r in root_children if r.get("$ref", "").split("/")[-1] not in custom]
        library = load_library(spec)
    return library.with_actions(meta.c1_custom_actions) if meta.c1_custom_actions else library


@lru_cache(maxsize=64)
def root_blocks(library: Library) -> frozenset[str]:
    """What the root's list takes: the components its schema names, and the free blocks, the components no
    slot names (FollowUpBlock, ImageBlock, IconButton in the chat library), which lang-core and the C1 v2
    client render there too (lang-core does not check which component fills a slot)."""
    root = library.root_component
    if root is None:
        return frozenset()
    named = {ref for p in root.params if p.type == "array" for ref in p.refs}
    return frozenset(named) | frozenset(n for n in entry_candidates(library) if n != root.name)


def library_for(thesys: ThesysMetadata | None) -> Library:
    """The v2 library for a request's `metadata.thesys` (the stock chat library without opt-in components
    when there is none)."""
    return _shaped(thesys.cache_key()) if thesys is not None else _stock()


@lru_cache(maxsize=1)
def _stock() -> Library:
    """The library of a request without `metadata.thesys` (most of them): no cache key to compute."""
    return _shaped(ThesysMetadata().cache_key())
