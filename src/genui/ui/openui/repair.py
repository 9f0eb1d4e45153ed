"""Deterministic repair of an OpenUI Lang program: map when unambiguous, else drop; never invent data.

Steps: parse leniently (fences, prose, duplicates: last wins, a cut-off statement closed), clean strings
on the syntax tree (unsafe URLs out, raw HTML out of text, long strings cut, over-deep data dropped), map
wrong-case component names, materialize with 1.0 rules (excess args, unresolved references and invalid
components dropped, schema defaults filled, bad optional values and array items pruned, unambiguous
coercions), make a `root` when it is missing, attach orphans that may be root children, and write the
tree back. The output is validated again: what is left is `unfixed`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from ..sanitize import safe_url, sanitize_markdown, sanitize_text
from .ast import (
    NULL,
    Arr,
    Assign,
    Binary,
    Call,
    Expr,
    Index,
    Member,
    Obj,
    Program,
    Statement,
    Str,
    Ternary,
    Unary,
)
from .library import Component, Library, chat_library
from .materialize import INVALID, Hooks, Issue, Lang, Materializer, Node, ProgramTooLarge, component_statement
from .parser import ProgramTooDeep, js_number_text, parse
from .validate import ROOT_ID, ValidationResult, materialize, validate
from .writer import expr_text, write

# Which props carry URLs or markdown is decided by name (OpenUI schemas do not say).
URL_PROPS = frozenset({"src", "url", "href", "imageSrc", "bgImageSrc", "imagesSrc", "imageUrl", "link"})
URL_SUFFIXES = ("Src", "Url", "URL", "Href")
MARKDOWN_PROPS = frozenset({"text", "textMarkdown", "markdown", "details", "body", "content", "children"})
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?\Z")


def is_url_prop(name: str | None) -> bool:
    return name is not None and (name in URL_PROPS or name.endswith(URL_SUFFIXES))


@dataclass(frozen=True, slots=True)
class RepairBudget:
    """Hard caps on what a repaired program may hold."""

    max_depth: int = 12  # component nesting, the root included
    max_nodes: int = 1000  # components after references are inlined
    max_string: int = 20_000
    max_data_depth: int = 16  # nested arrays/objects inside one value


@dataclass(frozen=True, slots=True)
class RepairResult:
    program: str  # the repaired program (the input itself when `changed` is False)
    valid: bool  # the output passes validate() with no error
    changed: bool  # False: the input was already valid and safe and is returned byte for byte
    fixed: tuple[Issue, ...]
    unfixed: tuple[Issue, ...]
    result: ValidationResult | None = field(default=None, repr=False)  # validation of the output

    def summary(self) -> dict[str, list[dict[str, str]]]:
        """The autofix `fix_summary` lists."""
        return {
            "fixed_errors": [issue.to_dict() for issue in self.fixed],
            "unfixed_errors": [issue.to_dict() for issue in self.unfixed],
        }


class Notes:
    def __init__(self) -> None:
        self.items: dict[tuple[str, str, str | None, str | None], Issue] = {}

    def add(self, issue: Issue) -> None:
        self.items.setdefault((issue.code, issue.message, issue.statement_id, issue.path), issue)


def _coerce(value: Any, schema: Mapping[str, Any]) -> Any:
    """The one reading of a mismatched leaf that is unambiguous, or INVALID."""
    enum = schema.get("enum")
    if isinstance(enum, list):
        if isinstance(value, str):
            wanted = value.strip().lower()
            matches = [m for m in enum if isinstance(m, str) and m.lower() == wanted]
            if len(matches) == 1:
                return matches[0]
        return INVALID
    kind = schema.get("type")
    if kind in ("number", "integer") and isinstance(value, str) and _NUMBER.match(value.strip()):
        text = value.strip()
        number = float(text) if any(c in text for c in ".eE") else int(text)
        if kind == "integer" and isinstance(number, float):
            return int(number) if number.is_integer() else INVALID
        return number
    if kind == "string" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return js_number_text(value)
    if kind == "boolean" and isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return INVALID


class RepairHooks(Hooks):
    def __init__(self, budget: RepairBudget, notes: Notes) -> None:
        self.budget = budget
        self.notes = notes
        self.materializer: Materializer | None = None  # set once built: its current statement names notes

    @property
    def current(self) -> str | None:
        return self.materializer.current if self.materializer is not None else None

    def component(self, name: str, library: Library) -> Component | None:
        found = library.components.get(name)
        if found is not None:
            return found
        mapped = map_component_name(name, library)
        if mapped is None:
            return None
        self.note(Issue("unknown-component", f'"{name}" read as "{mapped}"', name, "", self.current))
        return library.components[mapped]

    def coerce(self, value: Any, schema: Mapping[str, Any]) -> Any:
        return _coerce(value, schema)

    def node_budget(self, depth: int, count: int) -> bool:
        if depth > self.budget.max_depth:
            self.note(
                Issue("too-deep", f"components nested deeper than {self.budget.max_depth} were dropped")
            )
            return False
        if count >= self.budget.max_nodes:
            self.note(Issue("too-large", f"components beyond the first {self.budget.max_nodes} were dropped"))
            return False
        return True

    def note(self, issue: Issue) -> None:
        if issue.statement_id is None and self.current is not None:
            issue = replace(issue, statement_id=self.current)
        self.notes.add(issue)


def map_component_name(name: str, library: Library) -> str | None:
    """The library component a wrong-case name means, when exactly one matches."""
    wanted = name.lower()
    matches = [candidate for candidate in library.components if candidate.lower() == wanted]
    return matches[0] if len(matches) == 1 else None


class Cleaner:
    """String safety and data-depth budget on the syntax tree, before materialization."""

    def __init__(self, library: Library, budget: RepairBudget, notes: Notes) -> None:
        self.library = library
        self.budget = budget
        self.notes = notes
        self.statement: str | None = None

    def note(self, code: str, message: str, key: str | None) -> None:
        self.notes.add(Issue(code, message, None, f"/{key}" if key else None, self.statement))

    def string(self, text: str, key: str | None) -> Str | None:
        if is_url_prop(key):
            safe = safe_url(text)
            if safe is None:
                self.note("unsafe-url", f"removed an unsafe URL from {key}", key)
                return None
            cleaned = safe
        elif key in MARKDOWN_PROPS:
            cleaned = sanitize_markdown(text)
        else:
            cleaned = sanitize_text(text)
        if cleaned != text:
            self.note("unsafe-text", f"removed raw HTML or control characters from {key or 'a string'}", key)
        if len(cleaned) > self.budget.max_string:
            self.note("too-long", f"cut a string to {self.budget.max_string} characters", key)
            cleaned = cleaned[: self.budget.max_string]
            if is_url_prop(key):
                return None
        return Str(cleaned)

    def clean(self, expr: Expr, key: str | None, data_depth: int) -> Expr | None:
        """`expr` made safe; None when it must go (an unsafe URL, too-deep data)."""
        if isinstance(expr, Str):
            return self.string(expr.value, key)
        if isinstance(expr, (Arr, Obj)):
            if data_depth >= self.budget.max_data_depth:
                self.note("too-deep", f"dropped data nested deeper than {self.budget.max_data_depth}", key)
                return None
            if isinstance(expr, Arr):
                items = (self.clean(item, key, data_depth + 1) for item in expr.items)
                return Arr(tuple(item for item in items if item is not None))
            entries = [(k, self.clean(v, k, data_depth + 1)) for k, v in expr.entries]
            lost_url = any(v is None and is_url_prop(k) for k, v in entries)
            if lost_url and any(k == "type" for k, _ in entries):
                return None  # an action whose URL was unsafe: the whole action goes, not just its target
            return Obj(tuple((k, v) for k, v in entries if v is not None))
        if isinstance(expr, Call):
            names: list[str | None]
            if expr.at and expr.name == "OpenUrl":
                names = ["url"]
            else:
                component = None if expr.at else self.library.components.get(expr.name)
                if component is None and not expr.at:
                    mapped = map_component_name(expr.name, self.library)
                    component = self.library.components.get(mapped) if mapped else None
                names = [p.name for p in component.params] if component is not None else []
            args = []
            for i, arg in enumerate(expr.args):
                cleaned = self.clean(arg, names[i] if i < len(names) else None, 0)
                args.append(NULL if cleaned is None else cleaned)
            return Call(expr.name, tuple(args), expr.at)
        if isinstance(expr, Binary):
            return Binary(
                expr.op, self.clean(expr.left, None, 0) or NULL, self.clean(expr.right, None, 0) or NULL
            )
        if isinstance(expr, Ternary):
            parts = [self.clean(part, key, data_depth) or NULL for part in (expr.cond, expr.then, expr.other)]
            return Ternary(parts[0], parts[1], parts[2])
        if isinstance(expr, Unary):
            return Unary(expr.op, self.clean(expr.operand, None, 0) or NULL)
        if isinstance(expr, Member):
            return Member(self.clean(expr.obj, None, 0) or NULL, expr.field)
        if isinstance(expr, Index):
            return Index(self.clean(expr.obj, None, 0) or NULL, self.clean(expr.index, None, 0) or NULL)
        if isinstance(expr, Assign):
            return Assign(expr.target, self.clean(expr.value, None, 0) or NULL)
        return expr

    def program(self, program: Program) -> Program:
        statements = []
        for statement in program.statements:
            self.statement = statement.name
            cleaned = self.clean(statement.expr, None, 0)
            statements.append(Statement(statement.name, cleaned or NULL, statement.kind))
        return Program(tuple(statements), program.incomplete, program.too_deep)


def _without_invalid_tail(program: Program, library: Library, lang: Lang, notes: Notes) -> Program:
    """A cut-off last statement is kept when it still gives a value (what in it is invalid is pruned as
    usual) unless it has errors and an earlier definition of its name exists; otherwise it is dropped (an
    earlier definition then holds)."""
    if not program.incomplete or not program.statements:
        return program
    last = program.statements[-1]
    if last.kind != "value":
        return program
    probe = Materializer(program, library, lang=lang, partial=False, hooks=Hooks())
    try:
        value = probe.resolve(last.name)
    except (ProgramTooDeep, ProgramTooLarge):
        value = None
    earlier = any(statement.name == last.name for statement in program.statements[:-1])
    if value is not None and not (probe.errors and earlier):
        return program
    notes.add(Issue("incomplete", f'dropped the cut-off statement "{last.name}"', None, None, last.name))
    return Program(program.statements[:-1], False, program.too_deep)


def _children_param(component: Component) -> str | None:
    """The param a root holds its children in: the first array of components."""
    for param in component.params:
        if param.type == "array" and param.refs:
            return param.name
    return None


def _with_root(program: Program, library: Library, notes: Notes) -> Program | None:
    """`program` with a `root` statement, or None when none can be made without inventing data."""
    if ROOT_ID in program.table:
        return program
    root = library.root_component
    if root is None:
        return None
    for statement in program.table.values():
        expr = statement.expr
        calls_root = isinstance(expr, Call) and root.name in (
            expr.name,
            map_component_name(expr.name, library),
        )
        if component_statement(statement) and calls_root:
            notes.add(Issue("missing-root", f'"{statement.name}" is now the root statement', root.name))
            renamed = [
                Statement(ROOT_ID, s.expr, s.kind) if s is statement else s
                for s in program.statements
                if s.name != statement.name or s is statement
            ]
            return Program(tuple(renamed), program.incomplete, program.too_deep)
    children = _children_param(root)
    if children is None:
        return None
    args: list[Expr] = []
    for param in root.params:
        if param.name == children:
            args.append(Arr(()))
            break
        if param.required and not param.has_default:
            return None  # a required value we would have to invent
        args.append(NULL)
    notes.add(
        Issue("missing-root", f"added root = {root.name}(...) over the top-level components", root.name)
    )
    added = Statement(ROOT_ID, Call(root.name, tuple(args)), "value")
    return Program((added, *program.statements), program.incomplete, program.too_deep)


def _attach_orphans(materializer: Materializer, root: Node, library: Library, notes: Notes) -> None:
    component = library.components.get(root.component)
    children = _children_param(component) if component is not None else None
    slot = component.param(children) if component is not None and children else None
    accepted = slot.refs if slot is not None else ()
    for name in list(materializer.unreached):
        if name not in materializer.unreached:
            continue  # reached from an orphan attached before it
        statement = materializer.table[name]
        materializer.current = name
        value = materializer.resolve(name) if component_statement(statement) else None
        called = statement.expr.name if isinstance(statement.expr, Call) else None  # as validate names it
        if children is not None and isinstance(value, Node) and value.component in accepted:
            root.props.setdefault(children, []).append(value)
            notes.add(Issue("orphaned", f'attached "{name}" to the root', called, None, name))
        else:
            materializer.unreached.pop(name, None)
            message = f'deleted "{name}" (not a child the root accepts)'
            notes.add(Issue("orphaned", message, called, None, name))


def _extra_statements(program: Program, state: Mapping[str, Any]) -> list[str]:
    """`$state` declarations and Query/Mutation statements, which the tree does not carry."""
    lines = []
    for name, statement in program.table.items():
        if (statement.kind == "state" and name in state) or statement.kind in ("query", "mutation"):
            lines.append(f"{name} = {expr_text(statement.expr)}")
    return lines


def _key(issue: Issue) -> tuple[str, str | None, str | None]:
    return issue.code, issue.statement_id, issue.path


def repair(
    text: str, library: Library | None = None, *, lang: Lang = "1.0", budget: RepairBudget | None = None
) -> RepairResult:
    """Repair `text` against `library` (default: the C1 v2 chat library); never raises on bad input."""
    library = library if library is not None else chat_library()
    budget = budget or RepairBudget()
    try:
        initial: ValidationResult | None = validate(text, library, lang=lang)
    except (ProgramTooDeep, ProgramTooLarge):
        initial = None
    notes = Notes()
    program = Cleaner(library, budget, notes).program(parse(text, skip_too_deep=True))
    for name in program.too_deep:
        notes.add(Issue("too-deep", f'dropped statement "{name}": it nests too deeply', None, None, name))
    program = _without_invalid_tail(program, library, lang, notes)
    rooted = _with_root(program, library, notes)
    hooks = RepairHooks(budget, notes)
    output = ""
    if rooted is not None:
        materializer = Materializer(rooted, library, lang=lang, partial=False, hooks=hooks)
        hooks.materializer = materializer
        materializer.current = ROOT_ID
        for name, statement in rooted.table.items():
            if name != ROOT_ID and statement.kind == "value":
                materializer.unreached[name] = None
        root = materializer.value(rooted.table[ROOT_ID].expr)
        if isinstance(root, Node):
            _attach_orphans(materializer, root, library, notes)
            extra = _extra_statements(rooted, {n: None for n, s in rooted.table.items() if s.kind == "state"})
            output = write(root, library, root_id=ROOT_ID) + "".join(line + "\n" for line in extra)
    if initial is not None and initial.valid and not notes.items:
        return RepairResult(text, True, False, (), (), initial)
    final = materialize(parse(output), library, lang=lang) if output else None
    unfixed = final.errors if final is not None else (initial.errors if initial is not None else ())
    if final is None and not unfixed:
        unfixed = (Issue("missing-root", "no root component could be made without inventing data"),)
    remaining = {_key(issue) for issue in unfixed}
    before = initial.errors if initial is not None else ()
    fixed = [issue for issue in before if _key(issue) not in remaining]
    fixed.extend(issue for issue in notes.items.values() if _key(issue) not in remaining)
    seen: set[tuple[str, str | None, str | None, str | None]] = set()
    unique = []
    for issue in fixed:  # one item per problem: what was wrong, not also what was done about it
        marker = (issue.code, issue.component, issue.statement_id, issue.path)
        if marker not in seen:
            seen.add(marker)
            unique.append(issue)
    return RepairResult(output, final is not None and final.valid, True, tuple(unique), tuple(unfixed), final)
