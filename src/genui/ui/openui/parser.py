"""OpenUI Lang parser: statements at depth-0 newlines, then a Pratt parser per statement.

Lenient like lang-core: missing commas, stray tokens (read as `null`) and unclosed brackets are absorbed,
lines that do not start with `name =` are skipped. Nesting is bounded: a too-deep program raises
ProgramTooDeep (a ValueError) instead of exhausting the Python stack.
"""

from __future__ import annotations

from typing import Any

from . import lexer as lx
from .ast import (
    BUILTINS,
    NULL,
    Arr,
    Assign,
    Binary,
    Bool,
    Call,
    Expr,
    Index,
    Member,
    Num,
    Obj,
    Program,
    Ref,
    Statement,
    StatementKind,
    StateRef,
    Str,
    Ternary,
    Unary,
)

MAX_DEPTH = 100  # expression nesting; real programs stay under 15

_TERNARY, _OR, _AND, _EQ, _CMP, _ADD, _MUL, _UNARY, _MEMBER = 1, 2, 3, 4, 5, 6, 7, 8, 9
_INFIX: dict[int, int] = {
    lx.QUESTION: _TERNARY, lx.OR: _OR, lx.AND: _AND, lx.EQ: _EQ, lx.NE: _EQ, lx.GT: _CMP, lx.LT: _CMP,
    lx.GE: _CMP, lx.LE: _CMP, lx.PLUS: _ADD, lx.MINUS: _ADD, lx.STAR: _MUL, lx.SLASH: _MUL, lx.PERCENT: _MUL,
    lx.DOT: _MEMBER, lx.LBRACKET: _MEMBER,
}  # fmt: skip
_BINARY_OPS: dict[int, str] = {
    lx.PLUS: "+", lx.MINUS: "-", lx.STAR: "*", lx.SLASH: "/", lx.PERCENT: "%", lx.EQ: "==", lx.NE: "!=",
    lx.GT: ">", lx.LT: "<", lx.GE: ">=", lx.LE: "<=", lx.AND: "&&", lx.OR: "||",
}  # fmt: skip
_OPENERS = frozenset({lx.LPAREN, lx.LBRACKET, lx.LBRACE})
_CLOSERS = frozenset({lx.RPAREN, lx.RBRACKET, lx.RBRACE})
_KEY_KINDS = frozenset({lx.IDENT, lx.TYPE, lx.STRING, lx.NUMBER})
_TARGET_KINDS = frozenset({lx.IDENT, lx.TYPE, lx.STATE})


class ProgramTooDeep(ValueError):
    """The program nests deeper than the parser's or materializer's bound."""


def js_number_text(value: int | float) -> str:
    """A number as JavaScript's String() writes small values (object keys and member names)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


class _ExprParser:
    """Pratt parser over tokens[start:end] (the statement's expression) followed by EOF."""

    __slots__ = ("depth", "end", "kinds", "pos", "values")

    def __init__(self, kinds: list[int], values: list[Any], start: int, end: int) -> None:
        self.kinds = kinds
        self.values = values
        self.pos = start
        self.end = end
        self.depth = 0

    def kind(self) -> int:
        return self.kinds[self.pos] if self.pos < self.end else lx.EOF

    def peek(self) -> int:
        return self.kinds[self.pos + 1] if self.pos + 1 < self.end else lx.EOF

    def eat(self, kind: int) -> None:
        if self.kind() == kind:
            self.pos += 1

    def expr(self, min_prec: int = 0) -> Expr:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ProgramTooDeep(f"expression nests deeper than {MAX_DEPTH} levels")
        left = self.prefix()
        while _INFIX.get(self.kind(), 0) > min_prec:
            left = self.infix(left)
        self.depth -= 1
        return left

    def prefix(self) -> Expr:
        kind = self.kind()
        value: Any = self.values[self.pos] if self.pos < self.end else None
        self.pos += 1
        if kind == lx.STRING:
            return Str(value)
        if kind == lx.NUMBER:
            return Num(value)
        if kind == lx.TRUE:
            return Bool(True)
        if kind == lx.FALSE:
            return Bool(False)
        if kind == lx.NULL:
            return NULL
        if kind == lx.LBRACKET:
            return Arr(tuple(self.sequence(lx.RBRACKET)))
        if kind == lx.LBRACE:
            return self.obj()
        if kind == lx.STATE:
            if self.kind() == lx.ASSIGN:
                self.pos += 1
                return Assign(value, self.expr())
            return StateRef(value)
        if kind == lx.TYPE:
            if self.kind() == lx.LPAREN and (value not in BUILTINS or value == "Action"):
                self.pos += 1
                return Call(value, tuple(self.sequence(lx.RPAREN)))
            return Ref(value)
        if kind == lx.CALL:
            if self.kind() == lx.LPAREN:
                self.pos += 1
                return Call(value, tuple(self.sequence(lx.RPAREN)), at=True)
            return Ref(value)
        if kind == lx.IDENT:
            return Ref(value)
        if kind == lx.NOT or kind == lx.MINUS:
            return Unary("!" if kind == lx.NOT else "-", self.expr(_UNARY))
        if kind == lx.LPAREN:
            inner = self.expr()
            self.eat(lx.RPAREN)
            return inner
        if kind == lx.EOF:
            self.pos -= 1  # never step past the end
        return NULL  # a stray token reads as null

    def infix(self, left: Expr) -> Expr:
        kind = self.kind()
        self.pos += 1
        op = _BINARY_OPS.get(kind)
        if op is not None:
            return Binary(op, left, self.expr(_INFIX[kind]))
        if kind == lx.QUESTION:
            then = self.expr()
            self.eat(lx.COLON)
            return Ternary(left, then, self.expr())
        if kind == lx.DOT:
            field_kind = self.kind()
            field_value: Any = self.values[self.pos] if self.pos < self.end else None
            self.pos += 1
            if field_kind in (lx.IDENT, lx.TYPE, lx.STRING):
                return Member(left, field_value)
            if field_kind == lx.NUMBER:
                return Member(left, js_number_text(field_value))
            if field_kind == lx.STATE:
                return Member(left, field_value[1:])
            if field_kind == lx.EOF:
                self.pos -= 1
            return Member(left, "?")
        index = self.expr()  # `[`
        self.eat(lx.RBRACKET)
        return Index(left, index)

    def sequence(self, closer: int) -> list[Expr]:
        """Comma-separated expressions up to `closer` (commas optional, trailing comma fine)."""
        items: list[Expr] = []
        while True:
            kind = self.kind()
            if kind == closer:
                self.pos += 1
                return items
            if kind == lx.EOF:
                return items
            items.append(self.expr())
            if self.kind() == lx.COMMA:
                self.pos += 1

    def obj(self) -> Obj:
        entries: list[tuple[str, Expr]] = []
        while True:
            kind = self.kind()
            if kind == lx.RBRACE:
                self.pos += 1
                return Obj(tuple(entries))
            if kind == lx.EOF:
                return Obj(tuple(entries))
            value = self.values[self.pos]
            self.pos += 1
            if kind in _KEY_KINDS:
                key = js_number_text(value) if kind == lx.NUMBER else value
            elif kind == lx.STATE:
                key = value[1:]
            else:
                key = "?"
            self.eat(lx.COLON)
            entries.append((key, self.expr()))
            if self.kind() == lx.COMMA:
                self.pos += 1


def _statement_spans(kinds: list[int]) -> list[tuple[int, int, int]]:
    """(target index, expression start, expression end) of each `name = expr` statement.

    A newline ends a statement at bracket depth 0 unless a ternary is open or the next line starts with
    `?`; lines that do not start with `name =` are skipped.
    """
    spans: list[tuple[int, int, int]] = []
    pos = 0
    total = len(kinds)
    while pos < total:
        while pos < total and kinds[pos] == lx.NEWLINE:
            pos += 1
        if pos >= total or kinds[pos] == lx.EOF:
            break
        if kinds[pos] not in _TARGET_KINDS or kinds[pos + 1] != lx.ASSIGN:
            while kinds[pos] != lx.NEWLINE and kinds[pos] != lx.EOF:
                pos += 1
            continue
        target = pos
        pos += 2
        start = pos
        depth = 0
        ternary = 0
        while kinds[pos] != lx.EOF:
            kind = kinds[pos]
            if kind == lx.NEWLINE:
                if depth <= 0 and ternary <= 0:
                    peek = pos + 1
                    while kinds[peek] == lx.NEWLINE:
                        peek += 1
                    if kinds[peek] != lx.QUESTION:
                        break
                pos += 1
                continue
            if kind in _OPENERS:
                depth += 1
            elif kind in _CLOSERS and depth > 0:
                depth -= 1
            elif kind == lx.QUESTION and depth == 0:
                ternary += 1
            elif kind == lx.COLON and depth == 0 and ternary > 0:
                ternary -= 1
            pos += 1
        spans.append((target, start, pos))
    return spans


def _kind_of(target_kind: int, expr: Expr) -> StatementKind:
    if isinstance(expr, Call) and expr.name in ("Query", "Mutation"):
        return "query" if expr.name == "Query" else "mutation"
    return "state" if target_kind == lx.STATE else "value"


def parse_tokens(tokens: lx.Tokens, *, skip_too_deep: bool = False) -> Program:
    kinds, values = tokens.kinds, tokens.values
    statements: list[Statement] = []
    too_deep: list[str] = []
    for target, start, end in _statement_spans(kinds):
        # Newlines inside the expression are not tokens of the expression grammar.
        if lx.NEWLINE in kinds[start:end]:
            keep = [i for i in range(start, end) if kinds[i] != lx.NEWLINE]
            sub_kinds = [kinds[i] for i in keep]
            sub_values = [values[i] for i in keep]
            parser = _ExprParser(sub_kinds, sub_values, 0, len(keep))
        else:
            parser = _ExprParser(kinds, values, start, end)
        if parser.end <= parser.pos:
            continue  # `name =` with nothing after it
        try:
            expr = parser.expr()
        except ProgramTooDeep:
            if not skip_too_deep:
                raise
            too_deep.append(values[target])
            continue
        statements.append(Statement(values[target], expr, _kind_of(kinds[target], expr)))
    # lang-core calls a text with nothing to lex (blank, comments only) incomplete.
    nothing = all(kind in (lx.NEWLINE, lx.EOF) for kind in kinds)
    return Program(tuple(statements), tokens.incomplete or nothing, tuple(too_deep))


def parse(text: str, *, skip_too_deep: bool = False) -> Program:
    """Parse OpenUI Lang text (fences, prose around them and comments allowed).

    A statement nesting deeper than MAX_DEPTH raises ProgramTooDeep, or with `skip_too_deep` is left out
    and named in `Program.too_deep`.
    """
    return parse_tokens(lx.tokenize(lx.preprocess(text)), skip_too_deep=skip_too_deep)
