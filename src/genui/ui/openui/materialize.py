"""Materialization: resolve references from the entry, bind positional args to props, apply defaults and
check values against the library's JSON Schema, the way lang-core does (0.5 and 1.0 rules).

The result is the format-neutral tree: Node dicts `{"component": Name, "props": {...}}` holding JSON values,
other Nodes and Dynamic runtime expressions. Every use of a reference gets its own copy, so values may be
changed in place while they are checked.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from . import ast
from .library import Component, Library, ref_name, slot_options
from .parser import ProgramTooDeep

Lang = Literal["1.0", "0.5"]
_T = TypeVar("_T")
MAX_DEPTH = 100  # materialized nesting (components, arrays and objects)
MAX_NODES = 50_000  # materialized component nodes; references are inlined, so a small text can explode


class ProgramTooLarge(ValueError):
    """The program materializes to more nodes than allowed (a reference fan-out, usually)."""


class Node(dict[str, Any]):
    """A component instance `{"component": Name, "props": {...}}`; equal to the same plain dict.

    `statement_id` names the statement it came from (None for an inline call).
    """

    __slots__ = ("statement_id",)

    def __init__(self, component: str, props: dict[str, Any], statement_id: str | None = None) -> None:
        super().__init__(component=component, props=props)
        self.statement_id = statement_id

    @property
    def component(self) -> str:
        name: str = self["component"]
        return name

    @property
    def props(self) -> dict[str, Any]:
        props: dict[str, Any] = self["props"]
        return props


@dataclass(frozen=True, slots=True)
class Dynamic:
    """A runtime expression ($state, builtins, actions, operators) left for the renderer to evaluate."""

    expr: ast.Expr


@dataclass(frozen=True, slots=True)
class Issue:
    """An error item in the autofix shape; to_dict() = {code, message, component?, path?, statementId?}."""

    code: str
    message: str
    component: str | None = None
    path: str | None = None
    statement_id: str | None = None
    severity: Literal["error", "warning"] = "error"

    def to_dict(self) -> dict[str, str]:
        out = {"code": self.code, "message": self.message}
        if self.component is not None:
            out["component"] = self.component
        if self.path is not None:
            out["path"] = self.path
        if self.statement_id is not None:
            out["statementId"] = self.statement_id
        return out


class _Invalid:
    __slots__ = ()


INVALID: Any = _Invalid()
_SCALAR_TYPES = frozenset({"string", "number", "boolean"})
_SCALAR_OF: dict[type, str] = {str: "string", int: "number", float: "number", bool: "boolean"}


def js_typeof(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "object"


def js_type(value: Any) -> str:
    """What lang-core messages call the type: typeof, with arrays told apart."""
    return "array" if isinstance(value, list) else js_typeof(value)


def js_equal(a: Any, b: Any) -> bool:
    """Strict equality of JSON scalars as JavaScript sees it (true is not 1)."""
    return js_typeof(a) == js_typeof(b) and a == b


def json_text(value: Any) -> str:
    import orjson

    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return repr(value)


def pointer(path: str, key: str | int) -> str:
    text = str(key)
    if "~" in text or "/" in text:
        text = text.replace("~", "~0").replace("/", "~1")
    return f"{path}/{text}"


def is_composite(schema: Mapping[str, Any]) -> bool:
    return "$ref" in schema or "anyOf" in schema or "oneOf" in schema or "allOf" in schema


class Hooks:
    """What a repairer changes in materialization; the plain validator uses these defaults (no change)."""

    def component(self, name: str, library: Library) -> Component | None:
        """The library component for a call name (a repairer may map a wrong-case name)."""
        return library.components.get(name)

    def coerce(self, value: Any, schema: Mapping[str, Any]) -> Any:
        """A value to use instead of a mismatched leaf, or INVALID."""
        return INVALID

    def node_budget(self, depth: int, count: int) -> bool:
        """Whether one more node at `depth` (the count so far) may be kept."""
        return True

    def note(self, issue: Issue) -> None:
        """A repair that happened silently (the repairer logs it)."""


PLAIN_HOOKS = Hooks()


class Materializer:
    """One materialization of one Program against one Library (a Library of None skips checking)."""

    def __init__(
        self,
        program: ast.Program,
        library: Library | None,
        *,
        lang: Lang = "1.0",
        partial: bool | None = None,
        hooks: Hooks = PLAIN_HOOKS,
    ) -> None:
        self.table: dict[str, ast.Statement] = program.table
        self.library = library
        self.lang = lang
        self.partial = program.incomplete if partial is None else partial
        self.hooks = hooks
        self.errors: list[Issue] = []
        self.unresolved: list[str] = []
        self.unreached: dict[str, None] = {}
        self.visited: set[str] = set()
        self.current: str | None = None
        self.depth = 0
        self.component_depth = 0
        self.nodes = 0

    # -- errors ---------------------------------------------------------------------------------------
    def error(self, code: str, message: str, component: str | None, path: str | None) -> None:
        self.errors.append(Issue(code, message, component, path, self.current))

    # -- references -----------------------------------------------------------------------------------
    def _unresolved(self, name: str) -> None:
        if name not in self.unresolved:
            self.unresolved.append(name)

    def _enter(self, name: str, read: Callable[[ast.Expr], _T], missing: _T, runtime: _T) -> _T:
        """Read the statement `name` refers to (as a value or as an expression), once per path: a name
        already being read (a cycle) or never defined is unresolved; Query/Mutation stay references."""
        if name in self.visited or name not in self.table:
            self._unresolved(name)
            return missing
        statement = self.table[name]
        self.unreached.pop(name, None)
        if statement.kind in ("query", "mutation"):
            return runtime
        self.visited.add(name)
        previous, self.current = self.current, name
        try:
            return read(statement.expr)
        finally:
            self.current = previous
            self.visited.discard(name)

    def resolve(self, name: str) -> Any:
        value = self._enter(name, self.value, None, Dynamic(ast.Ref(name)))
        if isinstance(value, Node):
            value.statement_id = name
        return value

    def resolve_expr(self, name: str) -> ast.Expr:
        missing: ast.Expr = ast.NULL
        return self._enter(name, self._expr_at_top, missing, ast.Ref(name))

    def _expr_at_top(self, node: ast.Expr) -> ast.Expr:
        return self.expr(node, frozenset())

    # -- runtime expressions --------------------------------------------------------------------------
    def expr(self, node: ast.Expr, scoped: frozenset[str]) -> ast.Expr:
        """`node` with its references inlined (lang-core's materializeExpr); no schema checks."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ProgramTooDeep(f"the program nests deeper than {MAX_DEPTH} levels")
        try:
            return self._expr(node, scoped)
        finally:
            self.depth -= 1

    def _expr(self, node: ast.Expr, scoped: frozenset[str]) -> ast.Expr:
        if isinstance(node, ast.Ref):
            return node if node.name in scoped else self.resolve_expr(node.name)
        if isinstance(node, ast.Call):
            if node.name == "Each" and len(node.args) >= 3:
                loop = node.args[1]
                variable = (
                    loop.name
                    if isinstance(loop, ast.Ref)
                    else loop.value
                    if isinstance(loop, ast.Str)
                    else None
                )
                if variable:
                    inner = scoped | {variable}
                    args = tuple(a if i == 1 else self.expr(a, inner) for i, a in enumerate(node.args))
                    return ast.Call(node.name, args, node.at)
            args = tuple(self.expr(a, scoped) for a in node.args)
            if node.name in ast.BUILTINS or node.name in ast.RESERVED_CALLS or self._custom_action(node):
                return ast.Call(node.name, args, node.at)
            if node.at and self.lang == "1.0":
                self._unknown_function(node.name)
                return ast.NULL
            if self.library is not None:
                component = self.hooks.component(node.name, self.library)
                if component is None:
                    self._unknown_component(node.name)
                else:
                    return ast.Call(component.name, args, node.at)
            return ast.Call(node.name, args, node.at)
        if isinstance(node, ast.Arr):
            return ast.Arr(tuple(self.expr(item, scoped) for item in node.items))
        if isinstance(node, ast.Obj):
            return ast.Obj(tuple((key, self.expr(value, scoped)) for key, value in node.entries))
        if isinstance(node, ast.Binary):
            return ast.Binary(node.op, self.expr(node.left, scoped), self.expr(node.right, scoped))
        if isinstance(node, ast.Unary):
            return ast.Unary(node.op, self.expr(node.operand, scoped))
        if isinstance(node, ast.Ternary):
            return ast.Ternary(
                self.expr(node.cond, scoped), self.expr(node.then, scoped), self.expr(node.other, scoped)
            )
        if isinstance(node, ast.Member):
            return ast.Member(self.expr(node.obj, scoped), node.field)
        if isinstance(node, ast.Index):
            return ast.Index(self.expr(node.obj, scoped), self.expr(node.index, scoped))
        if isinstance(node, ast.Assign):
            return ast.Assign(node.target, self.expr(node.value, scoped))
        return node

    # -- values ---------------------------------------------------------------------------------------
    def value(self, node: ast.Expr) -> Any:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ProgramTooDeep(f"the program nests deeper than {MAX_DEPTH} levels")
        kind = type(node)
        if kind is ast.Str or kind is ast.Num or kind is ast.Bool:
            value: Any = node.value  # type: ignore[union-attr]
        elif kind is ast.Ref:
            value = self.resolve(node.name)  # type: ignore[union-attr]
        elif kind is ast.Call:
            value = self.call(node)  # type: ignore[arg-type]
        elif kind is ast.Arr:
            value = []
            for item in node.items:  # type: ignore[union-attr]
                item_kind = type(item)
                if item_kind is ast.Str or item_kind is ast.Num or item_kind is ast.Bool:
                    value.append(item.value)  # type: ignore[union-attr]
                    continue
                element = self.value(item)
                if element is None and (item_kind is ast.Call or item_kind is ast.Ref):
                    continue  # unresolved references and invalid components leave arrays
                value.append(element)
        elif kind is ast.Obj:
            value = {}
            for key, entry in node.entries:  # type: ignore[union-attr]
                entry_kind = type(entry)
                if entry_kind is ast.Str or entry_kind is ast.Num or entry_kind is ast.Bool:
                    value[key] = entry.value  # type: ignore[union-attr]
                else:
                    value[key] = self.value(entry)
        elif kind is ast.Null:
            value = None
        else:
            value = Dynamic(self.expr(node, frozenset()))
        self.depth -= 1
        return value

    def call(self, node: ast.Call) -> Any:
        name = node.name
        if node.at:
            if name in ast.BUILTINS or self._custom_action(node):
                return Dynamic(self.expr(node, frozenset()))
            if name in ast.RESERVED_CALLS:
                self.error(
                    "inline-reserved", f"{name}() must be a statement of its own, not a value", name, ""
                )
                return None
            if self.lang == "1.0":
                self._unknown_function(name)
                return None
        elif name in ast.BUILTINS:
            return Dynamic(self.expr(node, frozenset()))
        if name in ast.RESERVED_CALLS:
            self.error("inline-reserved", f"{name}() must be a statement of its own, not a value", name, "")
            return None
        if self.library is None:
            return Node(name, {str(i): self.value(arg) for i, arg in enumerate(node.args)})
        component = self.hooks.component(name, self.library)
        if component is None:
            self._unknown_component(name)
            return None
        return self.component(component, node.args)

    def _custom_action(self, node: ast.Call) -> bool:
        """`@Name(...)` naming a custom action step of the library (1.0 `defineAction`)."""
        return node.at and self.library is not None and node.name in self.library.actions

    def _unknown_function(self, name: str) -> None:
        known = ", ".join(sorted(ast.BUILTIN_FUNCTIONS | ast.ACTION_STEPS))
        self.error(
            "unknown-function", f"@{name} is not a builtin function or action step ({known})", name, ""
        )

    def _unknown_component(self, name: str) -> None:
        assert self.library is not None
        available = ", ".join(self.library.components)
        self.error("unknown-component", f'unknown component "{name}"; the library has: {available}', name, "")

    def component(self, component: Component, args: tuple[ast.Expr, ...]) -> Node | None:
        if not self.hooks.node_budget(self.component_depth + 1, self.nodes):
            return None
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise ProgramTooLarge(f"the program materializes to more than {MAX_NODES} components")
        self.component_depth += 1
        try:
            return self._component(component, args)
        finally:
            self.component_depth -= 1

    def _component(self, component: Component, args: tuple[ast.Expr, ...]) -> Node | None:
        name = component.name
        params = component.params
        props: dict[str, Any] = {}
        nulls: set[str] = set()  # params given as null: "skipped", so the node carries no value for them
        drop = False
        for param, arg in zip(params, args, strict=False):
            value = self.value(arg)
            if value is None:
                nulls.add(param.name)
                continue
            checked = self.check(value, param.schema, name, "/" + param.name)
            if checked is INVALID:
                if param.has_default:
                    props[param.name] = param.default
                elif param.required:
                    drop = True
                    props[param.name] = value
            else:
                props[param.name] = checked
        if len(args) > len(params):
            self.error(
                "excess-args",
                f"{name} takes {len(params)} argument(s), got {len(args)} (the extra ones are dropped)",
                name,
                "",
            )
        invalid = False
        for param in component.required:
            if param.name in props:
                continue
            if param.has_default:
                props[param.name] = param.default
                continue
            invalid = True
            if param.name in nulls:
                message = f'required argument "{param.name}" of {component.typed_signature()} is null'
                self.error("null-required", message, name, "/" + param.name)
            else:
                message = f'missing required argument "{param.name}" of {component.typed_signature()}'
                self.error("missing-required", message, name, "/" + param.name)
        if invalid or drop:
            return None
        if len(props) > 1 and len(params) > 1:
            props = {p.name: props[p.name] for p in params if p.name in props}  # positional order
        return Node(name, props)

    # -- schema checks --------------------------------------------------------------------------------
    def check(self, value: Any, schema: Any, component: str, path: str) -> Any:
        """`value` (possibly cleaned) if it fits `schema`, else INVALID; errors are recorded on the way."""
        if value is None or type(schema) is not dict:
            return value
        kind = schema.get("type")
        scalar = _SCALAR_OF.get(type(value))
        if scalar is not None and (kind == scalar or (kind == "integer" and scalar == "number")):
            if "enum" not in schema and "const" not in schema:
                return value  # the common case: a scalar of the declared type
        elif isinstance(value, Dynamic):
            return value
        elif isinstance(value, Node):
            if is_composite(schema):
                return value
            if isinstance(kind, str) or "enum" in schema or "const" in schema:
                expected = kind if isinstance(kind, str) else "a literal value"
                self.error(
                    "type-mismatch",
                    f'"{path}" expects {expected} but got component "{value.component}"',
                    component,
                    path,
                )
                return INVALID
            return value
        if is_composite(schema):
            if self.lang == "1.0" and self._component_only(schema):
                names = " | ".join(str(ref_name(option)) for option in slot_options(schema))
                actual = "plain object" if isinstance(value, dict) else js_type(value)
                self.error("type-mismatch", f'"{path}" expects {names} but got {actual}', component, path)
                return INVALID
            return value
        if kind == "object":
            return self._object(value, schema, component, path)
        if kind == "array":
            return self._array(value, schema, component, path)
        return self._leaf(value, schema, component, path)

    def _component_only(self, schema: Mapping[str, Any]) -> bool:
        assert self.library is not None
        options = slot_options(schema)
        return bool(options) and all(ref_name(o) in self.library.components for o in options)

    def _object(self, value: Any, schema: Mapping[str, Any], component: str, path: str) -> Any:
        if not isinstance(value, dict):
            self.error("type-mismatch", f'"{path}" expects object but got {js_type(value)}', component, path)
            return INVALID
        properties = schema.get("properties")
        properties = properties if isinstance(properties, dict) else {}
        required = schema.get("required")
        required = required if isinstance(required, list) else []
        invalid = False
        if not self.partial:
            for key in required:
                if value.get(key) is None:
                    sub = properties.get(key)
                    if isinstance(sub, Mapping) and "default" in sub:
                        value[key] = sub["default"]
                        continue
                    code = "null-required" if key in value else "missing-required"
                    what = "is null" if key in value else "is missing"
                    self.error(
                        code, f'required key "{pointer(path, key)}" {what}', component, pointer(path, key)
                    )
                    invalid = True
        for key, sub in properties.items():
            if key not in value:
                continue
            checked = self.check(value[key], sub, component, pointer(path, key))
            if checked is INVALID:
                if isinstance(sub, Mapping) and "default" in sub:
                    value[key] = sub["default"]
                elif key in required:
                    invalid = True
                else:
                    del value[key]
            else:
                value[key] = checked
        return INVALID if invalid else value

    def _array(self, value: Any, schema: Mapping[str, Any], component: str, path: str) -> Any:
        if not isinstance(value, list):
            self.error("type-mismatch", f'"{path}" expects array but got {js_type(value)}', component, path)
            return INVALID
        items = schema.get("items")
        if not isinstance(items, dict):
            return value
        kept = []
        item_type = items.get("type")
        if item_type == "integer":
            item_type = "number"
        plain = "enum" not in items and "const" not in items
        for i, item in enumerate(value):
            scalar = _SCALAR_OF.get(type(item))
            if plain and scalar is not None and item_type == scalar:
                kept.append(item)  # the common case, without building the item's path
                continue
            checked = self.check(item, items, component, pointer(path, i))
            if checked is not INVALID:
                kept.append(checked)
        return kept

    def _leaf(self, value: Any, schema: Mapping[str, Any], component: str, path: str) -> Any:
        enum = schema.get("enum") if isinstance(schema.get("enum"), list) else None
        if enum is None and "const" in schema:
            enum = [schema["const"]]
        kind = schema.get("type")
        if enum is not None:
            if self.partial or js_typeof(value) not in _SCALAR_TYPES:
                return value
            if any(js_equal(value, member) for member in enum):
                return value
            expected = "one of [" + ", ".join(json_text(member) for member in enum) + "]"
            actual = json_text(value)
        elif kind in ("string", "number", "integer", "boolean"):
            expected = "number" if kind == "integer" else kind
            if js_typeof(value) == expected:
                return value
            actual = js_type(value)
        else:
            return value
        self.error("type-mismatch", f'"{path}" expects {expected} but got {actual}', component, path)
        coerced = self.hooks.coerce(value, schema)
        if coerced is not INVALID:
            self.hooks.note(
                Issue("type-mismatch", f'"{path}": {actual} read as {json_text(coerced)}', component, path)
            )
        return coerced


def component_statement(statement: ast.Statement) -> bool:
    """A value statement calling a component (not a builtin, Query or Mutation)."""
    expr = statement.expr
    return (
        statement.kind == "value" and isinstance(expr, ast.Call) and not expr.at
        and expr.name not in ast.BUILTINS and expr.name not in ast.RESERVED_CALLS
    )  # fmt: skip
