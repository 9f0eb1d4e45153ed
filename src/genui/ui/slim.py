"""The small-model view of a decoding schema: fewer choices, tighter bounds, a smaller grammar
(`Catalog.embedded_schema()`, what the service hands the embedded 135M model).

llama.cpp's grammar sampler checks every vocabulary token against every live grammar stack, so a catalog-wide
grammar decodes ~4x slower and lets a tiny model wander into forms and carousels it fills with noise. The slim
schema keeps only required properties, the catalog's EMBEDDED_COMPONENTS (plus any custom ones), and caps
arrays (1 to 3 items) and strings so a whole answer fits in a few hundred tokens. Output stays valid for
the full catalog.
"""

from __future__ import annotations

import copy
from typing import Any

from .catalog import DEPRECATED_COMPONENTS, EMBEDDED_COMPONENTS
from .schema import declared_components

MAX_ITEMS = 3
MAX_STRING_LENGTH = 120


def slim_view(schema: dict[str, Any]) -> dict[str, Any]:
    """A copy of `schema` restricted as described in the module docstring."""
    declared = declared_components().keys() | DEPRECATED_COMPONENTS.keys()
    out = copy.deepcopy(schema)
    defs: dict[str, Any] = out.get("$defs", {})

    def component_of(alternative: Any) -> str | None:
        if isinstance(alternative, dict) and isinstance(alternative.get("$ref"), str):
            alternative = defs.get(alternative["$ref"].rsplit("/", 1)[-1])
        if not isinstance(alternative, dict):
            return None
        component = (alternative.get("properties") or {}).get("component")
        return component.get("const") if isinstance(component, dict) else None

    def keep(alternative: Any) -> bool:
        name = component_of(alternative)
        # what the catalog does not declare is a custom component: it stays
        return name is None or name in EMBEDDED_COMPONENTS or name not in declared

    def visit(node: Any) -> None:
        if not isinstance(node, dict):
            return
        for key in ("anyOf", "oneOf"):
            alternatives = node.get(key)
            if isinstance(alternatives, list):
                kept = [a for a in alternatives if keep(a)]
                if kept:
                    node[key] = kept
        properties = node.get("properties")
        if isinstance(properties, dict) and "required" in node:
            required = set(node["required"])
            for name in [n for n in properties if n not in required]:
                del properties[name]
        if node.get("type") == "array" or "items" in node:
            cap = max(MAX_ITEMS, int(node.get("minItems", 0)))
            node["maxItems"] = min(int(node.get("maxItems", cap)), cap)
            node.setdefault("minItems", 1)  # an empty list renders nothing; a small model picks it too often
        if node.get("type") == "string" and "enum" not in node and "const" not in node:
            node["maxLength"] = min(int(node.get("maxLength", MAX_STRING_LENGTH)), MAX_STRING_LENGTH)
        for key in ("properties", "$defs", "patternProperties"):
            if isinstance(node.get(key), dict):
                for sub in node[key].values():
                    visit(sub)
        for key in ("anyOf", "oneOf", "allOf", "prefixItems"):
            if isinstance(node.get(key), list):
                for sub in node[key]:
                    visit(sub)
        for key in ("items", "additionalProperties", "not"):
            visit(node.get(key))

    visit(out)
    _header_then_content(out, defs, component_of)
    if defs:
        out["$defs"] = _reachable_defs(out, defs)
    return out


def _header_then_content(root: dict[str, Any], defs: dict[str, Any], component_of: Any) -> None:
    """Make the Card's children exactly [Header, one content node] when the catalog has a Header.

    Measured on SmolLM2-135M: left to choose, it starts most answers with whatever component its first letter
    lands on and then repeats it; a Header first anchors the answer on the topic.
    """

    def resolve(node: Any) -> Any:
        if isinstance(node, dict) and isinstance(node.get("$ref"), str):
            return defs.get(node["$ref"].rsplit("/", 1)[-1])
        return node

    props = resolve((root.get("properties") or {}).get("props"))
    children = ((props or {}).get("properties") or {}).get("children")
    items = resolve((children or {}).get("items"))
    if (
        not isinstance(children, dict)
        or not isinstance(items, dict)
        or not isinstance(items.get("anyOf"), list)
    ):
        return
    headers = [a for a in items["anyOf"] if component_of(a) == "Header"]
    content = [a for a in items["anyOf"] if component_of(a) not in ("Header", "FollowUpBlock")]
    if not headers or not content:
        return
    children.clear()
    children.update(
        {"type": "array", "prefixItems": [headers[0], {"anyOf": content}], "minItems": 2, "maxItems": 2}
    )


def _reachable_defs(root: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    """Only the `$defs` the root still references (directly or through other defs), so the names listed in
    prompts and the grammar match what may actually be generated."""
    found: set[str] = set()
    pending: list[Any] = [{k: v for k, v in root.items() if k != "$defs"}]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                name = ref.rsplit("/", 1)[-1]
                if name not in found and name in defs:
                    found.add(name)
                    pending.append(defs[name])
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return {name: value for name, value in defs.items() if name in found}
