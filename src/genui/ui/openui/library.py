"""Component libraries: ordered params from OpenUI's JSON Schema (`library.toJSONSchema()`) or CLI spec.

Positional arguments bind to a component's `properties` in key order, so a Library keeps that order. Two
input shapes are accepted: `{"$defs": {Name: {...}}}` as `toJSONSchema()` writes it, and the CLI spec
`{root, schema: {"$defs": ...}, componentGroups?, id?, components?: {Name: {signature, description}}}`.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from typing import Any

import orjson

# $defs entries that are value shapes, not components (1.0 libraries add one for action props).
NON_COMPONENT_DEFS = frozenset({"ActionExpression"})
_REF_PREFIX = "#/$defs/"
_CACHE_SIZE = 64


class LibraryError(ValueError):
    """A library document that cannot be used; `issues` lists (path, reason) pairs, the first is `path`."""

    def __init__(self, issues: list[tuple[str, str]]) -> None:
        self.issues = issues
        self.path, self.reason = issues[0]
        super().__init__("; ".join(f"{path or '(document)'}: {reason}" for path, reason in issues))


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


def ref_name(schema: Mapping[str, Any]) -> str | None:
    """`{"$ref": "#/$defs/Name"}` -> "Name"."""
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith(_REF_PREFIX):
        return ref[len(_REF_PREFIX) :]
    return None


def slot_options(schema: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The alternatives of a slot: its anyOf/oneOf members, or the slot itself."""
    options = schema.get("anyOf", schema.get("oneOf"))
    if isinstance(options, list):
        return [option for option in options if isinstance(option, Mapping)]
    return [schema]


@dataclass(frozen=True, slots=True)
class Param:
    """One positional parameter of a component."""

    name: str
    schema: Mapping[str, Any]
    required: bool
    type: str | None  # the JSON Schema type when it is one type (nullable aside), else None
    nullable: bool
    default: Any  # MISSING when the schema has none
    enum: tuple[Any, ...] | None
    refs: tuple[str, ...]  # components the slot (or its array items) accepts

    @property
    def has_default(self) -> bool:
        return self.default is not MISSING

    @property
    def optional(self) -> bool:
        """May be left out by the model: not required, or filled from a default."""
        return not self.required or self.has_default


@dataclass(frozen=True, slots=True)
class Component:
    name: str
    params: tuple[Param, ...]
    description: str | None = None
    signature: str | None = None  # the prompt signature from a CLI spec, when given
    required: tuple[Param, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "required", tuple(p for p in self.params if p.required))

    def param(self, name: str) -> Param | None:
        for param in self.params:
            if param.name == name:
                return param
        return None

    def typed_signature(self) -> str:
        """`Header(title*: string, subtitle: string)`; `*` marks required params without a default."""
        parts = []
        for param in self.params:
            mark = "*" if param.required and not param.has_default else ""
            kind = _type_hint(param.schema)
            parts.append(f"{param.name}{mark}: {kind}" if kind else f"{param.name}{mark}")
        return f"{self.name}({', '.join(parts)})"


def _type_hint(schema: Mapping[str, Any]) -> str | None:
    name = ref_name(schema)
    if name is not None:
        return name
    if isinstance(schema.get("enum"), list):
        return "|".join(orjson.dumps(v).decode() for v in schema["enum"])
    if "const" in schema:
        return orjson.dumps(schema["const"]).decode()
    kind = schema.get("type")
    return kind if isinstance(kind, str) else None


def _accepted_refs(schema: Mapping[str, Any], components: frozenset[str]) -> tuple[str, ...]:
    slot = schema
    if schema.get("type") == "array" and isinstance(schema.get("items"), Mapping):
        slot = schema["items"]
    names = [ref_name(option) for option in slot_options(slot)]
    return tuple(name for name in names if name is not None and name in components)


def _param(name: str, schema: Mapping[str, Any], required: bool, components: frozenset[str]) -> Param:
    raw_type = schema.get("type")
    nullable = False
    kind: str | None = None
    if isinstance(raw_type, str):
        kind = raw_type
        nullable = raw_type == "null"
    elif isinstance(raw_type, list):
        nullable = "null" in raw_type
        rest = [t for t in raw_type if t != "null"]
        kind = rest[0] if len(rest) == 1 and isinstance(rest[0], str) else None
    options = schema.get("anyOf", schema.get("oneOf"))
    if isinstance(options, list):
        nullable = nullable or any(isinstance(o, Mapping) and o.get("type") == "null" for o in options)
    enum: tuple[Any, ...] | None = None
    if isinstance(schema.get("enum"), list):
        enum = tuple(schema["enum"])
    elif "const" in schema:
        enum = (schema["const"],)
    return Param(
        name=name,
        schema=schema,
        required=required,
        type=kind,
        nullable=nullable,
        default=schema.get("default", MISSING),
        enum=enum,
        refs=_accepted_refs(schema, components),
    )


def _check_refs(node: Any, path: str, names: frozenset[str], issues: list[tuple[str, str]]) -> None:
    stack: list[tuple[Any, str]] = [(node, path)]
    while stack:
        value, where = stack.pop()
        if isinstance(value, list):
            stack.extend((item, f"{where}/{i}") for i, item in enumerate(value))
        elif isinstance(value, Mapping):
            ref = value.get("$ref")
            if isinstance(ref, str) and (
                not ref.startswith(_REF_PREFIX) or ref[len(_REF_PREFIX) :] not in names
            ):
                issues.append(
                    (
                        where,
                        f'unresolvable $ref "{ref}": refs must be "#/$defs/<name>" of a defined component',
                    )
                )
            stack.extend((item, f"{where}/{key}") for key, item in value.items() if key != "$ref")


@dataclass(frozen=True, eq=False)
class Library:
    """An immutable component library; `digest` identifies its source document."""

    components: Mapping[str, Component]
    root: str | None
    schema: Mapping[str, Any]
    component_groups: tuple[Mapping[str, Any], ...] = ()
    id: str | None = None
    digest: str = ""
    actions: frozenset[str] = frozenset()  # custom action steps (`@Name(...)`) the application handles

    def with_actions(self, names: Iterable[str]) -> Library:
        """This library with custom action steps the validator accepts (and repair keeps) as `@Name(...)`."""
        return replace(self, actions=self.actions | frozenset(names))

    def __contains__(self, name: object) -> bool:
        return name in self.components

    def get(self, name: str) -> Component | None:
        return self.components.get(name)

    @property
    def root_component(self) -> Component | None:
        return self.components.get(self.root) if self.root else None

    @classmethod
    def from_document(cls, document: Any, *, root: str | None = None, digest: str = "") -> Library:
        """Build from either accepted shape; raises LibraryError naming what is wrong."""
        if not isinstance(document, Mapping):
            raise LibraryError([("", "a library must be a JSON object")])
        is_spec = "schema" in document or ("components" in document and "$defs" not in document)
        issues: list[tuple[str, str]] = []
        prefix = "schema/" if is_spec else ""
        schema = document.get("schema") if is_spec else document
        spec_components: Mapping[str, Any] = {}
        groups: tuple[Mapping[str, Any], ...] = ()
        library_id: str | None = None
        if is_spec:
            given_root = document.get("root")
            if given_root is not None and (not isinstance(given_root, str) or not given_root):
                issues.append(("root", "root, when present, must be a non-empty string"))
            elif root is None:
                root = given_root
            raw_components = document.get("components", {})
            if not isinstance(raw_components, Mapping):
                issues.append(("components", "components must be an object of {signature, description}"))
            else:
                spec_components = raw_components
            raw_id = document.get("id")
            library_id = raw_id if isinstance(raw_id, str) else None
        if not isinstance(schema, Mapping):
            issues.append(("schema", "schema must be an object with a $defs map of component schemas"))
            raise LibraryError(issues)
        defs = schema.get("$defs")
        if not isinstance(defs, Mapping) or not defs:
            issues.append((f"{prefix}$defs", "$defs must be a non-empty object keyed by component name"))
            raise LibraryError(issues)
        names = frozenset(defs)
        component_names = frozenset(name for name in names if name not in NON_COMPONENT_DEFS)
        if root is not None and root not in component_names:
            issues.append(("root", f'root component "{root}" is not in $defs'))
        for name, definition in defs.items():
            where = f"{prefix}$defs/{name}"
            if not isinstance(definition, Mapping):
                issues.append((where, "a component schema must be an object"))
                continue
            properties = definition.get("properties", {})
            if not isinstance(properties, Mapping):
                issues.append((f"{where}/properties", "properties must be an object"))
                continue
            if any(not isinstance(value, Mapping) for value in properties.values()):
                issues.append((f"{where}/properties", "each property schema must be an object"))
            required = definition.get("required", [])
            if not isinstance(required, list) or any(not isinstance(r, str) for r in required):
                issues.append((f"{where}/required", "required must be an array of property names"))
            else:
                for missing in [r for r in required if r not in properties]:
                    issues.append(
                        (f"{where}/required", f'required property "{missing}" is not in properties')
                    )
            _check_refs(properties, f"{where}/properties", names, issues)
        raw_groups = document.get("componentGroups") if is_spec else None
        if raw_groups is not None:
            if not isinstance(raw_groups, list):
                issues.append(("componentGroups", "componentGroups must be an array"))
            else:
                for i, group in enumerate(raw_groups):
                    if (
                        not isinstance(group, Mapping) or not isinstance(group.get("name"), str)
                        or not isinstance(group.get("components"), list)
                    ):  # fmt: skip
                        issues.append((f"componentGroups/{i}", "a group must be {name, components, notes?}"))
                        continue
                    for member in group["components"]:
                        if member not in component_names:
                            issues.append(
                                (f"componentGroups/{i}", f'group member "{member}" is not a component')
                            )
                groups = tuple(raw_groups)
        if issues:
            raise LibraryError(issues)
        components: dict[str, Component] = {}
        for name in defs:
            if name in NON_COMPONENT_DEFS:
                continue
            definition = defs[name]
            required_names = set(definition.get("required", []))
            params = tuple(
                _param(key, value, key in required_names, component_names)
                for key, value in definition.get("properties", {}).items()
            )
            spec_entry = spec_components.get(name)
            spec_entry = spec_entry if isinstance(spec_entry, Mapping) else {}
            description = spec_entry.get("description", definition.get("description"))
            signature = spec_entry.get("signature")
            components[name] = Component(
                name,
                params,
                description if isinstance(description, str) else None,
                signature if isinstance(signature, str) else None,
            )
        return cls(components, root, schema, groups, library_id, digest)


_cache: OrderedDict[tuple[str, str | None], Library] = OrderedDict()  # least recently used first
_cache_lock = threading.Lock()


def load_library(source: Mapping[str, Any] | str | bytes, *, root: str | None = None) -> Library:
    """A Library from a document, its JSON text or bytes; cached by content (and the `root` override)."""
    try:
        document = orjson.loads(source) if isinstance(source, (str, bytes)) else source
        canonical = orjson.dumps(document)  # the same digest for the same document however it was spelled
    except orjson.JSONDecodeError as exc:
        raise LibraryError([("", f"not valid JSON: {exc}")]) from None
    except TypeError as exc:
        raise LibraryError([("", f"not JSON-serializable: {exc}")]) from None
    digest = hashlib.sha256(canonical).hexdigest()
    key = (digest, root)
    with _cache_lock:
        cached = _cache.get(key)
        if cached is not None:
            _cache.move_to_end(key)
            return cached
    library = Library.from_document(document, root=root, digest=digest)
    with _cache_lock:
        _cache[key] = library
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return library


def entry_candidates(library: Library) -> tuple[str, ...]:
    """Components no other component refers to (anywhere in its props): where a program may start."""
    referenced: set[str] = set()
    defs = library.schema.get("$defs", {})
    for name in library.components:
        stack: list[Any] = [defs.get(name)]
        while stack:
            value = stack.pop()
            if isinstance(value, list):
                stack.extend(value)
            elif isinstance(value, Mapping):
                target = ref_name(value)
                if target is not None and target != name:
                    referenced.add(target)
                stack.extend(value.values())
    return tuple(name for name in library.components if name not in referenced)


@cache
def _bundled(filename: str) -> Library:
    return load_library((resources.files(__package__) / filename).read_bytes())


def chat_library() -> Library:
    """The C1 v2 chat library (`chatLibrary` of @openuidev/thesys, root `Card`)."""
    return _bundled("c1_chat_library.json")


def report_library() -> Library:
    """@openuidev/thesys `reportLibrary` (root `Report`; the viewer renders with root `ReportView`)."""
    return _bundled("report_library.json")


def presentation_library() -> Library:
    """@openuidev/thesys `presentationLibrary` (root `Presentation`; the viewer uses `SlideShow`)."""
    return _bundled("presentation_library.json")
