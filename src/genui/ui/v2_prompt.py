"""The system prompt for a model that writes OpenUI Lang (C1 v2), generated from the active library.

Sections, in order (openui-lang.md §5.1): the preamble; the syntax rules (root first, positional arguments,
trailing optionals left out, every name defined and reachable); the streaming order; the components as
positional signatures `Name(p: T, q?: T) — description`, the root's children first, then the parts they are
built from; custom actions; an example built only from active components; the final checklist; the
additional rules. The library is the one the request uses (the chat library shaped by `metadata.thesys`, or
a `]]>openui:config` chatLibrary), so what the prompt offers is what the repairer accepts. Prompts are cached
per (catalog version, library, options): a model pinned to a catalog version gets that version's prompt.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .openui.library import Component, Library, ref_name
from .v2_library import root_blocks

# One line each for the C1 components (the chat library ships none); custom components bring their own.
DESCRIPTIONS = {
    "Card": "the root: every answer is one Card",
    "Header": "title of the answer or of a section",
    "InlineHeader": "a small heading inside content",
    "TextContent": "markdown text (GFM); size optional",
    "CalloutV2": "a highlighted note, warning or tip",
    "Image": "an image (src: an http(s) URL)",
    "ImageGallery": "several images",
    "TagBlock": "a row of tags",
    "Tag": "a label with a tone",
    "List": "a list of items with title and subtitle",
    "ListItem": "one item of a List",
    "Steps": "numbered steps",
    "StepsItem": "one step (details in markdown)",
    "Tabs": "content split into tabs",
    "TabItem": "one tab: value, trigger text, its content",
    "Accordion": "collapsible sections",
    "AccordionItem": "one collapsible section",
    "SectionBlock": "sections with a trigger each",
    "SectionBlockItem": "one section",
    "Table": "rows of records: columns, then rows of cells",
    "Col": "a table column",
    "EntityList": "label/value pairs",
    "BarChart": "compare categories; series of numbers per label",
    "HorizontalBarChart": "bar chart with horizontal bars",
    "LineChart": "a trend over time",
    "AreaChart": "a trend over time, filled",
    "RadarChart": "several measures per category",
    "PieChart": "shares of a whole",
    "RadialChart": "shares as rings",
    "SegmentedBar": "shares in one bar",
    "ScatterChart": "points by x and y",
    "Form": "a form: its name, its buttons, its fields",
    "FormControl": "one labelled field of a Form",
    "Input": "a one-line text field",
    "TextArea": "a multi-line text field",
    "Select": "a dropdown",
    "RadioGroup": "choose one",
    "CheckBoxGroup": "choose several",
    "SwitchGroup": "on/off switches",
    "DatePicker": "a date or a range",
    "Slider": "a number in a range",
    "Chips": "choose among chips",
    "OptionCards": "choose among cards",
    "Button": 'a button; action {type: "continue_conversation"} sends its label back, '
    '{type: "open_url", url: "..."} opens a link',
    "ButtonGroup": "buttons side by side (row) or stacked (column)",
    "Icon": "an icon by name",
    "FollowUpBlock": "2-3 short questions the user may ask next (at the end)",
}

_SYNTAX = """Syntax (OpenUI Lang):
- One statement per line: `name = Component(arg1, arg2, ...)`. Arguments are positional, in the order of the \
signature below; there are no named arguments (`Header(title: "x")` is wrong, `Header("x")` is right).
- The first line is always `root = {root}([...])`, listing the root's children by name.
- Give each component its own statement and refer to it by name; a name may be used before its line.
- Strings are double-quoted with JSON escapes; data are `[...]` arrays and `{{key: value}}` objects.
- Leave out trailing optional arguments; write `null` for an optional argument you skip before one you give.
- Define every name you use, and use every name you define (each statement is reachable from root).
- Output only the program: no prose before or after it, no code fences."""

_STREAMING = """Streaming order: write root first, then the components in the order they appear, a parent \
before its children, so the answer shows while you write it."""

_CHECKLIST = """Before you finish: root comes first and is a {root}; every name is defined once; \
arguments are in signature order; only the components above are used."""


@dataclass(frozen=True)
class PromptOptions:
    """What a `]]>openui:config` turn may change (its `systemPromptOptions`), and the app's own prose."""

    preamble: str | None = None
    additional_rules: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    custom_actions: tuple[str, ...] = ()
    extra: str = ""  # prose that followed the config line
    components: tuple[str, ...] = ()  # offer only these (and the root): a small model's short prompt

    @staticmethod
    def from_config(
        options: Mapping[str, Any] | None, actions: Sequence[str] = (), extra: str = ""
    ) -> PromptOptions:
        options = options or {}
        rules = options.get("additionalRules")
        examples = options.get("examples")
        preamble = options.get("preamble")
        return PromptOptions(
            preamble=preamble if isinstance(preamble, str) else None,
            additional_rules=tuple(r for r in rules if isinstance(r, str)) if isinstance(rules, list) else (),
            examples=tuple(e for e in examples if isinstance(e, str)) if isinstance(examples, list) else (),
            custom_actions=tuple(actions),
            extra=extra.strip(),
        )


DEFAULT_OPTIONS = PromptOptions()


def type_text(schema: Any, depth: int = 0, hidden: frozenset[str] = frozenset()) -> str:
    """A JSON Schema as the prompt's type notation: string, number, boolean, "a" | "b", T[], (A | B)[],
    {k: T, k2?: T}, Record<string, any>, component names."""
    if not isinstance(schema, Mapping):
        return "any"
    name = ref_name(schema)
    if name is not None:
        return name
    if "const" in schema:
        return json.dumps(schema["const"])
    if isinstance(schema.get("enum"), list):
        return " | ".join(json.dumps(v) for v in schema["enum"])
    options = schema.get("anyOf", schema.get("oneOf"))
    if isinstance(options, list):
        shown = [o for o in options if not (isinstance(o, Mapping) and ref_name(o) in hidden)]
        return " | ".join(type_text(o, depth, hidden) for o in shown)
    kind = schema.get("type")
    if isinstance(kind, list):
        return " | ".join(str(k) for k in kind if k != "null")
    if kind == "array":
        inner = type_text(schema.get("items"), depth, hidden)
        plain = not inner.startswith(("{", "(")) or inner.endswith("[]")
        return f"({inner})[]" if " | " in inner and plain and not inner.endswith("[]") else f"{inner}[]"
    if kind == "object" or "properties" in schema:
        properties = schema.get("properties")
        if not isinstance(properties, Mapping) or not properties:
            return "Record<string, any>"
        if depth > 3:
            return "object"
        required = set(schema.get("required") or ())
        fields = [
            f"{k}{'' if k in required else '?'}: {type_text(v, depth + 1, hidden)}"
            for k, v in properties.items()
        ]
        return "{" + ", ".join(fields) + "}"
    if kind == "integer":
        return "number"
    return str(kind) if isinstance(kind, str) else "any"


def signature(
    component: Component, description: str | None = None, hidden: frozenset[str] = frozenset()
) -> str:
    """`Name(p: T, q?: T) — description`: `?` marks what may be left out (optional or defaulted); components
    in `hidden` (not offered) are left out of the types."""
    params = ", ".join(
        f"{p.name}{'?' if p.optional else ''}: {type_text(p.schema, 0, hidden)}" for p in component.params
    )
    text = description or component.description or DESCRIPTIONS.get(component.name)
    return f"{component.name}({params})" + (f" — {text}" if text else "")


def _order(library: Library) -> tuple[list[str], list[str]]:
    """(the root and its children, every other component reachable from them), in library order."""
    root = library.root_component
    if root is None:
        return [], list(library.components)
    children = root_blocks(library)
    first = [root.name, *(n for n in library.components if n in children)]
    seen = set(first)
    parts: list[str] = []
    stack = list(reversed(first))
    while stack:
        component = library.components.get(stack.pop())
        if component is None:
            continue
        for param in component.params:
            for name in _refs(param.schema):
                if name not in seen and name in library.components:
                    seen.add(name)
                    parts.append(name)
                    stack.append(name)
    order = {name: i for i, name in enumerate(library.components)}
    return first, sorted(parts, key=lambda n: order[n])


def _refs(schema: Any) -> list[str]:
    found: list[str] = []
    stack = [schema]
    while stack:
        value = stack.pop()
        if isinstance(value, Mapping):
            name = ref_name(value)
            if name is not None:
                found.append(name)
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return found


def _example(library: Library, components: tuple[str, ...] = ()) -> str | None:
    """A short answer built only from active (offered) components, checked against the library."""
    from .openui.validate import validate

    root = library.root or "Card"
    candidates = [
        ("h", 'Header("Revenue by quarter", "FY2024")'),
        ("chart", 'BarChart(["Q1", "Q2", "Q3"], [{category: "Revenue", values: [120, 150, 170]}])'),
        ("t", 'TextContent("Revenue grew **42%** from Q1 to Q3.")'),
        ("b", 'ButtonGroup([Button("Show costs", {type: "continue_conversation"})])'),
    ]
    offered = set(components) if components else set(library.components)
    used = {"h": {"Header"}, "chart": {"BarChart"}, "t": {"TextContent"}, "b": {"ButtonGroup", "Button"}}
    lines = [(n, call) for n, call in candidates if used[n] <= offered and used[n] <= set(library.components)]
    if not lines:
        return None
    program = f"root = {root}([{', '.join(n for n, _ in lines)}])\n" + "".join(
        f"{n} = {c}\n" for n, c in lines
    )
    return program if validate(program, library).valid else None


@lru_cache(maxsize=128)
def _prompt(version: str, library: Library, options: PromptOptions) -> str:
    root = library.root or "Card"
    first, parts = _order(library)
    hidden: frozenset[str] = frozenset()
    if options.components:
        wanted = {root, *options.components}
        first, parts = [n for n in first if n in wanted], [n for n in parts if n in wanted]
        hidden = frozenset(library.components) - wanted
    lines = [options.preamble or "You answer with a user interface, written in OpenUI Lang.", ""]
    if options.extra:
        lines += [options.extra, ""]
    lines += [_SYNTAX.format(root=root), "", _STREAMING, ""]
    lines += ['Components (`?`: may be left out; "a" | "b": one of these strings; T[]: a list of T):']
    lines += [signature(library.components[name], hidden=hidden) for name in first]
    if parts:
        lines += ["", "Parts (only inside the components that name them):"]
        lines += [signature(library.components[name], hidden=hidden) for name in parts]
    actions = sorted({*options.custom_actions, *library.actions})
    if actions:
        lines += ["", "Custom actions (a button's action {type: name, params: {...}}): " + ", ".join(actions)]
    examples = options.examples or tuple(e for e in (_example(library, options.components),) if e)
    for example in examples:
        lines += ["", "Example:", example.rstrip("\n")]
    lines += ["", _CHECKLIST.format(root=root)]
    if options.additional_rules:
        lines += ["", "Additional rules:", *(f"- {rule}" for rule in options.additional_rules)]
    return "\n".join(lines) + "\n"


def v2_system_prompt(library: Library, *, version: str, options: PromptOptions = DEFAULT_OPTIONS) -> str:
    """The OpenUI Lang prompt for `library`, pinned to catalog `version`."""
    return _prompt(version, library, options)
