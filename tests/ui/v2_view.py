"""How a v2 client reads a streamed answer prefix, with genui's own validator (the fast stand-in for the
lang-core judge of tests/node/openui), and what "what renders only grows" means.

`program_of(prefix)`: the OpenUI Lang text of a C1 v2 answer prefix (the content body, entity-unescaped) or of
a bare program. `reading(program)`: the validation of that text; a streamed prefix is fine when it has a root
and no error but `unresolved` (a forward reference not defined yet) and `incomplete` (a string still open).

Prefix-growth, precisely: tree A grows into tree B (`grows(A, B)`) when they are the same kind of value and
- a list in A is no longer than in B and each of its items grows into B's item at the same index;
- an object (or node props) in A has only keys B has, and each value grows into B's value;
- a string in A is a prefix of B's (a streamed text); any other value is equal.
So nothing shown disappears, moves or changes; things are only added at the ends of lists, as new keys,
and at the end of a streamed text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from genui.ui import openui
from genui.ui.c1 import unescape
from genui.ui.openui import Library, ValidationResult
from genui.ui.openui.repair import is_url_prop
from genui.ui.sanitize import safe_url, sanitize_markdown

_OPEN = '<content thesys="true" version="2">'
_CUT_ENTITY = re.compile(r"&#?[A-Za-z0-9]{0,10}\Z")
STREAMING_CODES = frozenset({"unresolved", "incomplete"})


def program_of(prefix: str) -> str:
    """The program text a client reads from an answer prefix (C1 v2 content or a bare program)."""
    start = prefix.find(_OPEN)
    if start < 0:
        return prefix
    body = prefix[start + len(_OPEN) :]
    end = body.find("</content>")
    if end >= 0:
        body = body[:end]
    else:
        body = body[: len(body) - len(_partial_close(body))]
        body = _CUT_ENTITY.sub("", body)
    return unescape(body)


def _partial_close(body: str) -> str:
    close = "</content>"
    for size in range(min(len(close) - 1, len(body)), 0, -1):
        if body.endswith(close[:size]):
            return close[:size]
    return ""


def reading(program: str, library: Library | None = None) -> ValidationResult:
    return openui.validate(program, library, partial=True)


def check_prefix(program: str, library: Library | None = None) -> ValidationResult:
    """A streamed prefix: it renders (a root), with no error but forward references and an open string."""
    result = reading(program, library)
    assert result.root is not None, program[-300:]
    bad = [e.to_dict() for e in result.errors if e.code not in STREAMING_CODES]
    assert bad == [], (bad, program[-300:])
    return result


def check_final(program: str, library: Library | None = None) -> ValidationResult:
    """The whole answer: valid, nothing unresolved or orphaned, root first, and safe."""
    result = openui.validate(program, library)
    assert result.valid and result.root is not None, ([e.to_dict() for e in result.errors], program[-500:])
    assert result.program.statements[0].name == "root"
    assert_safe(result.root)
    return result


def assert_safe(value: Any, key: str | None = None) -> None:
    """No unsafe URL and no HTML in any string of the tree."""
    if isinstance(value, str):
        if is_url_prop(key):
            assert safe_url(value) == value, (key, value)
        assert sanitize_markdown(value) == value or "<" not in value, (key, value)
        assert "<script" not in value.lower() and "javascript:" not in value.lower(), (key, value)
    elif isinstance(value, list):
        for item in value:
            assert_safe(item, key)
    elif isinstance(value, dict):
        for k, v in value.items():
            assert_safe(v, k if k not in ("component", "props") else key)


def grows(a: Any, b: Any) -> bool:
    """Whether tree `a` grows into tree `b` (see the module docstring)."""
    if isinstance(a, list):
        return (
            isinstance(b, list) and len(a) <= len(b) and all(grows(x, y) for x, y in zip(a, b, strict=False))
        )
    if isinstance(a, dict):
        return isinstance(b, dict) and all(k in b and grows(v, b[k]) for k, v in a.items())
    if isinstance(a, str):
        return isinstance(b, str) and b.startswith(a)
    return type(a) is type(b) and a == b


def check_stream(pieces: Iterable[str], library: Library | None = None) -> list[Any]:
    """Every prefix after a piece renders (or is still empty) and grows into the next; returns the trees."""
    text = ""
    trees: list[Any] = []
    for piece in pieces:
        text += piece
        program = program_of(text)
        if not program.strip():
            assert not trees, "the answer went back to nothing"
            continue
        root = check_prefix(program, library).root
        if trees:
            assert grows(trees[-1], root), (trees[-1], root)
        trees.append(root)
    return trees
