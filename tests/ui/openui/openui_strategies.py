"""Hypothesis strategies for valid OpenUI trees of any Library (reused by later streaming/autofix tests).

`trees(library)` draws a root node `{"component", "props"}` whose every value satisfies the library's
JSON Schema under the 1.0 rules: required params always present, optional ones sometimes, components only
in slots that reference them, data only in data slots, no nulls (a null argument means "skipped"). Such a
tree is what `materialize(parse(write(tree)))` must give back.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hypothesis import strategies as st

from genui.ui.openui.library import Component, Library, ref_name, slot_options

# Text that exercises escaping: quotes, backslashes, newlines, control characters, non-ASCII, emoji.
TEXT = st.lists(
    st.one_of(
        st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=4),
        st.sampled_from(['"', "'", "\\", "\n", "\t", "//", "#", "```", "é", "🙂", "\u2028", "<b>"]),
    ),
    max_size=4,
).map("".join)
NUMBERS = st.one_of(
    st.integers(min_value=-(2**31), max_value=2**31),
    st.floats(allow_nan=False, allow_infinity=False, width=64).filter(lambda x: abs(x) < 1e15),
)
SCALARS = st.one_of(TEXT, NUMBERS, st.booleans())


def _min_depths(library: Library) -> dict[str, int]:
    """Fewest component levels each component needs (its required component slots), by fixpoint."""
    depth: dict[str, int] = {}
    for _ in range(len(library.components) + 1):
        changed = False
        for name, component in library.components.items():
            need = 1
            feasible = True
            for param in component.params:
                if not param.required or param.has_default:
                    continue
                options = _refs_needed(param.schema, library)
                if options is None:
                    continue
                known = [depth[o] for o in options if o in depth]
                if not known:
                    feasible = False
                    break
                need = max(need, 1 + min(known))
            if feasible and depth.get(name) != need and (name not in depth or need < depth[name]):
                depth[name] = need
                changed = True
        if not changed:
            break
    return depth


def _refs_needed(schema: Mapping[str, Any], library: Library) -> list[str] | None:
    """Components a required slot must hold (None: it can hold data, or an empty array)."""
    if schema.get("type") == "array":
        return None
    names = [ref_name(option) for option in slot_options(schema)]
    if names and all(n in library.components for n in names):
        return [n for n in names if n is not None]
    return None


class _Drawer:
    def __init__(self, library: Library, draw: Any, max_depth: int, max_items: int) -> None:
        self.library = library
        self.draw = draw
        self.max_depth = max_depth
        self.max_items = max_items
        self.depths = _min_depths(library)

    def fits(self, name: str, depth: int) -> bool:
        return name in self.depths and depth + self.depths[name] <= self.max_depth

    def node(self, component: Component, depth: int) -> dict[str, Any]:
        props: dict[str, Any] = {}
        for param in component.params:
            if param.required or self.draw(st.booleans()):
                value = self.value(param.schema, depth + 1, required=param.required)
                if value is not _SKIP:
                    props[param.name] = value
        return {"component": component.name, "props": props}

    def value(self, schema: Any, depth: int, *, required: bool) -> Any:
        if not isinstance(schema, Mapping):
            return self.draw(SCALARS)
        name = ref_name(schema)
        if name is not None:
            if name in self.library.components and self.fits(name, depth):
                return self.node(self.library.components[name], depth)
            return _SKIP  # too deep here, or a non-component $def (left out: it is optional)
        if "anyOf" in schema or "oneOf" in schema:
            usable = [o for o in slot_options(schema) if o.get("type") != "null" and self.usable(o, depth)]
            if not usable:
                return _SKIP
            return self.value(self.draw(st.sampled_from(usable)), depth, required=required)
        if "enum" in schema:
            return self.draw(st.sampled_from(schema["enum"]))
        if "const" in schema:
            return schema["const"]
        kind = schema.get("type")
        if isinstance(kind, list):
            kinds = [k for k in kind if k != "null"]
            kind = self.draw(st.sampled_from(kinds)) if kinds else None
        if kind == "string":
            return self.draw(TEXT)
        if kind == "number":
            return self.draw(NUMBERS)
        if kind == "integer":
            return self.draw(st.integers(min_value=-(2**31), max_value=2**31))
        if kind == "boolean":
            return self.draw(st.booleans())
        if kind == "array":
            items = schema.get("items")
            if not isinstance(items, Mapping) or not self.usable(items, depth):
                return []
            low = int(schema.get("minItems", 0))
            count = self.draw(st.integers(min_value=low, max_value=max(low, self.max_items)))
            values = [self.value(items, depth, required=True) for _ in range(count)]
            return [v for v in values if v is not _SKIP]
        if kind == "object":
            properties = schema.get("properties")
            out: dict[str, Any] = {}
            if isinstance(properties, Mapping) and properties:
                required = set(schema.get("required", []))
                for key, sub in properties.items():
                    if key in required or self.draw(st.booleans()):
                        value = self.value(sub, depth, required=key in required)
                        if value is not _SKIP:
                            out[key] = value
            elif isinstance(schema.get("additionalProperties"), Mapping):
                keys = self.draw(st.lists(TEXT, max_size=3, unique=True))
                out = {k: self.value(schema["additionalProperties"], depth, required=True) for k in keys}
                out = {k: v for k, v in out.items() if v is not _SKIP}
            return out
        return self.draw(SCALARS)

    def usable(self, schema: Mapping[str, Any], depth: int) -> bool:
        name = ref_name(schema)
        if name is not None:
            return name not in self.library.components or self.fits(name, depth)
        return True


_SKIP: Any = object()


@st.composite
def trees(
    draw: Any, library: Library, *, root: str | None = None, max_depth: int = 4, max_items: int = 3
) -> Any:
    """A valid tree rooted at `root` (default: the library's root component)."""
    drawer = _Drawer(library, draw, max_depth, max_items)
    name = root or library.root
    assert name is not None, "the library names no root component"
    return drawer.node(library.components[name], 0)
