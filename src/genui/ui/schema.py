"""JSON Schema export: the pydantic models assembled per catalog into one schema with `$defs`.

Views of one internal schema:
- internal: pydantic output cleaned up, keeps `x-kind` / `x-default` (what the fast repairer compiles);
- validation: what a C1 client accepts (hard caps), no `x-` keys;
- decoding: tight bounds for constrained decoding (llama.cpp json-schema-to-grammar, vLLM, OpenAI strict-ish):
  only type/properties/required/additionalProperties/items/anyOf/$ref/const/enum/min|maxItems/maxLength.
"""

from __future__ import annotations

import copy
import re
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from . import catalog as c

Schema = dict[str, Any]

ROOT_DECODE_MAX_CHILDREN = 8
NESTED_DECODE_MAX_ITEMS = 6
SCALAR_DECODE_MAX_ITEMS = 12
DECODE_MAX_LENGTH = {"text": 160, "markdown": 1200, "url": 400, "image": 400}
DECODE_DEFAULT_MAX_LENGTH = 300
_SCHEMA_MAPS = ("properties", "$defs")
_SCHEMA_LISTS = ("anyOf", "oneOf", "allOf", "prefixItems")
_SCHEMA_VALUES = ("items", "additionalProperties", "not")


def _walk(schema: Any, fn: Any) -> Any:
    """Apply fn to every schema object bottom-up (`properties` and `$defs` are maps of schemas)."""
    if not isinstance(schema, dict):
        return schema
    out: Schema = {}
    for key, value in schema.items():
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            out[key] = {name: _walk(sub, fn) for name, sub in value.items()}
        elif key in _SCHEMA_LISTS and isinstance(value, list):
            out[key] = [_walk(sub, fn) for sub in value]
        elif key in _SCHEMA_VALUES and isinstance(value, dict):
            out[key] = _walk(value, fn)
        else:
            out[key] = value
    result: Schema = fn(out)
    return result


def _clean_pydantic(node: Schema) -> Schema:
    node.pop("title", None)
    if "default" in node and node["default"] is None:
        del node["default"]
        branches = node.get("anyOf")
        if isinstance(branches, list):
            kept = [b for b in branches if b != {"type": "null"}]
            if len(kept) == 1:
                del node["anyOf"]
                node.update(kept[0])
            else:
                node["anyOf"] = kept
    return node


@lru_cache(maxsize=1)
def base_defs() -> dict[str, Schema]:
    """Cleaned `$defs` of every model (all components, even inactive ones); internal view."""
    all_models: list[type[BaseModel]] = [*c.BLOCK_COMPONENTS, c.Card, *c.BUILTIN_ACTIONS.values()]
    mode: Literal["validation", "serialization"] = "validation"
    models = [(m, mode) for m in all_models]
    _, raw = models_json_schema(models, ref_template="#/$defs/{model}")
    cleaned = _walk(raw, _clean_pydantic)
    defs: dict[str, Schema] = cleaned["$defs"]
    return defs


def resolve(schema: Any, defs: dict[str, Schema]) -> Any:
    """The schema a `$ref` points at (a schema without one as it is)."""
    while isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
        schema = defs.get(schema["$ref"].rsplit("/", 1)[-1], {})
    return schema


@lru_cache(maxsize=1)
def declared_components() -> dict[str, Schema]:
    """Every component the catalog declares (every block, the root Card, the parts they use) -> the internal
    schema of its props."""
    defs = base_defs()
    out: dict[str, Schema] = {}
    for schema in defs.values():
        properties = schema.get("properties", {})
        tag = properties.get("component")
        if isinstance(tag, dict) and "const" in tag:
            out[str(tag["const"])] = resolve(properties.get("props", {}), defs)
    return out


def _refs(schema: Any, found: set[str]) -> None:
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            found.add(ref[len("#/$defs/") :])
        for value in schema.values():
            _refs(value, found)
    elif isinstance(schema, list):
        for value in schema:
            _refs(value, found)


def _namespace_custom(name: str, schema: Schema) -> tuple[Schema, dict[str, Schema]]:
    """Move a user schema's own `$defs` under `<name>__<def>` so they cannot clash with ours."""
    local = schema.get("$defs") or schema.get("definitions") or {}
    body = {k: v for k, v in schema.items() if k not in ("$defs", "definitions", "$schema", "$id")}
    text_map = {f"#/$defs/{d}": f"#/$defs/{name}__{d}" for d in local}
    text_map.update({f"#/definitions/{d}": f"#/$defs/{name}__{d}" for d in local})

    def rename(node: Any) -> Any:
        if isinstance(node, dict):
            return {
                k: (text_map.get(v, v) if k == "$ref" and isinstance(v, str) else rename(v))
                for k, v in node.items()
            }
        if isinstance(node, list):
            return [rename(v) for v in node]
        return node

    return rename(body), {f"{name}__{d}": rename(v) for d, v in local.items()}


def _tagged(tag_key: str, tag: str, props: Schema | None, props_required: bool) -> Schema:
    properties: Schema = {tag_key: {"const": tag, "type": "string"}}
    required = [tag_key]
    if props is not None:
        properties["props"] = props
        if props_required:
            required.append("props")
    return {"type": "object", "properties": properties, "required": required, "additionalProperties": False}


def assemble(
    blocks: tuple[str, ...],
    custom_components: dict[str, Schema],
    actions: tuple[str, ...],
    custom_actions: dict[str, Schema],
) -> Schema:
    """Internal schema of the root Card node of one catalog: Node = active blocks, Action = active actions."""
    defs: dict[str, Schema] = copy.deepcopy(base_defs())
    for name, props in custom_components.items():
        body, extra = _namespace_custom(name, props)
        defs[name] = _tagged("component", name, body, True)
        defs.update(extra)
    for name, params in custom_actions.items():
        body, extra = _namespace_custom(f"action_{name}", params)
        needs_props = bool(body.get("required"))
        defs[f"Action_{name}"] = _tagged("type", name, body, needs_props)
        defs.update(extra)
    defs["Node"] = {"anyOf": [{"$ref": f"#/$defs/{name}"} for name in (*blocks, *custom_components)]}
    action_refs = [f"#/$defs/{_ACTION_DEFS.get(a, f'Action_{a}')}" for a in (*actions, *custom_actions)]
    defs["Action"] = {"anyOf": [{"$ref": ref} for ref in action_refs]}
    reachable: set[str] = set()
    frontier = {"Card"}
    while frontier:
        name = frontier.pop()
        reachable.add(name)
        found: set[str] = set()
        _refs(defs[name], found)
        frontier |= found - reachable
    root = copy.deepcopy(defs["Card"])
    root["$defs"] = {name: defs[name] for name in defs if name in reachable}
    return root


_ACTION_DEFS = {name: model.__name__ for name, model in c.BUILTIN_ACTIONS.items()}


def _strip_private(node: Schema) -> Schema:
    for key in [k for k in node if k.startswith("x-")]:
        del node[key]
    return node


def validation_view(internal: Schema) -> Schema:
    """Client-like schema: hard caps, no private keys."""
    out: Schema = _walk(internal, _strip_private)
    out["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return out


def _is_scalar(schema: Any) -> bool:
    return isinstance(schema, dict) and schema.get("type") in ("string", "number", "integer", "boolean")


def _tighten(node: Schema) -> Schema:
    if node.get("type") == "array" or "items" in node:
        cap = SCALAR_DECODE_MAX_ITEMS if _is_scalar(node.get("items")) else NESTED_DECODE_MAX_ITEMS
        node["maxItems"] = min(int(node.get("maxItems", cap)), cap)
        if int(node.get("minItems", 0)) > node["maxItems"]:
            node["maxItems"] = int(node["minItems"])
    if node.get("type") == "string" and "enum" not in node and "const" not in node:
        cap = DECODE_MAX_LENGTH.get(str(node.get("x-kind")), DECODE_DEFAULT_MAX_LENGTH)
        node["maxLength"] = min(int(node.get("maxLength", cap)), cap)
    for key in ("default", "examples", "description", "format", "pattern"):
        node.pop(key, None)
    return _strip_private(node)


def decoding_view(internal: Schema) -> Schema:
    """Tight schema for constrained decoding (a 135M model decodes with it)."""
    out: Schema = _walk(internal, _tighten)
    card_props = out["$defs"].get("CardProps")
    if card_props is not None:
        card_props["properties"]["children"]["maxItems"] = ROOT_DECODE_MAX_CHILDREN
    return out


_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")


def is_valid_name(name: str) -> bool:
    """Custom component / action names: identifier-like (they become `$defs` keys and prompt tokens)."""
    return _NAME.match(name) is not None
