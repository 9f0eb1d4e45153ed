"""What an OpenUI Lang client shows for a program (C1 content version 2), read the way lang-core's streaming
parser reads a growing response: the whole accumulated text parsed, materialized from `root` against the C1 v2
chat library, invalid components and unresolved references dropped.

The tree handed to the drawings is static: runtime expressions (`$state`, `@Builtins`, operators) become
nothing, and action expressions (`Action([@ToAssistant("...")])`, `@OpenUrl(url)`) become the action objects
the library declares (`{type, url}` / `{type: "continue_conversation", message}`).
"""

from __future__ import annotations

from typing import Any

from genui.ui.openui import Dynamic, Library, Program, chat_library, parse, validate
from genui.ui.openui.ast import Arr, Call, Expr, Str

# A streamed prefix is cut at the end; a pending statement may add a name, never replace a complete one.
_MAX_ACTION_STEPS = 50


def openui_tree(program: str, *, partial: bool, library: Library | None = None) -> dict[str, Any] | None:
    """The root component a client draws for `program`, or None when nothing renders (no root yet, a root
    that gives no valid component, a runtime-chosen root, or a program too deep or too large to read)."""
    try:
        parsed = parse(program)
        if partial:
            parsed = _without_replacing_pending(parsed, program)
        result = validate(parsed, library or chat_library())
    except ValueError:  # ProgramTooDeep / ProgramTooLarge: hostile nesting or reference fan-out
        return None
    if result.root is None:
        return None
    tree = static(result.root)
    return tree if isinstance(tree, dict) else None


def _without_replacing_pending(program: Program, text: str) -> Program:
    """lang-core's streaming rule: the statement still being written (the last one, when the text does not end
    with a newline or had to be closed) does not replace an earlier complete definition of the same name."""
    statements = program.statements
    if not statements or (text.endswith("\n") and not program.incomplete):
        return program
    pending = statements[-1]
    if all(s.name != pending.name for s in statements[:-1]):
        return program
    return Program(statements[:-1], incomplete=False)


def static(value: Any) -> Any:
    """A materialized value with runtime expressions resolved away (None: nothing to draw)."""
    if isinstance(value, Dynamic):
        return action(value.expr)
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            item = static(item)
            if item is not None:
                out[key] = item
        return out
    if isinstance(value, list):
        return [s for s in (static(v) for v in value) if s is not None]
    return value


def action(expr: Expr) -> dict[str, Any] | None:
    """The first step of an action expression a static page can carry out: ask the assistant or open a URL."""
    stack: list[Expr] = [expr]
    seen = 0
    while stack and seen < _MAX_ACTION_STEPS:
        step = stack.pop(0)
        seen += 1
        if not isinstance(step, Call):
            continue
        if step.name == "Action" and not step.at:  # `Action([steps])`, nested ones flattened (1.0)
            items = step.args[0].items if step.args and isinstance(step.args[0], Arr) else ()
            stack[:0] = items
            continue
        text = step.args[0].value if step.at and step.args and isinstance(step.args[0], Str) else None
        if text is None:
            continue
        if step.name == "ToAssistant":
            return {"type": "continue_conversation", "message": text}
        if step.name == "OpenUrl":
            return {"type": "open_url", "url": text}
    return None
