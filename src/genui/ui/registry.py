"""The Catalog: active components and actions for one catalog version + `metadata.thesys`, and node repair."""

from __future__ import annotations

import copy
import re
from functools import lru_cache
from typing import Any

from . import catalog as c
from .catalog import fold
from .fixers import FAIL, Compiler, Ctx, Fixer, RepairLimits, Splice, TaggedUnion
from .prompt import build_system_prompt
from .sanitize import sanitize_markdown
from .schema import Schema, assemble, decoding_view, validation_view
from .slim import slim_view
from .thesys import ThesysMetadata

LATEST_CATALOG_VERSION = "2026-11-21"
CATALOG_VERSIONS: tuple[str, ...] = (LATEST_CATALOG_VERSION,)
BUILTIN_ACTIONS: tuple[str, ...] = tuple(c.BUILTIN_ACTIONS)
ALL_BLOCKS: tuple[str, ...] = tuple(c.component_name(m) for m in c.BLOCK_COMPONENTS)

RepairState = Ctx  # public name: pass one to several repair_node calls to share the node budget of one answer


def _slug(text: Any) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", str(text).lower()).strip("_")
    return slug[:60] or "item"


# Unknown tags whose intent is unambiguous -> the current component (keys are folded names).
_ALIASES = {
    **{fold(old): new for old, new in c.DEPRECATED_COMPONENTS.items() if new and old not in c.V0_CHARTS},
    **c.COMPONENT_ALIASES,
}
_V0_CHARTS = {fold(old): c.DEPRECATED_COMPONENTS[old] for old in c.V0_CHARTS}
_ONE_DIMENSIONAL = c.components_with("chartData", c.Chart1D)
_ALIAS_ITEMS = {name: tuple(aliases.items()) for name, aliases in c.PROP_ALIASES.items()}
HOOKED = frozenset({*c.PROP_ALIASES, "IconButton", "Form"})


def _props_of(node: dict[str, Any], key: str) -> dict[str, Any]:
    props = node.get("props")
    if isinstance(props, dict):
        return dict(props)
    return {k: v for k, v in node.items() if k not in (key, "props")}


def _apply_hooks(name: str, props: dict[str, Any], ctx: Ctx) -> dict[str, Any]:
    for target, sources in c.PROP_ALIASES.get(name, {}).items():
        if target not in props:
            for source in sources:
                if source in props and source != target:
                    props[target] = props.pop(source)
                    ctx.note(f"{name}: renamed {source!r} to {target!r}")
                    break
    if name == "Button" and "name" not in props and isinstance(props.get("children"), (str, int, float)):
        props["name"] = _slug(props["children"])
        ctx.note("Button: derived name")
    elif name == "IconButton":
        if isinstance(props.get("icon"), str):
            props["icon"] = {"component": "Icon", "props": {"name": props["icon"]}}
        icon = props.get("icon")
        if "name" not in props and isinstance(icon, dict) and isinstance(icon.get("props"), dict):
            props["name"] = _slug(icon["props"].get("name", "icon"))
    elif name == "CalloutV2" and isinstance(props.get("variant"), str):
        props["variant"] = c.TONE_ALIASES.get(props["variant"].lower(), props["variant"])
    elif name == "FollowUpBlock" and isinstance(props.get("followUpText"), list):
        props["followUpText"] = [
            (i.get("text") or i.get("label") or i.get("title")) if isinstance(i, dict) else i
            for i in props["followUpText"]
        ]
    elif name == "Form" and isinstance(props.get("children"), list):
        props["children"] = [_name_form_field(f) for f in props["children"]]
    return props


def _hooks_idle(name: str, props: dict[str, Any]) -> bool:
    """True when _apply_hooks would change (and note) nothing in these props, so `resolve` would hand an
    allowed `{"component": name, "props": props}` node back as it is. Mirrors _apply_hooks branch by branch:
    change one, change both."""
    for target, sources in _ALIAS_ITEMS.get(name, ()):
        if target not in props:
            for source in sources:
                if source in props and source != target:
                    return False
    if name == "Button":
        return "name" in props or not isinstance(props.get("children"), (str, int, float))
    if name == "IconButton":
        icon = props.get("icon")
        return not isinstance(icon, str) and (
            "name" in props or not (isinstance(icon, dict) and isinstance(icon.get("props"), dict))
        )
    if name == "CalloutV2":
        variant = props.get("variant")
        return not isinstance(variant, str) or c.TONE_ALIASES.get(variant.lower(), variant) == variant
    if name == "FollowUpBlock":
        items = props.get("followUpText")
        if isinstance(items, list):
            for item in items:
                if isinstance(item, dict):
                    return False
        return True
    if name == "Form":
        fields = props.get("children")
        return not isinstance(fields, list) or all(_name_form_field(f) is f for f in fields)
    return True


def _name_form_field(field: Any) -> Any:
    """A form control without a `name` gets one from its field label (the client reports values by name)."""
    if not isinstance(field, dict):
        return field
    control = field.get("children")
    if (
        isinstance(control, dict)
        and isinstance(control.get("props"), dict)
        and "name" not in control["props"]
    ):
        label = field.get("label")
        if isinstance(label, str) and label.strip():
            return {**field, "children": {**control, "props": {**control["props"], "name": _slug(label)}}}
    return field


def _v0_chart(props: dict[str, Any], target: str) -> dict[str, Any] | None:
    """v0 chart (`categoryKey` + row objects) -> V2 chartData; None when the rows don't say enough."""
    rows = (
        [r for r in props.get("data", []) if isinstance(r, dict)]
        if isinstance(props.get("data"), list)
        else []
    )
    key = props.get("categoryKey")
    if not rows or not isinstance(key, str):
        return None
    series_keys: list[str] = []
    for row in rows:
        for name, value in row.items():
            if name != key and name not in series_keys and isinstance(value, (int, float, str)):
                series_keys.append(name)
    if not series_keys:
        return None

    def number(value: Any) -> Any:
        return 0 if value is None else value

    chart: dict[str, Any]
    if target in _ONE_DIMENSIONAL:
        chart = {"data": [{"category": r.get(key, ""), "value": number(r.get(series_keys[0]))} for r in rows]}
    else:
        chart = {
            "data": {
                "labels": [r.get(key, "") for r in rows],
                "series": [{"category": s, "values": [number(r.get(s)) for r in rows]} for s in series_keys],
            }
        }
    title = props.get("title") or props.get("heading")
    if isinstance(title, str):
        chart["header"] = {"component": "InlineHeader", "props": {"heading": title}}
    rest = {k: v for k, v in props.items() if k not in ("data", "categoryKey", "title", "heading")}
    return {**rest, "chartData": chart}


@lru_cache(maxsize=64)
def _folded(allowed: frozenset[str]) -> dict[str, str]:
    return {fold(name): name for name in allowed}


def _resolve_action(
    node: dict[str, Any], tag: str, allowed: frozenset[str], ctx: Ctx
) -> dict[str, Any] | None:
    props = _props_of(node, "type")
    folded = fold(tag)
    name = _folded(allowed).get(folded)
    if name is None and folded in ("", "link", "url", "openlink", "navigate") and "open_url" in allowed:
        name = "open_url" if isinstance(props.get("url"), str) else None
        if name is None and folded == "" and not props and "continue_conversation" in allowed:
            name = "continue_conversation"
    if name is None:
        return None
    ctx.note(f"action {tag[:30]!r} -> {name!r}")
    return {"type": name, "props": props} if props else {"type": name}


def resolve(node: dict[str, Any], key: str, tag: str, allowed: frozenset[str], ctx: Ctx) -> Any:
    """Map a node the union does not know (or one with known prop aliases) onto an allowed component."""
    if key != "component":
        return _resolve_action(node, tag, allowed, ctx)
    props = _props_of(node, key)
    if tag in allowed:
        return {"component": tag, "props": _apply_hooks(tag, props, ctx)}
    folded = fold(tag)
    name = _folded(allowed).get(folded)
    if name is not None:
        ctx.note(f"component {tag[:30]!r} -> {name!r}")
        return {"component": name, "props": _apply_hooks(name, props, ctx)}
    target = _V0_CHARTS.get(folded)
    if target is not None and target in allowed:
        reshaped = _v0_chart(props, target)
        if reshaped is None:
            return None
        ctx.note(f"v0 chart {tag!r} -> {target!r}")
        return {"component": target, "props": reshaped}
    target = _ALIASES.get(folded)
    if target is not None and target in allowed:
        ctx.note(f"component {tag[:30]!r} -> {target!r}")
        return {"component": target, "props": _apply_hooks(target, props, ctx)}
    if folded in c.LAYOUT_WRAPPERS:
        children = props.get("children", props.get("content"))
        if isinstance(children, dict):
            children = [children]
        if isinstance(children, list):
            ctx.note(f"spliced children of wrapper {tag[:30]!r}")
            return Splice(children)
        return None
    if folded == "button" and "Button" not in allowed and "ButtonGroup" in allowed:
        ctx.note("wrapped a lone Button in a ButtonGroup")
        return {"component": "ButtonGroup", "props": {"children": [{"component": "Button", "props": props}]}}
    return None


class Catalog:
    """Immutable set of active components/actions for one catalog version; schemas, prompt and repair."""

    def __init__(
        self,
        version: str = LATEST_CATALOG_VERSION,
        thesys: ThesysMetadata | None = None,
        limits: RepairLimits | None = None,
    ) -> None:
        if version not in CATALOG_VERSIONS:
            raise KeyError(version)
        meta = thesys or ThesysMetadata()
        self.version = version
        self.thesys = meta
        self.limits = limits or RepairLimits()
        excluded = set(meta.c1_excluded_components)
        included = set(meta.c1_included_components)
        custom = {k: v for k, v in meta.c1_custom_components.items() if k not in excluded}
        self.blocks: tuple[str, ...] = tuple(
            name for name in ALL_BLOCKS
            if (name not in c.OPT_IN_COMPONENTS or name in included)
            and name not in excluded
            and name not in custom
        )  # fmt: skip
        self.custom_components: dict[str, Schema] = copy.deepcopy(custom)
        self.custom_actions: dict[str, Schema] = {
            k: copy.deepcopy(v) for k, v in meta.c1_custom_actions.items() if k not in BUILTIN_ACTIONS
        }
        self.actions: tuple[str, ...] = BUILTIN_ACTIONS
        self._internal = assemble(self.blocks, self.custom_components, self.actions, self.custom_actions)
        self._validation: Schema | None = None
        self._decoding: Schema | None = None
        self._embedded: Schema | None = None
        self._prompt: str | None = None
        compiler = Compiler(self._internal["$defs"], resolve, HOOKED, _hooks_idle)
        self._compiler = compiler
        self._node_union: TaggedUnion | None = compiler.union_for("Node")
        self._card_props = compiler.compile(self._internal["properties"]["props"])
        self._list_fixers: dict[tuple[str, tuple[str, ...]], Fixer | None] = {}  # see repair_items

    # ---- construction ------

    @staticmethod
    def default(version: str | None = None) -> Catalog:
        """The stock catalog of a version (latest when None). KeyError for an unknown version."""
        return _cached(version or LATEST_CATALOG_VERSION, None, RepairLimits())

    def with_thesys(self, meta: ThesysMetadata) -> Catalog:
        """This catalog shaped by `metadata.thesys` (include/exclude/custom components and actions)."""
        return _cached(self.version, meta, self.limits)

    def with_limits(self, limits: RepairLimits) -> Catalog:
        return _cached(self.version, self.thesys, limits)

    # ---- views ------

    @property
    def component_names(self) -> frozenset[str]:
        """Every component the catalog can generate (blocks, custom, and the sub-components they use)."""
        defs = self._internal["$defs"]
        names = set()
        for schema in defs.values():
            tag = schema.get("properties", {}).get("component", {}) if isinstance(schema, dict) else {}
            if isinstance(tag, dict) and "const" in tag:
                names.add(str(tag["const"]))
        names.discard("Card")
        return frozenset(names)

    def internal_schema(self) -> Schema:
        """Schema with the private `x-kind` / `x-default` annotations (for the prompt builder and tests)."""
        return self._internal

    def json_schema(self) -> Schema:
        """Decoding schema of the root Card node (tight bounds, for constrained decoding). A fresh copy."""
        if self._decoding is None:
            self._decoding = decoding_view(self._internal)
        return copy.deepcopy(self._decoding)

    def validation_schema(self) -> Schema:
        """What a C1 client accepts (hard caps); every repair result validates against it. A fresh copy."""
        if self._validation is None:
            self._validation = validation_view(self._internal)
        return copy.deepcopy(self._validation)

    def embedded_schema(self) -> Schema:
        """The decoding schema cut down for the small embedded model (slim.py): the catalog's
        EMBEDDED_COMPONENTS and custom components, required props only, tight caps. A fresh copy."""
        if self._embedded is None:
            self._embedded = slim_view(self.json_schema())
        return copy.deepcopy(self._embedded)

    def system_prompt(self) -> str:
        if self._prompt is None:
            self._prompt = build_system_prompt(self._internal, self.blocks, tuple(self.custom_components))
        return self._prompt

    # ---- repair ------

    def new_state(self, repairs: list[str] | None = None) -> RepairState:
        """A repair state shared across calls for one answer (node budget, repair log)."""
        return Ctx(self.limits, repairs if repairs is not None else [])

    def _ctx(self, repairs: list[str] | None, state: RepairState | None) -> Ctx:
        if state is not None:
            return state
        return Ctx(self.limits, repairs if repairs is not None else [])

    def repair_nodes(
        self, node: object, repairs: list[str] | None = None, *, state: RepairState | None = None
    ) -> list[dict[str, Any]]:
        """Repair one Card child into 0..n valid children (a layout wrapper's children are spliced)."""
        if self._node_union is None:
            return []
        ctx = self._ctx(repairs, state)
        out: list[Any] = []
        ctx.depth += 1
        try:
            self._node_union.fix_into(out, node, ctx)
        except RecursionError:
            ctx.note("dropped a node nested too deeply")
            return []
        finally:
            ctx.depth -= 1
        return out

    def repair_items(
        self, name: str, slot: tuple[str, ...], items: list[Any], state: RepairState | None = None
    ) -> list[Any] | None:
        """Items of the list at `slot` in the props of a `name` Card child, repaired as repair_nodes repairs
        them inside it (at its depth, against the same budget) without repairing the container again. None
        when only the whole container can say (its hooks rewrite items, or it has no such list)."""
        key = (name, slot)
        if key not in self._list_fixers:
            self._list_fixers[key] = self._list_fixer(name, slot)
        fixer = self._list_fixers[key]
        if fixer is None:
            return None
        ctx = self._ctx(None, state)
        ctx.depth += 2  # the container is a Card child (repair_nodes) and its props one node deeper
        try:
            fixed = fixer(items, ctx)
        except RecursionError:
            ctx.note("dropped a node nested too deeply")
            return []
        finally:
            ctx.depth -= 2
        return fixed if isinstance(fixed, list) else []

    def _list_fixer(self, name: str, slot: tuple[str, ...]) -> Fixer | None:
        """The fixer the node union applies to the list at `slot` of a `name` node's props."""
        if name in HOOKED:
            return None
        defs = self._internal["$defs"]
        schema: Any = defs.get(name)
        tag = schema.get("properties", {}).get("component") if isinstance(schema, dict) else None
        if not isinstance(tag, dict) or tag.get("const") != name:
            return None
        for key in ("props", *slot, None):
            ref = schema.get("$ref") if isinstance(schema, dict) else None
            if isinstance(ref, str):
                schema = defs.get(ref.rsplit("/", 1)[-1])
            if key is not None:
                properties = schema.get("properties") if isinstance(schema, dict) else None
                schema = properties.get(key) if isinstance(properties, dict) else None
        if not isinstance(schema, dict) or schema.get("type") != "array":
            return None
        return self._compiler.compile(schema)

    def repair_node(
        self, node: object, repairs: list[str] | None = None, *, state: RepairState | None = None
    ) -> dict[str, Any] | None:
        """Validate and repair one child node of the Card; None = drop it. A wrapper with several children
        cannot become one node: use `repair_nodes` where splicing is possible."""
        nodes = self.repair_nodes(node, repairs, state=state)
        if len(nodes) == 1:
            return nodes[0]
        if len(nodes) > 1:
            ctx = self._ctx(repairs, state)
            ctx.note("dropped a wrapper with several children (repair_nodes splices them)")
        return None

    def repair_tree(self, node: object, repairs: list[str] | None = None) -> dict[str, Any]:
        """Always a valid Card node. Accepts a Card node, the v1 envelope, a bare node, a node list, text."""
        ctx = Ctx(self.limits, repairs if repairs is not None else [])
        ctx.depth = 1  # the root Card is level 1, as in repair_nodes
        value: Any = node
        if isinstance(value, dict) and isinstance(value.get("component"), dict):
            value = value["component"]  # the v1 envelope {"component": {...Card}, "error": null}
        props: Any
        if isinstance(value, str):
            text = sanitize_markdown(value).strip()[: ctx.limits.max_string]
            children = [{"component": "TextContent", "props": {"textMarkdown": text}}] if text else []
            props = {"children": children if "TextContent" in self.blocks else []}
        elif isinstance(value, list):
            props = {"children": value}
        elif isinstance(value, dict) and value.get("component") == "Card":
            props = _props_of(value, "component")
            if "children" not in props:
                props["children"] = []
        elif isinstance(value, dict):
            props = {"children": [value]}
        else:
            props = {"children": []}
        try:
            fixed = self._card_props(props, ctx)
            if fixed is FAIL:
                ctx.note("Card props invalid: kept children only")
                fixed = self._card_props({"children": props.get("children", [])}, ctx)
        except RecursionError:
            ctx.note("tree nested too deeply")
            fixed = FAIL
        if fixed is FAIL:
            fixed = {"children": []}
        return {"component": "Card", "props": fixed}

    def __repr__(self) -> str:
        custom = list(self.custom_components)
        return f"Catalog(version={self.version!r}, blocks={len(self.blocks)}, custom={custom})"


@lru_cache(maxsize=256)
def _cached_by_key(version: str, key: str, limits: RepairLimits) -> Catalog:
    meta = ThesysMetadata.model_validate_json(key) if key else None
    return Catalog(version, meta, limits)


def _cached(version: str, meta: ThesysMetadata | None, limits: RepairLimits) -> Catalog:
    if version not in CATALOG_VERSIONS:
        raise KeyError(version)
    return _cached_by_key(version, meta.cache_key() if meta is not None else "", limits)
