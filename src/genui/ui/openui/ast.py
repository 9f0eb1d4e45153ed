"""OpenUI Lang syntax tree: immutable expression nodes, statements and programs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

StatementKind = Literal["value", "state", "query", "mutation"]

# Names that are never components: builtin functions (called as `@Name`), action steps and `Action`.
BUILTIN_FUNCTIONS = frozenset(
    {
        "Count",
        "First",
        "Last",
        "Sum",
        "Avg",
        "Min",
        "Max",
        "Sort",
        "Filter",
        "Round",
        "Abs",
        "Floor",
        "Ceil",
        "Each",
    }
)
ACTION_STEPS = frozenset({"Run", "ToAssistant", "OpenUrl", "Set", "Reset"})
BUILTINS = BUILTIN_FUNCTIONS | ACTION_STEPS | {"Action"}
# Statement-level calls; anywhere inside an expression they are `inline-reserved`.
RESERVED_CALLS = frozenset({"Query", "Mutation"})


@dataclass(frozen=True, slots=True)
class Str:
    value: str


@dataclass(frozen=True, slots=True)
class Num:
    value: int | float


@dataclass(frozen=True, slots=True)
class Bool:
    value: bool


@dataclass(frozen=True, slots=True)
class Null:
    pass


@dataclass(frozen=True, slots=True)
class Arr:
    items: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class Obj:
    entries: tuple[tuple[str, Expr], ...]


@dataclass(frozen=True, slots=True)
class Call:
    """`Name(args)`: a component, `Action`, `Query`/`Mutation`; with `at`, `@Name(args)` (builtin or step)."""

    name: str
    args: tuple[Expr, ...]
    at: bool = False


@dataclass(frozen=True, slots=True)
class Ref:
    name: str


@dataclass(frozen=True, slots=True)
class StateRef:
    name: str  # with its `$`


@dataclass(frozen=True, slots=True)
class Assign:
    target: str  # a `$state` name, inside `@Set(...)`
    value: Expr


@dataclass(frozen=True, slots=True)
class Unary:
    op: str
    operand: Expr


@dataclass(frozen=True, slots=True)
class Binary:
    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class Ternary:
    cond: Expr
    then: Expr
    other: Expr


@dataclass(frozen=True, slots=True)
class Member:
    obj: Expr
    field: str


@dataclass(frozen=True, slots=True)
class Index:
    obj: Expr
    index: Expr


Expr = (
    Str
    | Num
    | Bool
    | Null
    | Arr
    | Obj
    | Call
    | Ref
    | StateRef
    | Assign
    | Unary
    | Binary
    | Ternary
    | Member
    | Index
)

NULL = Null()


@dataclass(frozen=True, slots=True)
class Statement:
    name: str
    expr: Expr
    kind: StatementKind


@dataclass(frozen=True, slots=True)
class Program:
    """Statements in source order (duplicates included) and whether the text had to be auto-closed."""

    statements: tuple[Statement, ...]
    incomplete: bool
    too_deep: tuple[str, ...] = ()  # statements left out for nesting too deep (parse(skip_too_deep=True))
    table: dict[str, Statement] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        table: dict[str, Statement] = {}
        for statement in self.statements:
            table[statement.name] = statement  # last definition wins, first position kept (as a JS Map)
        object.__setattr__(self, "table", table)


def walk(expr: Expr) -> list[Expr]:
    """Every node of `expr`, iteratively (no recursion limit), parents before children."""
    out: list[Expr] = []
    stack: list[Expr] = [expr]
    while stack:
        node = stack.pop()
        out.append(node)
        if isinstance(node, Call):
            stack.extend(reversed(node.args))
        elif isinstance(node, Arr):
            stack.extend(reversed(node.items))
        elif isinstance(node, Obj):
            stack.extend(value for _, value in reversed(node.entries))
        elif isinstance(node, Binary):
            stack.extend((node.right, node.left))
        elif isinstance(node, Unary):
            stack.append(node.operand)
        elif isinstance(node, Ternary):
            stack.extend((node.other, node.then, node.cond))
        elif isinstance(node, Member):
            stack.append(node.obj)
        elif isinstance(node, Index):
            stack.extend((node.index, node.obj))
        elif isinstance(node, Assign):
            stack.append(node.value)
    return out


def references(expr: Expr) -> list[str]:
    """Statement names `expr` refers to, in order of appearance."""
    return [node.name for node in walk(expr) if isinstance(node, Ref)]
