"""OpenUI Lang lexing: fences, comments, strings, numbers, names, operators, auto-closing."""

from __future__ import annotations

import pytest

from genui.ui.openui import lexer as lx


def pairs(text: str) -> list[tuple[int, object]]:
    tokens = lx.tokenize(text)
    return list(zip(tokens.kinds, tokens.values, strict=True))[:-1]


def test_fenced_blocks_are_extracted_and_prose_dropped() -> None:
    text = "Here it is:\n```openui-lang\nroot = Card([])\n```\nand more\n```\nx = 1\n```\nbye"
    assert lx.extract_fences(text) == "root = Card([])\n\nx = 1\n"


def test_an_unclosed_fence_takes_the_rest_and_quotes_hide_fences() -> None:
    assert lx.extract_fences("```\nroot = X()\ny = 2") == "root = X()\ny = 2"
    assert lx.extract_fences('a = "```"\n') == 'a = "```"\n'
    assert lx.extract_fences("no fences") == "no fences"


def test_comments_are_dropped_outside_strings() -> None:
    assert pairs('a = 1 // note\n# whole line\nb = "x // y # z"') == [
        (lx.IDENT, "a"), (lx.ASSIGN, None), (lx.NUMBER, 1), (lx.NEWLINE, None), (lx.NEWLINE, None),
        (lx.IDENT, "b"), (lx.ASSIGN, None), (lx.STRING, "x // y # z"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("source", "value"),
    [
        (r'"a\"b\n\u00e9"', 'a"b\né'),
        (r"'it\'s\n\t\q'", "it's\n\tq"),
        ('"raw\ttab"', "raw\ttab"),  # no backslash: taken as is
        ('"bad\\x"', "bad\\x"),  # an escape JSON rejects: kept undecoded, as lang-core does
        ('"ctl\x01\\n"', "ctl\x01\\n"),  # a raw control character makes the JSON decode fail
    ],
)
def test_strings_decode_like_lang_core(source: str, value: str) -> None:
    assert pairs(source) == [(lx.STRING, value)]


def test_an_unclosed_string_is_closed_at_the_end_and_marks_the_text_incomplete() -> None:
    tokens = lx.tokenize('t = TextContent("Hel')
    assert tokens.values[4] == "Hel" and tokens.kinds[5] == lx.RPAREN and tokens.incomplete
    assert lx.tokenize('t = "ends with \\').values[-2] == "ends with \\"


def test_numbers_and_the_sign_rule() -> None:
    assert pairs("[-1, 2.5e3, 1e-2]") == [
        (lx.LBRACKET, None), (lx.NUMBER, -1), (lx.COMMA, None), (lx.NUMBER, 2500.0), (lx.COMMA, None),
        (lx.NUMBER, 0.01), (lx.RBRACKET, None),
    ]  # fmt: skip
    # After a value, `-` is the minus operator.
    assert pairs("a -1") == [(lx.IDENT, "a"), (lx.MINUS, None), (lx.NUMBER, 1)]
    assert pairs("x - -2") == [(lx.IDENT, "x"), (lx.MINUS, None), (lx.NUMBER, -2)]


def test_names_types_state_calls_and_keywords() -> None:
    assert pairs("a Type _x $s @Each true false null") == [
        (lx.IDENT, "a"), (lx.TYPE, "Type"), (lx.IDENT, "_x"), (lx.STATE, "$s"), (lx.CALL, "Each"),
        (lx.TRUE, None), (lx.FALSE, None), (lx.NULL, None),
    ]  # fmt: skip


def test_operators_including_single_and_or() -> None:
    kinds = [kind for kind, _ in pairs("== != >= <= > < && || & | ! ? : . + - * / % = ~")]
    assert kinds == [
        lx.EQ, lx.NE, lx.GE, lx.LE, lx.GT, lx.LT, lx.AND, lx.OR, lx.AND, lx.OR, lx.NOT, lx.QUESTION,
        lx.COLON, lx.DOT, lx.PLUS, lx.MINUS, lx.STAR, lx.SLASH, lx.PERCENT, lx.ASSIGN,
    ]  # fmt: skip  # `~` is skipped silently


def test_open_brackets_are_closed_at_the_end_matching_only_their_own_closers() -> None:
    tokens = lx.tokenize("a = Card([b)")
    closers = tokens.kinds[-3:-1]
    assert tokens.incomplete and closers == [lx.RBRACKET, lx.RPAREN]
    assert not lx.tokenize("a = Card([b])").incomplete
