"""Validate an OpenUI Lang program against a library: the ten error codes of the autofix contract.

`validate()` materializes from the entry statement and reports, as `Issue` items with `code`, `message`,
`component`, `path` (JSON pointer) and `statementId`: unknown-component, missing-required, null-required,
type-mismatch, excess-args, inline-reserved (lang-core's own errors), then the graph facts unresolved,
orphaned, incomplete and missing-root. 1.0 rules by default (`lang="0.5"` for lang-core 0.2.x leniency).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .ast import Call, Program
from .library import Library, chat_library
from .materialize import Dynamic, Hooks, Issue, Lang, Materializer, Node, component_statement
from .parser import parse

CODES = (
    "unknown-component",
    "missing-required",
    "null-required",
    "type-mismatch",
    "excess-args",
    "inline-reserved",
    "incomplete",
    "unresolved",
    "orphaned",
    "missing-root",
)
ROOT_ID = "root"


@dataclass(frozen=True, slots=True)
class ValidationResult:
    program: Program
    root: Node | None  # the materialized tree; None when nothing renders
    entry: str | None  # the statement used as entry
    errors: tuple[Issue, ...]
    warnings: tuple[Issue, ...]
    unresolved: tuple[str, ...]
    orphaned: tuple[str, ...]
    incomplete: bool
    state: dict[str, Any] = field(default_factory=dict)  # `$state` declarations (undeclared ones as None)
    dynamic_entry: Dynamic | None = None  # an entry such as `$compact ? a : b`, chosen at render time

    @property
    def valid(self) -> bool:
        return not self.errors

    def codes(self) -> list[str]:
        return [issue.code for issue in self.errors]


def pick_entry(program: Program, library: Library | None, lang: Lang) -> tuple[str | None, Issue | None]:
    """The entry statement and, for the 1.0 fallback, its `no-root` warning."""
    table = program.table
    if ROOT_ID in table:
        return ROOT_ID, None
    root_name = library.root if library is not None else None
    if lang == "1.0":
        first = next((s for s in table.values() if s.kind == "value"), None)
        if first is not None and component_statement(first) and root_name is not None:
            assert isinstance(first.expr, Call)
            if first.expr.name == root_name:
                message = (
                    f'no "root" statement; "{first.name}" (the first statement, a {root_name}) is the entry'
                )
                return first.name, Issue("no-root", message, root_name, None, first.name, "warning")
        return None, None
    if root_name is not None and root_name in table:
        return root_name, None
    statements = list(table.values())
    for statement in statements:
        if (
            component_statement(statement)
            and isinstance(statement.expr, Call)
            and statement.expr.name == root_name
        ):
            return statement.name, None
    for statement in statements:
        if component_statement(statement):
            return statement.name, None
    return (statements[0].name if statements else None), None


def materialize(
    program: Program,
    library: Library | None,
    *,
    lang: Lang = "1.0",
    partial: bool | None = None,
    hooks: Hooks | None = None,
) -> ValidationResult:
    """Validate a parsed program; `hooks` lets a repairer change what materialization does."""
    materializer = Materializer(program, library, lang=lang, partial=partial, hooks=hooks or Hooks())
    entry, warning = pick_entry(program, library, lang)
    root: Node | None = None
    dynamic: Dynamic | None = None
    if entry is not None:
        for name, statement in program.table.items():
            if name != entry and statement.kind == "value":
                materializer.unreached[name] = None
        materializer.current = entry
        value = materializer.value(program.table[entry].expr)
        if isinstance(value, Node):
            value.statement_id = entry
            root = value
        elif isinstance(value, Dynamic) and lang == "1.0":
            dynamic = value
    state: dict[str, Any] = {}
    for name, statement in program.table.items():
        if statement.kind == "state":
            materializer.current = name
            state[name] = materializer.value(statement.expr)
    materializer.current = None
    errors = list(materializer.errors)
    for name in materializer.unresolved:
        errors.append(Issue("unresolved", f'"{name}" is referenced but never defined', None, None, name))
    orphaned = tuple(materializer.unreached)
    for name in orphaned:
        expr = program.table[name].expr
        component = expr.name if isinstance(expr, Call) else None
        errors.append(
            Issue("orphaned", f'statement "{name}" is not reachable from the entry', component, None, name)
        )
    if program.incomplete:
        last = program.statements[-1].name if program.statements else None
        errors.append(
            Issue("incomplete", "the program stops mid-statement (closed automatically)", None, None, last)
        )
    if root is None and dynamic is None:
        if entry is None:
            wanted = f"root = {library.root}(...)" if library is not None and library.root else "root = ..."
            message = f'no "root" statement: nothing renders (write `{wanted}` first)'
        else:
            message = f'the entry "{entry}" does not give a valid component: nothing renders'
        errors.append(Issue("missing-root", message, library.root if library else None, None, entry))
    return ValidationResult(
        program=program,
        root=root,
        entry=entry,
        errors=tuple(errors),
        warnings=(warning,) if warning is not None else (),
        unresolved=tuple(materializer.unresolved),
        orphaned=orphaned,
        incomplete=program.incomplete,
        state=state,
        dynamic_entry=dynamic,
    )


def validate(
    program: str | Program,
    library: Library | None = None,
    *,
    lang: Lang = "1.0",
    partial: bool | None = None,
) -> ValidationResult:
    """Parse (when given text) and validate against `library` (default: the C1 v2 chat library).

    `partial` defers enum and required-key checks as lang-core does while streaming (default: whether
    the text was cut off). Raises ProgramTooDeep / ProgramTooLarge (ValueErrors) on hostile nesting.
    """
    parsed = parse(program) if isinstance(program, str) else program
    return materialize(parsed, library if library is not None else chat_library(), lang=lang, partial=partial)
