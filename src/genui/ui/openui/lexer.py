"""OpenUI Lang lexer: fence extraction, comments, tokens, and lang-core's auto-closing of a cut-off program.

Tokens are two parallel lists (kinds, values): a program of 100 KB is ~20k tokens and per-token objects
would cost more than the lexing itself. The scan is one compiled regex applied from position to position.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

# Token kinds.
NEWLINE, LPAREN, RPAREN, LBRACKET, RBRACKET, LBRACE, RBRACE, COMMA, COLON, ASSIGN = range(10)
TRUE, FALSE, NULL, EOF, STRING, NUMBER, IDENT, TYPE, STATE, DOT = range(10, 20)
PLUS, MINUS, STAR, SLASH, PERCENT, EQ, NE, GT, LT, GE, LE, AND, OR, NOT, QUESTION, CALL = range(20, 36)

# Tokens after which a `-` is the minus operator rather than a sign.
_VALUE_KINDS = frozenset({NUMBER, STRING, IDENT, TYPE, RPAREN, RBRACKET, TRUE, FALSE, NULL, STATE, CALL})
_CLOSER = {LPAREN: RPAREN, LBRACKET: RBRACKET, LBRACE: RBRACE}

_PUNCT: dict[str, int] = {
    "(": LPAREN, ")": RPAREN, "[": LBRACKET, "]": RBRACKET, "{": LBRACE, "}": RBRACE, ",": COMMA, ":": COLON,
    "=": ASSIGN, "==": EQ, "!": NOT, "!=": NE, ">": GT, ">=": GE, "<": LT, "<=": LE, "&": AND, "&&": AND,
    "|": OR, "||": OR, ".": DOT, "?": QUESTION, "+": PLUS, "-": MINUS, "*": STAR, "/": SLASH, "%": PERCENT,
}  # fmt: skip
_KEYWORDS = {"true": TRUE, "false": FALSE, "null": NULL}

# One alternation, applied with findall: each match is one token's text (or skippable text), classified
# by its first character below. Whitespace before a token is consumed outside the group.
_TOKEN = re.compile(
    r"""[ \t\r]*(
    [A-Za-z_][A-Za-z0-9_]*
    |[(),\[\]{}:.?+*%\n]
    |"(?:[^"\\]|\\[\s\S])*(?:"|\\?\Z)
    |-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]*)?
    |//[^\n]*|\#[^\n]*
    |'(?:[^'\\]|\\[\s\S])*(?:'|\\?\Z)
    |[$@][A-Za-z_][A-Za-z0-9_]*
    |==|!=|>=|<=|&&|\|\||[\s\S])""",
    re.VERBOSE,
)
_SINGLE_ESCAPE = re.compile(r"\\([\s\S])")
_SINGLE_ESCAPES = {"n": "\n", "t": "\t"}


@dataclass(frozen=True, slots=True)
class Tokens:
    kinds: list[int]
    values: list[Any]
    incomplete: bool  # a string or bracket was left open and closed at the end, as lang-core's autoClose does


def _skip_string(text: str, start: int) -> int:
    """Index after the double-quoted string at `start` (or the end of text when it never closes)."""
    i = start + 1
    n = len(text)
    while i < n:
        c = text[i]
        if c == "\\":
            i += 2
        elif c == '"':
            return i + 1
        else:
            i += 1
    return n


def _find_fence(text: str, start: int) -> int:
    """Position of the next ``` outside double-quoted strings, or -1."""
    i = start
    while True:
        fence = text.find("```", i)
        if fence < 0:
            return -1
        quote = text.find('"', i, fence)
        if quote < 0:
            return fence
        i = _skip_string(text, quote)


def extract_fences(text: str) -> str:
    """The contents of the ``` fenced blocks joined by newlines (prose outside dropped); `text` if none.

    Language tags are ignored and an unclosed fence takes the rest of the text, as in lang-core.
    """
    blocks: list[str] = []
    i = 0
    while i < len(text):
        fence = _find_fence(text, i)
        if fence < 0:
            break
        line_end = text.find("\n", fence + 3)
        if line_end < 0:
            blocks.append("")  # a fence line still being written: its tag, then nothing yet
            break
        close = _find_fence(text, line_end + 1)
        if close < 0:
            blocks.append(text[line_end + 1 :])
            break
        blocks.append(text[line_end + 1 : close])
        i = close + 3
    if blocks:
        return "\n".join(blocks)
    return text


def preprocess(text: str) -> str:
    """The program text lang-core lexes: fenced blocks extracted, surrounding whitespace trimmed."""
    return extract_fences(text.strip()).strip()


def _double_quoted(raw: str, closed: bool) -> str:
    if not closed:
        trailing = len(raw) - len(raw.rstrip("\\"))
        raw = raw + ("\\" if trailing % 2 else "") + '"'
    if "\\" not in raw:
        return raw[1:-1]
    try:
        value = json.loads(raw)
    except ValueError:
        return raw[1:-1]  # undecodable (e.g. a raw control character): kept with its escapes, as lang-core
    return value if isinstance(value, str) else raw[1:-1]


def _single_quoted(raw: str, closed: bool) -> str:
    body = raw[1:-1] if closed else raw[1:]
    if "\\" not in body:
        return body
    return _SINGLE_ESCAPE.sub(lambda m: _SINGLE_ESCAPES.get(m.group(1), m.group(1)), body)


def _number(text: str) -> int | float:
    if "." not in text and "e" not in text and "E" not in text:
        return int(text)
    try:
        return float(text)
    except ValueError:
        return float("nan")  # `1e`: JavaScript's `+"1e"` is NaN too


def _closed(raw: str) -> bool:
    """Whether a string token ends with its own (unescaped) closing quote."""
    if len(raw) < 2 or raw[-1] != raw[0]:
        return False
    body = raw[1:-1]
    return (len(body) - len(body.rstrip("\\"))) % 2 == 0


def tokenize(text: str) -> Tokens:
    """Tokens of already preprocessed program text, comments dropped, EOF-terminated."""
    kinds: list[int] = []
    values: list[Any] = []
    add_kind = kinds.append
    add_value = values.append
    stack: list[int] = []  # open brackets, popped only by their own closer (lang-core autoClose's rule)
    open_string = False
    punct = _PUNCT
    closer_of = _CLOSER
    for tok in _TOKEN.findall(text):
        kind = punct.get(tok)
        if kind is not None:
            if kind <= RBRACE and kind >= LPAREN:
                if kind in closer_of:
                    stack.append(kind)
                elif stack and closer_of[stack[-1]] == kind:
                    stack.pop()
            add_kind(kind)
            add_value(None)
            continue
        c = tok[0]
        if c == "\n":
            add_kind(NEWLINE)
            add_value(None)
        elif "A" <= c <= "Z":
            add_kind(TYPE)
            add_value(tok)
        elif "a" <= c <= "z" or c == "_":
            keyword = _KEYWORDS.get(tok)
            if keyword is not None:
                add_kind(keyword)
                add_value(None)
            else:
                add_kind(IDENT)
                add_value(tok)
        elif c == '"' or c == "'":
            closed = _closed(tok)
            if not closed:
                open_string = True  # an unclosed string runs to the end of the text
            add_kind(STRING)
            add_value(_double_quoted(tok, closed) if c == '"' else _single_quoted(tok, closed))
        elif "0" <= c <= "9" or c == "-":
            if c == "-" and kinds and kinds[-1] in _VALUE_KINDS:
                add_kind(MINUS)  # binary minus, then the number without its sign
                add_value(None)
                tok = tok[1:]
            add_kind(NUMBER)
            add_value(_number(tok))
        elif c == "$":
            add_kind(STATE)
            add_value(tok)
        elif c == "@":
            add_kind(CALL)
            add_value(tok[1:])
        # anything else (comments, stray characters, trailing blanks) is skipped
    for kind in reversed(stack):
        add_kind(closer_of[kind])
        add_value(None)
    add_kind(EOF)
    add_value(None)
    return Tokens(kinds, values, open_string or bool(stack))
