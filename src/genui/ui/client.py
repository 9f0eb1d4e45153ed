"""What a C1 client does with version-1 content (c1-wire-format.md §3), whole or a streamed prefix: read the
JSON (a cut-off prefix closed the way clients close it: tokenizer.loads_prefix), then validate the whole tree;
one invalid node anywhere and the client shows nothing new (it keeps its last valid tree).

The check is derived from the catalog's declarations: a node names a declared component (a deprecated one
too: clients still draw those) and carries a `props` object with the component's required props (those
without an `x-default`, which clients fill in) of their declared JSON type. Unknown props are not checked:
clients drop them. The renderer draws only trees that pass; the service may ask the same of any C1 text.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from typing import Any

from .catalog import DEPRECATED_COMPONENTS
from .schema import Schema, base_defs, declared_components, resolve
from .tokenizer import loads_prefix

Check = Callable[[object], bool]


def _is_node(value: object) -> bool:
    return isinstance(value, dict) and isinstance(value.get("component"), str)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


_BY_TYPE: dict[str, Check] = {
    "string": lambda v: isinstance(v, str),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
    "number": _is_number,
    "integer": _is_number,
    "boolean": lambda v: isinstance(v, bool),
}


def _not_null(value: object) -> bool:
    return value is not None


def _check_for(schema: Any, defs: dict[str, Schema]) -> Check:
    """The JSON-type check of a required prop's declared schema (nested nodes are checked on their own)."""
    target = resolve(schema, defs)
    if not isinstance(target, dict):
        return _not_null
    branches = target.get("anyOf")
    if isinstance(branches, list):
        resolved = [resolve(branch, defs) for branch in branches]
        if resolved and all(_tag(branch) is not None for branch in resolved):
            return _is_node  # a union of components (MiniCard's lhs, the Node union)
        return _not_null
    if _tag(target) is not None:
        return _is_node
    return _BY_TYPE.get(str(target.get("type")), _not_null)


def _tag(schema: Any) -> str | None:
    tag = schema.get("properties", {}).get("component") if isinstance(schema, dict) else None
    return str(tag["const"]) if isinstance(tag, dict) and "const" in tag else None


@cache
def requirements() -> dict[str, tuple[tuple[str, Check], ...]]:
    """Every component a client draws -> its required props (without an x-default) and their checks."""
    defs = base_defs()
    out: dict[str, tuple[tuple[str, Check], ...]] = {name: () for name in DEPRECATED_COMPONENTS}
    for name, props in declared_components().items():
        properties = props.get("properties", {})
        out[name] = tuple(
            (key, _check_for(properties.get(key, {}), defs))
            for key in props.get("required", ())
            if "x-default" not in properties.get(key, {})
        )
    return out


def known_components() -> frozenset[str]:
    """Every component name a client draws: the declared ones and the deprecated ones."""
    return frozenset(requirements())


def is_valid_tree(root: dict[str, Any]) -> bool:
    """True when every node of the tree names a known component with a props object and its required props."""
    required = requirements()
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
            checks = required.get(name)
            props = value.get("props")
            if checks is None or not isinstance(props, dict):
                return False
            for key, check in checks:
                if key not in props or not check(props[key]):
                    return False
            stack.extend(props.values())
        else:
            stack.extend(value.values())
    return True


def root_node(envelope: object) -> dict[str, Any] | None:
    """The root Card node of a v1 envelope (`{"component": {...}, "error": ...}`) or of a bare Card node."""
    if not isinstance(envelope, dict):
        return None
    inner = envelope.get("component")
    node = inner if isinstance(inner, dict) else envelope
    return node if node.get("component") == "Card" else None


def client_tree(body: str, *, partial: bool) -> dict[str, Any] | None:
    """The root Card a C1 client shows for a v1 content body (entity-decoded), or None when it shows nothing
    from it. `partial`: the body may be cut anywhere (a streamed prefix) and is closed as clients close it;
    otherwise it must be whole JSON."""
    parsed: object
    if partial:
        parsed = loads_prefix(body)
    else:
        try:
            parsed = json.loads(body)
        except (ValueError, RecursionError):
            return None
    root = root_node(parsed)
    return root if root is not None and is_valid_tree(root) else None
