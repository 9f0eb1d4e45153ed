"""OpenUI Lang parser: statements at depth-0 newlines, then a Pratt parser per statement.

Lenient like lang-core: missing commas, stray tokens (read as `null`) and unclosed brackets are absorbed,
lines that do not start with `name =` are skipped. Nesting is bounded: a too-deep program raises
ProgramTooDeep (a ValueError) instead of exhausting the Python stack.
"""

from __future__ import annotations

import re
from typing import Any

from . import ast
from . import lexer as lx

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


_PREC = [0] * (lx.CALL + 1)  # infix precedence by token kind (0: not infix)
for _kind, _prec in _INFIX.items():
    _PREC[_kind] = _prec


class _ExprParser:
    """Pratt parser over one statement's tokens (newlines removed), which end with an EOF sentinel."""

    __slots__ = ("depth", "kinds", "pos", "values")

    def __init__(self, kinds: list[int], values: list[Any]) -> None:
        self.kinds = kinds
        self.values = values
        self.pos = 0
        self.depth = 0

    def expr(self, min_prec: int = 0) -> ast.Expr:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ProgramTooDeep(f"expression nests deeper than {MAX_DEPTH} levels")
        left = self.prefix()
        kinds = self.kinds
        while _PREC[kinds[self.pos]] > min_prec:
            left = self.infix(left)
        self.depth -= 1
        return left

    def prefix(self) -> ast.Expr:
        pos = self.pos
        kind = self.kinds[pos]
        value: Any = self.values[pos]
        if kind == lx.EOF:
            return ast.NULL
        self.pos = pos + 1
        if kind == lx.STRING:
            return ast.Str(value)
        if kind == lx.IDENT:
            return ast.Ref(value)
        if kind == lx.NUMBER:
            return ast.Num(value)
        if kind == lx.TYPE:
            if self.kinds[pos + 1] == lx.LPAREN and (value not in ast.BUILTINS or value == "Action"):
                self.pos = pos + 2
                return ast.Call(value, self.sequence(lx.RPAREN))
            return ast.Ref(value)
        if kind == lx.LBRACKET:
            return ast.Arr(self.sequence(lx.RBRACKET))
        if kind == lx.LBRACE:
            return self.obj()
        if kind == lx.TRUE:
            return ast.Bool(True)
        if kind == lx.FALSE:
            return ast.Bool(False)
        if kind == lx.NULL:
            return ast.NULL
        if kind == lx.STATE:
            if self.kinds[pos + 1] == lx.ASSIGN:
                self.pos = pos + 2
                return ast.Assign(value, self.expr())
            return ast.StateRef(value)
        if kind == lx.CALL:
            if self.kinds[pos + 1] == lx.LPAREN:
                self.pos = pos + 2
                return ast.Call(value, self.sequence(lx.RPAREN), at=True)
            return ast.Ref(value)
        if kind == lx.NOT or kind == lx.MINUS:
            return ast.Unary("!" if kind == lx.NOT else "-", self.expr(_UNARY))
        if kind == lx.LPAREN:
            inner = self.expr()
            if self.kinds[self.pos] == lx.RPAREN:
                self.pos += 1
            return inner
        return ast.NULL  # a stray token reads as null

    def infix(self, left: ast.Expr) -> ast.Expr:
        kinds = self.kinds
        kind = kinds[self.pos]
        self.pos += 1
        op = _BINARY_OPS.get(kind)
        if op is not None:
            return ast.Binary(op, left, self.expr(_INFIX[kind]))
        if kind == lx.QUESTION:
            then = self.expr()
            if kinds[self.pos] == lx.COLON:
                self.pos += 1
            return ast.Ternary(left, then, self.expr())
        if kind == lx.DOT:
            field_kind = kinds[self.pos]
            field_value: Any = self.values[self.pos]
            if field_kind != lx.EOF:
                self.pos += 1
            if field_kind in (lx.IDENT, lx.TYPE, lx.STRING):
                return ast.Member(left, field_value)
            if field_kind == lx.NUMBER:
                return ast.Member(left, js_number_text(field_value))
            if field_kind == lx.STATE:
                return ast.Member(left, field_value[1:])
            return ast.Member(left, "?")
        index = self.expr()  # `[`
        if kinds[self.pos] == lx.RBRACKET:
            self.pos += 1
        return ast.Index(left, index)

    def sequence(self, closer: int) -> tuple[ast.Expr, ...]:
        """Comma-separated expressions up to `closer` (commas optional, trailing comma fine)."""
        items: list[ast.Expr] = []
        kinds = self.kinds
        values = self.values
        while True:
            pos = self.pos
            kind = kinds[pos]
            if kind == closer:
                self.pos = pos + 1
                return tuple(items)
            if kind == lx.EOF:
                return tuple(items)
            following = kinds[pos + 1]
            if (following == lx.COMMA or following == closer) and kind in _LITERALS:
                items.append(_LITERALS[kind](values[pos]))  # the common case, without the Pratt loop
                self.pos = pos + 1
            else:
                items.append(self.expr())
            if kinds[self.pos] == lx.COMMA:
                self.pos += 1

    def obj(self) -> ast.Obj:
        entries: list[tuple[str, ast.Expr]] = []
        kinds = self.kinds
        while True:
            kind = kinds[self.pos]
            if kind == lx.RBRACE:
                self.pos += 1
                return ast.Obj(tuple(entries))
            if kind == lx.EOF:
                return ast.Obj(tuple(entries))
            value = self.values[self.pos]
            self.pos += 1
            if kind in _KEY_KINDS:
                key = js_number_text(value) if kind == lx.NUMBER else value
            elif kind == lx.STATE:
                key = value[1:]
            else:
                key = "?"
            if kinds[self.pos] == lx.COLON:
                self.pos += 1
            entries.append((key, self.expr()))
            if kinds[self.pos] == lx.COMMA:
                self.pos += 1


_LITERALS: dict[int, Any] = {
    lx.STRING: ast.Str,
    lx.NUMBER: ast.Num,
    lx.IDENT: ast.Ref,
    lx.TRUE: lambda _: ast.Bool(True),
    lx.FALSE: lambda _: ast.Bool(False),
    lx.NULL: lambda _: ast.NULL,
}


# Token kinds that shape statements (newline, brackets, `:` and `?`), found in the kinds as bytes.
_STRUCTURE = re.compile(bytes([ord("["), lx.NEWLINE, ord("-"), lx.RBRACE, lx.COLON, lx.QUESTION, ord("]")]))
_NEWLINES = re.compile(bytes([lx.NEWLINE]) + b"*")


def _statement_spans(kinds: list[int]) -> list[tuple[int, int, int]]:
    """(target index, expression start, expression end) of each `name = expr` statement.

    A newline ends a statement at bracket depth 0 unless a ternary is open or the next line starts with
    `?`; lines that do not start with `name =` are skipped. Only structural tokens are visited (a regex
    over the kinds as bytes), which keeps this cheap on long programs.
    """
    coded = bytes(kinds)
    spans: list[tuple[int, int, int]] = []
    total = len(kinds) - 1  # the EOF
    pos = 0
    find_newline = coded.find
    while pos < total:
        skip = _NEWLINES.match(coded, pos)
        pos = skip.end() if skip is not None else pos
        if pos >= total:
            break
        if kinds[pos] not in _TARGET_KINDS or kinds[pos + 1] != lx.ASSIGN:
            newline = find_newline(lx.NEWLINE, pos)
            pos = total if newline < 0 else newline
            continue
        target = pos
        start = pos + 2
        depth = 0
        ternary = 0
        end = total
        for match in _STRUCTURE.finditer(coded, start, total):
            at = match.start()
            kind = coded[at]
            if kind == lx.NEWLINE:
                if depth <= 0 and ternary <= 0:
                    peek = _NEWLINES.match(coded, at).end()  # type: ignore[union-attr]
                    if kinds[peek] != lx.QUESTION:
                        end = at
                        break
            elif kind <= lx.RBRACE:
                if kind & 1:  # LPAREN, LBRACKET, LBRACE are the odd kinds
                    depth += 1
                elif depth > 0:
                    depth -= 1
            elif kind == lx.QUESTION:
                if depth == 0:
                    ternary += 1
            elif depth == 0 and ternary > 0:  # COLON
                ternary -= 1
        spans.append((target, start, end))
        pos = end
    return spans


def _kind_of(target_kind: int, expr: ast.Expr) -> ast.StatementKind:
    if isinstance(expr, ast.Call) and expr.name in ("Query", "Mutation"):
        return "query" if expr.name == "Query" else "mutation"
    return "state" if target_kind == lx.STATE else "value"


def parse_tokens(tokens: lx.Tokens, *, skip_too_deep: bool = False) -> ast.Program:
    kinds, values = tokens.kinds, tokens.values
    statements: list[ast.Statement] = []
    too_deep: list[str] = []
    for target, start, end in _statement_spans(kinds):
        if end <= start:
            continue  # `name =` with nothing after it
        sub_kinds = kinds[start:end]
        sub_values = values[start:end]
        if lx.NEWLINE in sub_kinds:  # newlines inside brackets are not part of the expression grammar
            keep = [i for i, kind in enumerate(sub_kinds) if kind != lx.NEWLINE]
            sub_kinds = [sub_kinds[i] for i in keep]
            sub_values = [sub_values[i] for i in keep]
        sub_kinds.append(lx.EOF)
        sub_kinds.append(lx.EOF)  # room for one token of lookahead past the end
        sub_values.append(None)
        sub_values.append(None)
        parser = _ExprParser(sub_kinds, sub_values)
        try:
            expr = parser.expr()
        except ProgramTooDeep:
            if not skip_too_deep:
                raise
            too_deep.append(values[target])
            continue
        statements.append(ast.Statement(values[target], expr, _kind_of(kinds[target], expr)))
    # lang-core calls a text with nothing to lex (blank, comments only) incomplete.
    nothing = all(kind in (lx.NEWLINE, lx.EOF) for kind in kinds)
    return ast.Program(tuple(statements), tokens.incomplete or nothing, tuple(too_deep))


def parse(text: str, *, skip_too_deep: bool = False) -> ast.Program:
    """Parse OpenUI Lang text (fences, prose around them and comments allowed).

    A statement nesting deeper than MAX_DEPTH raises ProgramTooDeep, or with `skip_too_deep` is left out
    and named in `Program.too_deep`.
    """
    return parse_tokens(lx.tokenize(lx.preprocess(text)), skip_too_deep=skip_too_deep)
