"""A bound on how deep parsed JSON nests: past it, serializers and recursive walkers fail (orjson at 255
levels, Python at its recursion limit), so deeper client input is refused up front."""

from __future__ import annotations

from typing import Any

MAX_JSON_DEPTH = 64
# The error names the outer part of the path only (`tools[0].function.parameters...`).
_NAMED_LEVELS = 6


def may_nest_deeper(raw: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether the JSON text `raw` has enough opening brackets to nest deeper than `limit` (brackets inside
    strings count too: never a false no). A usual request body has too few, and skips the walk."""
    return raw.count(b"{") + raw.count(b"[") > limit


def _depth_exceeds(value: Any, limit: int) -> bool:
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        children = node.values() if isinstance(node, dict) else node
        for child in children:
            if isinstance(child, dict | list):
                if depth >= limit:
                    return True
                stack.append((child, depth + 1))
    return False


def too_deep(value: Any, limit: int = MAX_JSON_DEPTH) -> str | None:
    """None when `value` nests at most `limit` containers deep; else the path of the first deeper one, as a
    param (`messages[0].content`, "" for the top). Iterative: the check has no recursion to exhaust."""
    if not isinstance(value, dict | list) or not _depth_exceeds(value, limit):
        return None
    stack: list[tuple[Any, int, str]] = [(value, 1, "")]
    while stack:  # only for the error message: the same walk, keeping paths
        node, depth, path = stack.pop()
        if depth > limit:
            return path
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, child in items:
            if isinstance(child, dict | list):
                named = path
                if depth < _NAMED_LEVELS:
                    named = f"{path}[{key}]" if isinstance(key, int) else f"{path}.{key}".lstrip(".")
                stack.append((child, depth + 1, named))
    return ""
