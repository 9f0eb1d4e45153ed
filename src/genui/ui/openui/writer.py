"""Writer: a format-neutral tree (Node dicts) -> OpenUI Lang program text.

`root = Root(...)` comes first, then every other component on its own statement in the order a reader meets
them (parents before children, so a streamed program fills in top-down). Statement names are the ones the
nodes came from when they are free, else short names from the component's capitals (`tc1` for the first
TextContent). Strings are JSON-escaped, data are object literals, a skipped optional is `null`, trailing
optionals (and trailing values equal to their default) are trimmed; one statement a line, newline-ended.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any

from . import ast
from .library import Component, Library, chat_library
from .materialize import Dynamic, Node, js_typeof

MAX_DEPTH = 100
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_STATEMENT_NAME = re.compile(r"[a-z_][A-Za-z0-9_]*\Z")
_KEYWORDS = frozenset({"true", "false", "null"})
_BINARY_PREC = {
    "||": 2,
    "&&": 3,
    "==": 4,
    "!=": 4,
    ">": 5,
    "<": 5,
    ">=": 5,
    "<=": 5,
    "+": 6,
    "-": 6,
    "*": 7,
    "/": 7,
    "%": 7,
}


def string_literal(text: str) -> str:
    """A double-quoted, JSON-escaped string (never a raw control character)."""
    return json.dumps(text, ensure_ascii=False)


def number_literal(value: int | float) -> str:
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value!r} cannot be written (OpenUI Lang numbers are finite)")
        return repr(value)
    return str(value)


def key_literal(key: str) -> str:
    return key if NAME.match(key) and key not in _KEYWORDS else string_literal(key)


def json_equal(a: Any, b: Any) -> bool:
    """Deep equality of JSON values with JavaScript's types (true is not 1)."""
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    if isinstance(a, (list, Mapping)) or isinstance(b, (list, Mapping)):
        return False
    if a is None or b is None:
        return a is b
    return js_typeof(a) == js_typeof(b) and a == b


def _precedence(expr: ast.Expr) -> int:
    if isinstance(expr, ast.Ternary):
        return 1
    if isinstance(expr, ast.Binary):
        return _BINARY_PREC.get(expr.op, 2)
    if isinstance(expr, ast.Unary):
        return 8
    if isinstance(expr, (ast.Member, ast.Index)):
        return 9
    if isinstance(expr, ast.Assign):
        return 0
    return 10


def expr_text(expr: ast.Expr, depth: int = 0) -> str:
    """An expression as program text (parenthesized where precedence needs it)."""
    if depth > MAX_DEPTH:
        raise ValueError(f"the expression nests deeper than {MAX_DEPTH} levels")
    inner = depth + 1

    def wrapped(child: ast.Expr, minimum: int) -> str:
        text = expr_text(child, inner)
        return f"({text})" if _precedence(child) < minimum else text

    if isinstance(expr, ast.Str):
        return string_literal(expr.value)
    if isinstance(expr, ast.Num):
        return number_literal(expr.value)
    if isinstance(expr, ast.Bool):
        return "true" if expr.value else "false"
    if isinstance(expr, ast.Null):
        return "null"
    if isinstance(expr, (ast.Ref, ast.StateRef)):
        return expr.name
    if isinstance(expr, ast.Arr):
        return "[" + ", ".join(expr_text(item, inner) for item in expr.items) + "]"
    if isinstance(expr, ast.Obj):
        return "{" + ", ".join(f"{key_literal(k)}: {expr_text(v, inner)}" for k, v in expr.entries) + "}"
    if isinstance(expr, ast.Call):
        args = ", ".join(expr_text(arg, inner) for arg in expr.args)
        return f"{'@' if expr.at else ''}{expr.name}({args})"
    if isinstance(expr, ast.Assign):
        return f"{expr.target} = {expr_text(expr.value, inner)}"
    if isinstance(expr, ast.Unary):
        return expr.op + wrapped(expr.operand, 8)
    if isinstance(expr, ast.Binary):
        prec = _BINARY_PREC.get(expr.op, 2)
        return f"{wrapped(expr.left, prec)} {expr.op} {wrapped(expr.right, prec + 1)}"
    if isinstance(expr, ast.Ternary):
        return f"{wrapped(expr.cond, 2)} ? {expr_text(expr.then, inner)} : {expr_text(expr.other, inner)}"
    if isinstance(expr, ast.Member):
        field = expr.field if NAME.match(expr.field) else string_literal(expr.field)
        return f"{wrapped(expr.obj, 9)}.{field}"
    return f"{wrapped(expr.obj, 9)}[{expr_text(expr.index, inner)}]"


def initials(component: str) -> str:
    """`TextContent` -> `tc`: the stem of generated statement names."""
    capitals = "".join(ch for ch in component if "A" <= ch <= "Z").lower()
    return capitals or component[:1].lower() or "n"


class _Writer:
    def __init__(self, library: Library, root_id: str) -> None:
        self.library = library
        self.root_id = root_id
        self.lines: list[str] = []
        self.named: dict[str, Any] = {}  # statement name -> the node written under it
        self.counters: dict[str, int] = {}

    def as_node(self, value: Any) -> tuple[str, Mapping[str, Any]] | None:
        if isinstance(value, Node):
            return value.component, value.props
        if (
            isinstance(value, Mapping) and len(value) == 2 and isinstance(value.get("component"), str)
            and isinstance(value.get("props"), Mapping) and value["component"] in self.library.components
        ):  # fmt: skip
            return value["component"], value["props"]
        return None

    def fresh_name(self, component: str) -> str:
        stem = initials(component)
        while True:
            count = self.counters.get(stem, 0) + 1
            self.counters[stem] = count
            name = f"{stem}{count}"
            if name not in self.named:
                return name

    def statement(
        self, node: Any, component: str, props: Mapping[str, Any], depth: int, name: str | None
    ) -> str:
        """Write `node` as a statement (once) and return its name."""
        wanted = getattr(node, "statement_id", None) if name is None else name
        if isinstance(wanted, str) and _STATEMENT_NAME.match(wanted) and wanted not in _KEYWORDS:
            existing = self.named.get(wanted, _FREE)
            if existing is not _FREE and json_equal(existing, node):
                return wanted  # the same statement used twice: one definition, two references
            if existing is _FREE:
                name = wanted
        if name is None:
            name = self.fresh_name(component)
        self.named[name] = node
        return self.line(name, component, props, depth)

    def line(self, name: str, component: str, props: Mapping[str, Any], depth: int) -> str:
        """Write `name = Component(...)` (before the statements of the components nested in it)."""
        index = len(self.lines)
        self.lines.append("")
        self.lines[index] = f"{name} = {self.call(component, props, depth)}"
        return name

    def call(self, name: str, props: Mapping[str, Any], depth: int) -> str:
        component: Component | None = self.library.components.get(name)
        if component is None:
            raise ValueError(f'component "{name}" is not in the library')
        args: list[str] = []
        trim_to = 0  # args up to here must be written
        for i, param in enumerate(component.params):
            value = props.get(param.name)
            args.append(self.value(value, depth + 1))
            skippable = value is None and (not param.required or param.has_default)
            if not skippable and not (param.has_default and json_equal(value, param.default)):
                trim_to = i + 1
        return f"{name}({', '.join(args[:trim_to])})"

    def value(self, value: Any, depth: int) -> str:
        if depth > MAX_DEPTH:
            raise ValueError(f"the tree nests deeper than {MAX_DEPTH} levels")
        if value is None:
            return "null"
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (int, float)):
            return number_literal(value)
        if isinstance(value, str):
            return string_literal(value)
        if isinstance(value, Dynamic):
            return expr_text(value.expr)
        node = self.as_node(value)
        if node is not None:
            return self.statement(value, node[0], node[1], depth, None)
        if isinstance(value, (list, tuple)):
            return "[" + ", ".join(self.value(item, depth + 1) for item in value) + "]"
        if isinstance(value, Mapping):
            items = (f"{key_literal(str(k))}: {self.value(v, depth + 1)}" for k, v in value.items())
            return "{" + ", ".join(items) + "}"
        raise ValueError(f"{type(value).__name__} values cannot be written")


_FREE: Any = object()


class StatementWriter(_Writer):
    """Writes parts of a tree as statements, for a writer that streams a program: each component nested in
    a value gets a fresh name (never the name it was read under, which may be taken); `take()` hands over
    the lines written since the last call."""

    def __init__(self, library: Library) -> None:
        super().__init__(library, "root")

    def statement(
        self, node: Any, component: str, props: Mapping[str, Any], depth: int, name: str | None
    ) -> str:
        if name is None:
            name = self.fresh_name(component)
        self.named[name] = None
        return self.line(name, component, props, depth)

    def take(self) -> list[str]:
        lines = self.lines
        self.lines = []
        return lines


def write(tree: Mapping[str, Any], library: Library | None = None, *, root_id: str = "root") -> str:
    """Program text for `tree` (a Node or plain `{"component", "props"}` dict) under `library`.

    Props the component does not declare are not written (arguments are positional).
    """
    writer = _Writer(library if library is not None else chat_library(), root_id)
    node = writer.as_node(tree)
    if node is None:
        raise ValueError('the tree must be a {"component": Name, "props": {...}} node of the library')
    writer.statement(tree, node[0], node[1], 0, root_id)
    return "\n".join(writer.lines) + "\n"
