"""OpenUI Lang parsing: statements, expressions, leniency, bounded nesting."""

from __future__ import annotations

import pytest

from genui.ui.openui import parse
from genui.ui.openui.ast import (
    NULL,
    Arr,
    Assign,
    Binary,
    Bool,
    Call,
    Index,
    Member,
    Num,
    Obj,
    Ref,
    StateRef,
    Str,
    Ternary,
    Unary,
    references,
)
from genui.ui.openui.parser import MAX_DEPTH, ProgramTooDeep


def exprs(text: str) -> dict[str, object]:
    return {s.name: s.expr for s in parse(text).statements}


def test_statements_calls_arrays_objects_and_references() -> None:
    program = parse('root = Card([h, "x"], {a: 1, "b c": [true], 2: $s})\nh = Header("t")')
    assert [s.name for s in program.statements] == ["root", "h"]
    assert program.statements[0].expr == Call(
        "Card",
        (
            Arr((Ref("h"), Str("x"))),
            Obj((("a", Num(1)), ("b c", Arr((Bool(True),))), ("2", StateRef("$s")))),
        ),
    )
    assert references(program.statements[0].expr) == ["h"]


def test_statement_kinds() -> None:
    kinds = {
        s.name: s.kind for s in parse('$n = 1\nq = Query("t", {})\nm = Mutation("t", {})\nv = X()').statements
    }
    assert kinds == {"$n": "state", "q": "query", "m": "mutation", "v": "value"}


def test_precedence_and_postfix() -> None:
    assert exprs("x = !a && b || c == 1 + 2 * 3")["x"] == Binary(
        "||",
        Binary("&&", Unary("!", Ref("a")), Ref("b")),
        Binary("==", Ref("c"), Binary("+", Num(1), Binary("*", Num(2), Num(3)))),
    )
    assert exprs("x = a.b[0].c")["x"] == Member(Index(Member(Ref("a"), "b"), Num(0)), "c")
    assert exprs("x = $c ? a : b ? c : d")["x"] == Ternary(
        StateRef("$c"), Ref("a"), Ternary(Ref("b"), Ref("c"), Ref("d"))
    )
    assert exprs('x = @Set($v, "a")')["x"] == Call("Set", (StateRef("$v"), Str("a")), at=True)
    assert exprs("x = @Set($v = 2)")["x"] == Call("Set", (Assign("$v", Num(2)),), at=True)


def test_a_ternary_continues_on_the_next_line_and_brackets_span_lines() -> None:
    program = parse("x = $a\n  ? b\n  : c\ny = [1,\n 2]\nz = 3")
    assert [s.name for s in program.statements] == ["x", "y", "z"]
    assert program.statements[1].expr == Arr((Num(1), Num(2)))


def test_leniency_missing_commas_stray_tokens_trailing_commas() -> None:
    assert exprs('h = Header("a" "b",)')["h"] == Call("Header", (Str("a"), Str("b")))
    assert exprs("a = [1, , 2]")["a"] == Arr((Num(1), NULL, Num(2)))
    assert exprs("a = Card([b")["a"] == Call("Card", (Arr((Ref("b"),)),))


def test_lines_that_are_not_statements_are_skipped() -> None:
    program = parse("Here is your UI:\nroot = Card([])\nThat's all\n- bullet")
    assert [s.name for s in program.statements] == ["root"]


def test_builtin_names_need_the_at_sign_and_named_args_are_junk() -> None:
    assert exprs("x = Count(a)")["x"] == Ref("Count")
    assert exprs('h = Header(title: "a")')["h"] == Call("Header", (Ref("title"), NULL, Str("a")))


def test_duplicates_last_wins_keeping_the_first_position() -> None:
    program = parse("a = 1\nb = 2\na = 3")
    assert list(program.table) == ["a", "b"] and program.table["a"].expr == Num(3)


def test_deep_nesting_is_an_error_not_a_recursion_error() -> None:
    deep = "x = " + "[" * 50_000 + "]" * 50_000
    with pytest.raises(ProgramTooDeep):
        parse(deep)
    program = parse(deep + "\ny = 1", skip_too_deep=True)
    assert program.too_deep == ("x",) and [s.name for s in program.statements] == ["y"]
    assert parse("x = " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)).statements


def test_empty_and_comment_only_texts_are_incomplete_like_lang_core() -> None:
    assert parse("").incomplete and parse("// nothing").incomplete
    assert not parse("just prose").incomplete
