"""What a repair request names, checked: the library (a document, a version, or none), custom actions, the
conversation a model attempt may read, the generation's format. Checks raise an ApiError naming the param."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import orjson

from genui.errors import ApiError
from genui.ui import Catalog, ThesysMetadata, openui
from genui.ui.c1 import parse_c1, to_model_text
from genui.ui.openui import Library, LibraryError
from genui.ui.openui.library import entry_candidates

Format = Literal["v1", "v2"]
MAX_PROGRAM_CHARS = 100_000
MAX_CONTEXT_TURNS = 20
MAX_CONTEXT_CHARS = 8_000
MAX_LIBRARY_COMPONENTS = 500
MAX_LIBRARY_BYTES = 1_000_000
MAX_LIBRARY_DEPTH = 64
MAX_CUSTOM_ACTIONS = 32
# `openUIlibraryVersion`: every 0.x release selects the one bundled chat library.
LIBRARY_VERSION = re.compile(r"0\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?\Z")
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
_STATEMENT_LINE = re.compile(r"^\s*[A-Za-z_$][\w$]*\s*=", re.MULTILINE)
_CONTEXT_ROLES = frozenset({"user", "assistant", "system", "developer"})


@dataclass(frozen=True, slots=True)
class ContextTurn:
    role: str
    text: str


def _too_deep(document: Any) -> bool:
    """Whether a JSON value nests deeper than MAX_LIBRARY_DEPTH (iterative: no stack to exhaust)."""
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_LIBRARY_DEPTH:
            return True
        if isinstance(value, Mapping):
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
    return False


def _bad(param: str, message: str, code: str = "invalid_value") -> ApiError:
    return ApiError(400, message, param=param, code=code)


def resolve_library(
    document: Any,
    version: str | None = None,
    *,
    param: str = "library",
    version_param: str = "openUIlibraryVersion",
) -> Library | None:
    """The library a request names: a document (toJSONSchema() output or the CLI spec), a version of the
    bundled chat library, or neither (None: the chat library). Documents are cached by content
    (`openui.load_library`, least recently used out)."""
    if version is not None:
        if document is not None:
            raise _bad(param, f"'{param}' and '{version_param}' are mutually exclusive: send one of them.")
        if not LIBRARY_VERSION.match(version):
            raise _bad(
                version_param,
                f"Unknown '{version_param}' {version[:40]!r}: genui serves the bundled 0.x chat library "
                "(any '0.MINOR.PATCH').",
            )
        return None
    if document is None:
        return None
    if not isinstance(document, Mapping):
        raise _bad(param, f"'{param}' must be a JSON object: toJSONSchema() output or the CLI spec.")
    if _too_deep(document):
        raise _bad(param, f"'{param}' nests deeper than {MAX_LIBRARY_DEPTH} levels.", "library_too_large")
    size = len(orjson.dumps(document))
    if size > MAX_LIBRARY_BYTES:
        raise _bad(
            param,
            f"'{param}' is {size} bytes of JSON; the limit is {MAX_LIBRARY_BYTES}.",
            "library_too_large",
        )
    schema = document.get("schema", document)
    defs = schema.get("$defs") if isinstance(schema, Mapping) else None
    if isinstance(defs, Mapping) and len(defs) > MAX_LIBRARY_COMPONENTS:
        raise _bad(
            param,
            f"'{param}' has {len(defs)} components; the limit is {MAX_LIBRARY_COMPONENTS}.",
            "library_too_large",
        )
    # a toJSONSchema() document names no root: a "root" key beside "$defs" may (genui), else it is inferred
    given = document.get("root") if "$defs" in document else None
    try:
        library = openui.load_library(document, root=given if isinstance(given, str) else None)
        if library.root is None:
            candidates = entry_candidates(library)
            if len(candidates) == 1:  # the one component nothing else refers to is where programs start
                library = openui.load_library(document, root=candidates[0])
    except LibraryError as exc:
        where = f"{param}/{exc.path}" if exc.path else param
        raise _bad(param, f"Invalid '{param}' at {where}: {exc.reason}", "invalid_library") from None
    return library


def check_custom_actions(value: Any, *, param: str = "customActions") -> dict[str, dict[str, Any]]:
    """`customActions`: {name: parameter schema}; names are identifiers (`@name(...)`, `{type: name}`)."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise _bad(param, f"'{param}' must be an object of action name -> parameter schema.")
    if len(value) > MAX_CUSTOM_ACTIONS:
        raise _bad(param, f"'{param}' has {len(value)} actions; the limit is {MAX_CUSTOM_ACTIONS}.")
    for name, schema in value.items():
        if not isinstance(name, str) or not _NAME.match(name):
            raise _bad(param, f"'{param}': action name {str(name)[:40]!r} must match [A-Za-z][A-Za-z0-9_]*.")
        if not isinstance(schema, Mapping):
            raise _bad(param, f"'{param}.{name}' must be an object (the action's parameter schema).")
        if _too_deep(schema):
            raise _bad(param, f"'{param}.{name}' nests deeper than {MAX_LIBRARY_DEPTH} levels.")
    actions = {name: dict(schema) for name, schema in value.items()}
    # The v1 catalog compiles these schemas, partly when an action first shows up: build it and show it each
    # action now, so a schema it cannot use is the client's 400 here rather than a 500 mid-repair.
    buttons = [
        {"component": "Button", "props": {"children": name, "name": name, "action": {"type": name}}}
        for name in actions
    ]
    probe = {
        "component": "Card",
        "props": {"children": [{"component": "ButtonGroup", "props": {"children": buttons}}]},
    }
    try:
        Catalog.default().with_thesys(ThesysMetadata(c1_custom_actions=actions)).repair_tree(probe)
    except Exception as exc:
        raise _bad(param, f"'{param}' holds a parameter schema genui cannot use: {str(exc)[:200]}") from None
    return actions


def is_blank(text: str) -> bool:
    """No generation at all: empty, whitespace or only control characters."""
    return not any(ch.isprintable() and not ch.isspace() for ch in text)


def message_text(content: Any) -> str:
    """The text of a chat message's content: a string, or its text parts joined (other parts dropped)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = [
            part["text"]
            for part in content
            if isinstance(part, Mapping) and part.get("type") == "text" and isinstance(part.get("text"), str)
        ]
        return "\n".join(texts)
    return ""


def context_turns(messages: Sequence[Mapping[str, Any]]) -> tuple[ContextTurn, ...]:
    """The conversation a model attempt may read: text of user/assistant/system/developer turns (tool turns
    and non-text parts dropped), the newest MAX_CONTEXT_TURNS, at most MAX_CONTEXT_CHARS characters in all
    (older turns go first; the oldest kept turn keeps its end)."""
    turns: list[ContextTurn] = []
    for message in messages:
        role = message.get("role")
        if role not in _CONTEXT_ROLES:
            continue
        text = message_text(message.get("content"))
        if role in ("user", "assistant"):
            text = to_model_text(text, str(role))  # C1 history and UI actions as readable text
        if text.strip():
            turns.append(ContextTurn(str(role), text))
    kept: list[ContextTurn] = []
    budget = MAX_CONTEXT_CHARS
    for turn in reversed(turns[-MAX_CONTEXT_TURNS:]):
        if budget <= 0:
            break
        text = turn.text[-budget:]
        kept.append(ContextTurn(turn.role, text))
        budget -= len(text)
    return tuple(reversed(kept))


def detect_format(text: str) -> Format:
    """v1 for a C1 v1 content element or JSON; v2 (OpenUI Lang) otherwise."""
    if "<content" in text:
        part = next((p for p in parse_c1(text).parts if p.kind == "content"), None)
        if part is not None:
            return "v2" if part.attrs.get("version") == "2" else "v1"
    body = text.strip()
    if body.startswith("```"):
        body = body.split("\n", 1)[1].lstrip() if "\n" in body else ""
    if body.startswith("{"):
        return "v1"
    if '"component"' in text and _STATEMENT_LINE.search(text) is None:
        return "v1"
    return "v2"
