"""Transform a catalog JSON Schema for OpenAI structured outputs in strict mode.

Strict mode requires every object to list all its properties in `required` and set `additionalProperties:
false`. Decision: optional properties become required-but-nullable (`anyOf: [schema, {"type": "null"}]`), so
the model writes `null` for an absent prop; the ui repairer treats a null optional prop as absent. Keywords
strict mode rejects or ignores (length/size bounds, defaults, formats) are dropped, `oneOf` becomes `anyOf`.
A schema with open maps (an object without `properties`, or `additionalProperties` being a schema) can't be
strict: `strict_schema` returns None and the caller sends the schema non-strict.
"""

from __future__ import annotations

import copy
from typing import Any

_DROPPED = (
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "default",
    "examples",
    "format",
    "pattern",
    "$schema",
    "title",
    "description",
)
_NULL = {"type": "null"}


class _NotStrictable(Exception):
    pass


def strict_schema(schema: dict[str, Any]) -> dict[str, Any] | None:
    """The strict-mode version of `schema`, or None when it has open maps."""
    out = copy.deepcopy(schema)
    try:
        _visit(out)
    except _NotStrictable:
        return None
    return out


def _visit(node: Any) -> None:
    if not isinstance(node, dict):
        return
    for key in _DROPPED:
        node.pop(key, None)
    if "oneOf" in node:
        node["anyOf"] = node.pop("oneOf")
    if node.get("type") == "object" or "properties" in node:
        properties = node.get("properties")
        if not isinstance(properties, dict) or isinstance(node.get("additionalProperties"), dict):
            raise _NotStrictable
        required = set(node.get("required", []))
        for name, sub in list(properties.items()):
            _visit(sub)
            if name not in required:
                properties[name] = {"anyOf": [sub, dict(_NULL)]}
        node["required"] = list(properties)
        node["additionalProperties"] = False
    for key in ("$defs", "definitions"):
        if isinstance(node.get(key), dict):
            for sub in node[key].values():
                _visit(sub)
    for key in ("anyOf", "allOf", "prefixItems"):
        if isinstance(node.get(key), list):
            for sub in node[key]:
                _visit(sub)
    _visit(node.get("items"))
