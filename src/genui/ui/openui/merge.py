"""Edit-mode merge: apply a patch program to an existing one by statement name (lang-core mergeStatements).

Both texts are split at newlines at bracket depth 0 outside strings (fences are stripped from the patch
only). An empty base gives the patch statements; an empty patch gives the base unchanged. `name = null`
deletes; an existing name is replaced in place; a new one is appended; then, when the root statement
exists, statements it cannot reach are dropped (`$state` statements are always kept).
"""

from __future__ import annotations

from .ast import Null, Statement, references
from .lexer import extract_fences, tokenize
from .parser import parse_tokens


def split_source(text: str) -> list[str]:
    """Raw statement texts: newlines at depth 0 outside strings end one."""
    pieces: list[str] = []
    depth = 0
    quote = ""
    escaped = False
    start = 0
    for i, c in enumerate(text):
        if escaped:
            escaped = False
        elif quote:
            if c == "\\":
                escaped = True
            elif c == quote:
                quote = ""
        elif c == '"' or c == "'":
            quote = c
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth = max(0, depth - 1)
        elif c == "\n" and depth <= 0:
            piece = text[start:i].strip()
            if piece:
                pieces.append(piece)
            start = i + 1
    tail = text[start:].strip()
    if tail:
        pieces.append(tail)
    return pieces


def _statements(text: str) -> list[tuple[Statement, str]]:
    out = []
    for raw in split_source(text.strip()):
        program = parse_tokens(tokenize(raw))
        if program.statements:
            out.append((program.statements[0], raw))
    return out


def merge_statements(existing: str, patch: str, root_id: str = "root") -> str:
    """The program `existing` with `patch` applied (statements joined by newlines)."""
    base = _statements(existing)
    changes = _statements(extract_fences(patch))
    if not base:
        return "\n".join(raw for _, raw in changes)
    if not changes:
        return existing
    merged: dict[str, tuple[Statement, str]] = {statement.name: (statement, raw) for statement, raw in base}
    for statement, raw in changes:
        if isinstance(statement.expr, Null):
            merged.pop(statement.name, None)
        else:
            merged[statement.name] = (statement, raw)  # replaced in place, or appended when new
    if root_id in merged:
        reachable = {root_id}
        queue = [root_id]
        while queue:
            current = merged.get(queue.pop())
            if current is None:
                continue
            for name in references(current[0].expr):
                if name not in reachable and name in merged:
                    reachable.add(name)
                    queue.append(name)
        merged = {name: item for name, item in merged.items() if name in reachable or name.startswith("$")}
    return "\n".join(raw for _, raw in merged.values())
