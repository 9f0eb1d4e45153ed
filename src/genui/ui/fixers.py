"""Compile a JSON Schema (our internal view) into fast repair closures.

Hand-written instead of pydantic/jsonschema validation: repair runs on every streamed node at gateway rates,
must *fix* rather than reject, and walking a dict with precompiled closures costs microseconds per node.
`tests/ui/test_ui_schema.py` checks the compiled repairer against the pydantic models and the exported schema.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

from .sanitize import is_plain, safe_image_url, safe_url, sanitize_markdown, sanitize_text

FAIL: Final = object()  # "cannot be repaired here": the caller drops the value (or fails in turn)

Fixer = Callable[[Any, "Ctx"], Any]
# How a container may skip calling a fixer on an exact str: (fixer, plain_max, choices). The fixer returns the
# str itself, with no note, when it is plain (sanitize.is_plain) and at most plain_max (-1: never) and
# limits.max_string characters long, or when it is in `choices`.
Step = tuple[Fixer, int, frozenset[str]]


@dataclass(frozen=True)
class RepairLimits:
    """Hard caps applied during repair (each at most the schema's own cap)."""

    max_depth: int = 12  # node nesting, the root Card included
    max_children: int = 50
    max_string: int = 20000
    max_nodes: int = 1000


@dataclass
class Ctx:
    """Per-call repair state: what was repaired, how deep we are, how many nodes we kept."""

    limits: RepairLimits
    repairs: list[str] = field(default_factory=list)
    depth: int = 0
    nodes: int = 0

    def note(self, message: str) -> None:
        if len(self.repairs) < 200:  # a hostile answer must not turn the log into a second copy of itself
            self.repairs.append(message)


class Splice:
    """A wrapper node's children, to be spliced into the surrounding node list."""

    __slots__ = ("children",)

    def __init__(self, children: list[Any]) -> None:
        self.children = children


# Hook that maps a node whose tag is unknown (or needs prop renames) onto an allowed one:
# (node dict, tag key, tag, allowed tags, ctx) -> node dict | Splice | None. Also called for known tags in
# `hooked` (prop renames, derived defaults).
Resolver = Callable[[dict[str, Any], str, str, frozenset[str], Ctx], "dict[str, Any] | Splice | None"]
# (hooked component, props dict) -> True when the resolver would hand a `{"component": tag, "props": props}`
# node back unchanged and note nothing (so the node union can skip calling it).
Idle = Callable[[str, dict[str, Any]], bool]


def _num_to_str(value: float) -> str:
    return (
        str(int(value))
        if isinstance(value, float) and value.is_integer() and abs(value) < 1e15
        else str(value)
    )


def _json_type(value: Any) -> str:
    kind = _JSON_TYPES.get(type(value))
    if kind is not None:
        return kind
    # subclasses (a str or int subclass from a caller): the isinstance order decides, bool before int
    for base, name in _JSON_TYPES.items():
        if isinstance(value, base):
            return name
    return "other"


# JSON type name by exact Python type: one dict lookup for what a parser produces.
_JSON_TYPES: dict[type, str] = {
    type(None): "null", bool: "boolean", int: "integer", float: "number", str: "string", list: "array",
    dict: "object",
}  # fmt: skip


class Compiler:
    """Compiles `$defs` lazily; `$ref` cycles (Node -> Tabs -> Node) go through a by-name lookup."""

    def __init__(
        self,
        defs: dict[str, Any],
        resolver: Resolver,
        hooked: frozenset[str],
        idle: Idle | None = None,
    ) -> None:
        self.defs = defs
        self.resolver = resolver
        self.hooked = hooked
        self.idle = idle
        self.compiled: dict[str, Fixer] = {}
        self._compiling: set[str] = set()
        self.tagged_unions: dict[str, TaggedUnion] = {}
        self.plain_max: dict[Fixer, int] = {}  # see Step
        self.choices: dict[Fixer, frozenset[str]] = {}  # see Step
        self.int_as_is: set[Fixer] = set()  # fixers that return any exact int itself, with no note

    # ---- entry points ------

    def step(self, fixer: Fixer) -> Step:
        """The fixer with what a container needs to skip calling it (see Step)."""
        return fixer, self.plain_max.get(fixer, -1), self.choices.get(fixer, frozenset())

    def ref(self, name: str) -> Fixer:
        """The compiled def; a late-bound lookup only while that def is itself being compiled (a cycle)."""
        compiled = self.compiled
        if name in compiled:
            return compiled[name]
        if name in self._compiling:

            def by_ref(value: Any, ctx: Ctx) -> Any:
                return compiled[name](value, ctx)

            return by_ref
        self._compiling.add(name)
        try:
            fixer = self.compile(self.defs[name])
        finally:
            self._compiling.discard(name)
        compiled[name] = fixer
        return fixer

    def union_for(self, name: str) -> TaggedUnion | None:
        """The tagged union compiled for a `$defs` entry that is an anyOf of tagged objects (Node, Action)."""
        if name not in self.tagged_unions:
            union = self._tagged_union(self.defs[name].get("anyOf", []))
            if union is None:
                return None
            self.tagged_unions[name] = union
        return self.tagged_unions[name]

    def compile(self, schema: Any) -> Fixer:
        if not isinstance(schema, dict) or not schema:
            return _fix_any
        if "$ref" in schema:
            name = str(schema["$ref"]).rsplit("/", 1)[-1]
            target = self.defs.get(name, {})
            if isinstance(target, dict) and ("anyOf" in target or "oneOf" in target):
                union = self.union_for(name) if "anyOf" in target else None
                if union is not None:
                    return union.fix
            return self.ref(name)
        if "const" in schema:
            fixer = _const_fixer(schema["const"])
            if type(schema["const"]) is str:
                self.choices[fixer] = frozenset({schema["const"]})
            return fixer
        if "enum" in schema:
            options = list(schema["enum"])
            fixer = _enum_fixer(options, schema.get("x-default"))
            self.choices[fixer] = frozenset(o for o in options if type(o) is str)
            return fixer
        branches = schema.get("anyOf") or schema.get("oneOf")
        if isinstance(branches, list):
            union = self._tagged_union(branches)
            return (
                union.fix
                if union is not None
                else self._any_of([self.compile(b) for b in branches], branches)
            )
        kind = schema.get("type")
        if isinstance(kind, list):
            subs = [{**schema, "type": k} for k in kind]
            return self._any_of([self.compile(s) for s in subs], subs)
        if kind == "object" or "properties" in schema:
            return self._object(schema)
        if kind == "array":
            return self._array(schema)
        if kind == "string":
            fixer = _string_fixer(schema)
            if _keeps_plain(schema):
                self.plain_max[fixer] = int(schema.get("maxLength", 1_000_000))
            return fixer
        if kind in ("number", "integer"):
            fixer = _number_fixer(schema, kind == "integer")
            if not {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"} & schema.keys():
                self.int_as_is.add(fixer)
            return fixer
        if kind == "boolean":
            return _fix_bool
        if kind == "null":
            return _fix_null
        return _fix_any

    # ---- composite fixers ------

    def _tagged_union(self, branches: list[Any]) -> TaggedUnion | None:
        """anyOf of $refs to objects that all carry a `const` under the same key (component / type)."""
        targets: list[tuple[str, dict[str, Any]]] = []
        for branch in branches:
            ref = branch.get("$ref") if isinstance(branch, dict) else None
            target = self.defs.get(str(ref).rsplit("/", 1)[-1]) if isinstance(ref, str) else None
            if not isinstance(target, dict) or "properties" not in target:
                return None
            targets.append((str(ref).rsplit("/", 1)[-1], target))
        if not targets:
            return None
        for key in ("component", "type"):
            tags: dict[str, tuple[Fixer | None, bool]] = {}
            for _name, target in targets:
                tag_schema = target["properties"].get(key)
                if not isinstance(tag_schema, dict) or "const" not in tag_schema:
                    break
                props_schema = target["properties"].get("props")
                props_fixer = self.compile(props_schema) if props_schema is not None else None
                tags[str(tag_schema["const"])] = (props_fixer, "props" in target.get("required", []))
            else:
                return TaggedUnion(key, tags, self)
        return None

    def _any_of(self, fixers: list[Fixer], branches: list[Any]) -> Fixer:
        types = [_branch_types(b, self.defs) for b in branches]
        orders: dict[str, tuple[Fixer, ...]] = {}
        for jtype in ("null", "boolean", "integer", "number", "string", "array", "object", "other"):
            exact = [
                f
                for f, t in zip(fixers, types, strict=True)
                if jtype in t or (jtype == "integer" and "number" in t)
            ]
            orders[jtype] = (
                *exact,
                *[f for f in fixers if f not in exact],
            )  # exact type first, then coercions

        by_type = {pytype: orders[jtype] for pytype, jtype in _JSON_TYPES.items()}
        # what the first fixer tried on a str returns as is, fix_any_of returns as is
        first_for_str = orders["string"][0] if orders["string"] else None
        plain_max = self.plain_max.get(first_for_str, -1) if first_for_str is not None else -1
        choices = self.choices.get(first_for_str) if first_for_str is not None else None

        def fix_any_of(value: Any, ctx: Ctx) -> Any:
            order = by_type.get(type(value))
            for fixer in order if order is not None else orders[_json_type(value)]:
                mark, nodes = len(ctx.repairs), ctx.nodes
                result = fixer(value, ctx)
                if result is not FAIL:
                    return result
                del ctx.repairs[mark:]
                ctx.nodes = nodes
            return FAIL

        if plain_max >= 0:
            self.plain_max[fix_any_of] = plain_max
        if choices:
            self.choices[fix_any_of] = choices
        return fix_any_of

    def _object(self, schema: dict[str, Any]) -> Fixer:
        properties: dict[str, Any] = schema.get("properties") or {}
        fixers = {name: self.compile(sub) for name, sub in properties.items()}
        required = tuple(schema.get("required", ()))
        defaults = {
            name: sub["x-default"]
            for name, sub in properties.items()
            if isinstance(sub, dict) and "x-default" in sub
        }
        extra = schema.get("additionalProperties")
        extra_fixer: Fixer | None = None
        if isinstance(extra, dict):
            extra_fixer = self.compile(extra)
        elif extra is not False and not properties:
            extra_fixer = _fix_any
        min_props = int(schema.get("minProperties", 0))
        step_of = {name: self.step(fixer) for name, fixer in fixers.items()}.get
        optional = frozenset(properties).difference(required)  # a null there means "absent"

        def fix_object(value: Any, ctx: Ctx) -> Any:
            if type(value) is not dict:
                if not isinstance(value, dict):
                    return FAIL
                value = dict(value.items())  # a subclass: what .items() gives, as a plain dict
            out: dict[str, Any] = {}
            max_string = ctx.limits.max_string
            for key in value:  # and value[key]: cheaper than unpacking .items() pairs
                item = value[key]
                step = step_of(key)
                if step is None:
                    if extra_fixer is not None and isinstance(key, str):
                        fixed = extra_fixer(item, ctx)
                        if fixed is not FAIL:
                            out[key] = fixed
                        continue
                    ctx.note(f"dropped unknown prop {key!r}")
                    continue
                fixer, plain_max, choices = step
                if type(item) is str:
                    # the Step test (see Step), inlined: a call per string is a tenth of a whole repair
                    size = len(item)
                    if (size <= plain_max and size <= max_string and is_plain(item)) or item in choices:
                        out[key] = item
                        continue
                elif item is None and key in optional:
                    continue
                fixed = fixer(item, ctx)
                if fixed is FAIL:
                    if key not in defaults:
                        ctx.note(f"dropped invalid prop {key!r}")
                    continue
                out[key] = fixed
            for key in required:
                if key not in out:
                    if key not in defaults:
                        return FAIL
                    default = defaults[key]
                    out[key] = list(default) if isinstance(default, list) else default
                    ctx.note(f"defaulted {key!r}")
            if min_props and len(out) < min_props:
                return FAIL
            return out

        return fix_object

    def _array(self, schema: dict[str, Any]) -> Fixer:
        items = schema.get("items", {})
        item_fixer = self.compile(items)
        union = _union_of(self, items)
        max_items = int(schema.get("maxItems", 1_000_000))
        min_items = int(schema.get("minItems", 0))

        fix_into = union.fix_into if union is not None else None
        _, plain_max, choices = self.step(item_fixer)
        ints = item_fixer in self.int_as_is
        calls_only = plain_max < 0 and not choices and not ints  # no item can skip the call

        def fix_array(value: Any, ctx: Ctx) -> Any:
            if not isinstance(value, list):
                if value is None:
                    return FAIL
                value = [value]
                ctx.note("wrapped a single value in a list")
            limit = ctx.limits.max_children
            cap = limit if limit < max_items else max_items  # min(max_items, limit), without the call
            out: list[Any] = []
            if fix_into is not None:  # a union's wrapper can splice several items in
                for item in value:
                    if len(out) >= cap:
                        ctx.note(f"truncated list to {cap} items")
                        break
                    fix_into(out, item, ctx)
                del out[cap:]
                return FAIL if len(out) < min_items else out
            max_string = ctx.limits.max_string
            for item in value:
                if len(out) >= cap:
                    ctx.note(f"truncated list to {cap} items")
                    break
                if not calls_only and (
                    (ints and type(item) is int)
                    or (  # the Step test, inlined as in fix_object
                        type(item) is str
                        and (
                            (len(item) <= plain_max and len(item) <= max_string and is_plain(item))
                            or item in choices
                        )
                    )
                ):
                    out.append(item)
                    continue
                fixed = item_fixer(item, ctx)
                if fixed is FAIL:
                    ctx.note("dropped invalid list item")
                    continue
                out.append(fixed)
            return FAIL if len(out) < min_items else out

        return fix_array


def _union_of(compiler: Compiler, items: Any) -> TaggedUnion | None:
    if isinstance(items, dict) and "$ref" in items:
        name = str(items["$ref"]).rsplit("/", 1)[-1]
        target = compiler.defs.get(name, {})
        if isinstance(target, dict) and "anyOf" in target:
            return compiler.union_for(name)
    if isinstance(items, dict) and isinstance(items.get("anyOf"), list):
        return compiler._tagged_union(items["anyOf"])
    return None


def _branch_types(branch: Any, defs: dict[str, Any]) -> frozenset[str]:
    if not isinstance(branch, dict):
        return frozenset()
    if "$ref" in branch:
        return frozenset({"object"})
    if "const" in branch or "enum" in branch:
        return frozenset({"string"})
    kind = branch.get("type")
    if isinstance(kind, list):
        return frozenset(str(k) for k in kind)
    return frozenset({str(kind)}) if kind else frozenset()


class TaggedUnion:
    """A union discriminated by a const tag (`component` for nodes, `type` for actions)."""

    def __init__(self, key: str, tags: dict[str, tuple[Fixer | None, bool]], compiler: Compiler) -> None:
        self.key = key
        self.tags = tags
        self.allowed = frozenset(tags)
        self.compiler = compiler
        # known tags the resolver hook never needs to see: looked up directly
        self._direct = {tag: entry for tag, entry in tags.items() if tag not in compiler.hooked}
        # hooked component tags whose hooks may be idle for a node (see Idle); actions always ask the resolver
        self._hooked = frozenset(tags) & compiler.hooked if key == "component" else frozenset()
        self._counts_nodes = key == "component"  # nodes count towards the depth and node budgets

    def fix(self, value: Any, ctx: Ctx) -> Any:
        result = self._fix_one(value, ctx, False)
        return FAIL if isinstance(result, Splice) else result

    def fix_into(self, out: list[Any], value: Any, ctx: Ctx) -> None:
        """Repair one list item into `out`; a wrapper's children are spliced in place."""
        result = self._fix_one(value, ctx, True)
        if type(result) is dict:  # _fix_one returns a new dict, FAIL or a Splice
            out.append(result)
        elif result is FAIL:
            ctx.note("dropped invalid list item")
        elif isinstance(result, Splice):
            for child in result.children:
                self.fix_into(out, child, ctx)
        else:
            out.append(result)

    def _fix_one(self, value: Any, ctx: Ctx, allow_splice: bool) -> Any:
        if not isinstance(value, dict):
            return FAIL
        key = self.key
        tag = value.get(key)
        entry = self._direct.get(tag) if isinstance(tag, str) else None
        if entry is None and isinstance(tag, str) and tag in self._hooked and len(value) == 2:
            props = value.get("props")
            idle = self.compiler.idle
            if type(props) is dict and idle is not None and idle(tag, props):
                entry = self.tags[tag]  # the resolver would hand this node back as it is
        if entry is None:
            resolved = self.compiler.resolver(
                value, key, tag if isinstance(tag, str) else "", self.allowed, ctx
            )
            if resolved is None:
                ctx.note(f"dropped unknown {key} {str(tag)[:40]!r}")
                return FAIL
            if isinstance(resolved, Splice):
                if not allow_splice:
                    if len(resolved.children) != 1:
                        return FAIL
                    return self._fix_one(resolved.children[0], ctx, False)
                return resolved
            value = resolved
            tag = value.get(key)
            entry = self.tags.get(tag) if isinstance(tag, str) else None
            if entry is None:
                return FAIL
        props_fixer, props_required = entry
        props = value.get("props")
        if props_fixer is None:
            if len(value) > 1:
                ctx.note(f"dropped props of {tag}")
            return {key: tag}
        if props is None:
            loose = {k: v for k, v in value.items() if k != key}
            if loose or props_required:
                props = loose
                if loose:
                    ctx.note(f"moved loose keys of {tag} into props")
        elif len(value) > 2:
            ctx.note(f"dropped extra keys on {tag}")
        if self._counts_nodes:
            limits = ctx.limits
            if ctx.depth >= limits.max_depth:
                ctx.note(f"dropped {tag}: too deep")
                return FAIL
            if ctx.nodes >= limits.max_nodes:
                ctx.note(f"dropped {tag}: too many nodes")
                return FAIL
            ctx.nodes += 1
        if props is None:
            return {key: tag}
        ctx.depth += 1
        try:
            fixed_props = props_fixer(props, ctx)
        finally:
            ctx.depth -= 1
        if fixed_props is FAIL:
            ctx.note(f"dropped invalid {tag}")
            return FAIL
        if fixed_props is None:
            return {key: tag}
        return {key: tag, "props": fixed_props}


# ---- leaf fixers ------


def _const_fixer(const: Any) -> Fixer:
    def fix_const(value: Any, ctx: Ctx) -> Any:
        return value if value == const and type(value) is type(const) else FAIL

    return fix_const


def _enum_fixer(options: list[Any], default: Any) -> Fixer:
    exact = {o for o in options if isinstance(o, str)}
    folded = {o.lower().replace("_", "").replace("-", ""): o for o in exact}
    others = [o for o in options if not isinstance(o, str)]

    def fix_enum(value: Any, ctx: Ctx) -> Any:
        if isinstance(value, str):
            if value in exact:
                return value
            match = folded.get(value.strip().lower().replace("_", "").replace("-", ""))
            if match is not None:
                ctx.note(f"enum case {value[:20]!r} -> {match!r}")
                return match
        elif value in others and not isinstance(value, bool):
            return value
        return FAIL

    return fix_enum


# String kinds holding a URL: the policy that keeps or refuses it (never cut: a shortened URL is another URL).
_URL_KINDS: dict[str, Callable[[str], str | None]] = {"url": safe_url, "image": safe_image_url}


def _keeps_plain(schema: dict[str, Any]) -> bool:
    """Whether _string_fixer(schema) returns a plain str (sanitize.is_plain) itself when the caps allow."""
    return (
        schema.get("x-kind") not in _URL_KINDS
        and "pattern" not in schema
        and int(schema.get("minLength", 0)) <= 0
    )


def _string_fixer(schema: dict[str, Any]) -> Fixer:
    kind = schema.get("x-kind", "text")
    max_length = int(schema.get("maxLength", 1_000_000))
    min_length = int(schema.get("minLength", 0))
    pattern = re.compile(schema["pattern"]) if isinstance(schema.get("pattern"), str) else None
    clean: Callable[[str], str | None]
    if kind in _URL_KINDS:
        clean = _URL_KINDS[kind]
    elif kind == "markdown":
        clean = sanitize_markdown
    else:
        clean = sanitize_text

    plain_ok = kind not in _URL_KINDS  # is_plain text is what sanitize_text / sanitize_markdown return as is

    def fix_string(value: Any, ctx: Ctx) -> Any:
        if (
            plain_ok and type(value) is str and len(value) <= min(max_length, ctx.limits.max_string)
            and is_plain(value)
        ):  # fmt: skip
            # nothing to clean or cut: only the length floor and the pattern to check
            if len(value) < min_length or (pattern is not None and pattern.search(value) is None):
                return FAIL
            return value
        if isinstance(value, str):
            text = value
        elif isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
            text = _num_to_str(value)
            ctx.note("number -> string")
        else:
            return FAIL
        cleaned = clean(text)
        if cleaned is None:
            ctx.note("removed unsafe URL")
            return FAIL
        if cleaned is not text and cleaned != text:
            ctx.note(f"sanitized {kind}")
        cap = min(max_length, ctx.limits.max_string)
        if len(cleaned) > cap:
            cleaned = cleaned[:cap]
            ctx.note(f"truncated string to {cap}")
            if kind in _URL_KINDS:
                return FAIL
        if len(cleaned) < min_length or (pattern is not None and pattern.search(cleaned) is None):
            return FAIL
        return cleaned

    return fix_string


def _number_fixer(schema: dict[str, Any], integer: bool) -> Fixer:
    low = schema.get("minimum")
    high = schema.get("maximum")
    xlow = schema.get("exclusiveMinimum")
    xhigh = schema.get("exclusiveMaximum")

    unbounded = low is None and high is None and xlow is None and xhigh is None

    def fix_number(value: Any, ctx: Ctx) -> Any:
        if unbounded and type(value) is int:
            return value  # the common case: nothing to convert or check
        number: Any = value
        if isinstance(value, bool):
            return FAIL
        if isinstance(value, str):
            text = value.strip()
            try:
                number = int(text)
            except ValueError:
                try:
                    number = float(text)
                except ValueError:
                    return FAIL
            ctx.note("string -> number")
        elif not isinstance(value, (int, float)):
            return FAIL
        if isinstance(number, float):
            if not math.isfinite(number):
                return FAIL
            if integer:
                if not number.is_integer():
                    return FAIL
                number = int(number)
        if (low is not None and number < low) or (high is not None and number > high):
            return FAIL
        if (xlow is not None and number <= xlow) or (xhigh is not None and number >= xhigh):
            return FAIL
        return number

    return fix_number


def _fix_bool(value: Any, ctx: Ctx) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        ctx.note("string -> boolean")
        return value.strip().lower() == "true"
    return FAIL


def _fix_null(value: Any, ctx: Ctx) -> Any:
    return None if value is None else FAIL


def _fix_any(value: Any, ctx: Ctx) -> Any:
    """Free-form JSON (custom schemas without types): sanitize strings, bound size and depth."""
    if isinstance(value, str):
        cleaned = sanitize_text(value)
        return cleaned[: ctx.limits.max_string]
    if value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else FAIL
    if ctx.depth >= ctx.limits.max_depth:
        return FAIL
    ctx.depth += 1
    try:
        if isinstance(value, list):
            items = [_fix_any(v, ctx) for v in value[: ctx.limits.max_children]]
            return [v for v in items if v is not FAIL]
        if isinstance(value, dict):
            out = {}
            for key, item in list(value.items())[: ctx.limits.max_children]:
                fixed = _fix_any(item, ctx)
                if fixed is not FAIL and isinstance(key, str):
                    out[sanitize_text(key)] = fixed
            return out
        return FAIL
    finally:
        ctx.depth -= 1
