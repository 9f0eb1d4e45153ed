"""Check a format-neutral tree (node dicts, as a converter or a writer holds them) against a library.

`materialize_tree` reads the tree as the program that writes it would read (positional arguments by the
library's param order) and materializes it with the same rules and hooks as a parsed program: defaults filled,
bad optional values pruned, invalid components dropped. No text is written or parsed on the way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .ast import NULL, Arr, Bool, Call, Expr, Num, Obj, Program, Str
from .library import Library
from .materialize import INVALID, Dynamic, Hooks, Issue, Lang, Materializer, Node

_EMPTY = Program((), False)


def tree_expr(value: Any, library: Library) -> Expr:
    """The expression a program would hold for `value` (a node dict, JSON data, a Dynamic)."""
    if value is None:
        return NULL
    if isinstance(value, bool):
        return Bool(value)
    if isinstance(value, (int, float)):
        return Num(value)
    if isinstance(value, str):
        return Str(value)
    if isinstance(value, Dynamic):
        return value.expr
    if isinstance(value, (list, tuple)):
        return Arr(tuple(tree_expr(item, library) for item in value))
    if isinstance(value, Mapping):
        name, props = value.get("component"), value.get("props")
        if len(value) == 2 and isinstance(name, str) and isinstance(props, Mapping):
            component = library.components.get(name)
            if component is None:
                return Call(name, ())  # materializes as unknown-component
            args = [tree_expr(props.get(param.name), library) for param in component.params]
            while args and args[-1] is NULL:
                args.pop()
            return Call(name, tuple(args))
        return Obj(tuple((str(key), tree_expr(item, library)) for key, item in value.items()))
    raise ValueError(f"{type(value).__name__} values are not part of a tree")


def materialize_tree(
    value: Any,
    library: Library,
    *,
    schema: Mapping[str, Any] | None = None,
    hooks: Hooks | None = None,
    lang: Lang = "1.0",
) -> tuple[Any, list[Issue]]:
    """`value` checked (and repaired by `hooks`) as materialization reads it: (the result, the errors).

    A component that is invalid gives None; `schema`, when given, is the slot the value must fit (the item
    schema of a container's list), checked as lang-core checks arguments.
    """
    materializer = Materializer(_EMPTY, library, lang=lang, partial=False, hooks=hooks or Hooks())
    if hooks is not None and hasattr(hooks, "materializer"):
        hooks.materializer = materializer
    result = materializer.value(tree_expr(value, library))
    if schema is not None and result is not None:
        checked = materializer.check(result, schema, "", "")
        if checked is INVALID:
            result = None
    return result, materializer.errors


def as_node(value: Any) -> Node | None:
    """A materialized component, or None."""
    return value if isinstance(value, Node) else None
