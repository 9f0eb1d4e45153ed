"""Close a truncated JSON prefix the way C1 clients do, so a streamed tree can be validated and rendered.

Hand-rolled because no redistributable library gives the exact client semantics: a cut inside a string
value closes the string, a cut between complete values drops a dangling comma, but a cut inside a key,
right after `"key":`, inside a number's exponent or inside a literal gives "nothing new" (None).
"""

from __future__ import annotations

import json
from typing import Any

_LITERALS = ("true", "false", "null")


class _Incomplete(Exception):
    """The prefix stops at a point that closes to nothing usable."""


def close_json(prefix: str) -> str | None:
    """Return `prefix` completed into a JSON text, or None when the cut point yields nothing new."""
    stack: list[str] = []  # "{" or "["
    expect_key: list[bool] = []  # per object: the next string is a key
    in_string = False
    string_is_key = False
    escape = False
    after_colon = False  # inside an object, a value is due
    i = 0
    n = len(prefix)
    while i < n:
        ch = prefix[i]
        if in_string:
            if escape:
                escape = False
            elif ch == "\\":
                escape = True
            elif ch == '"':
                in_string = False
                if string_is_key:
                    string_is_key = False
            i += 1
            continue
        if ch == '"':
            in_string = True
            string_is_key = bool(stack) and stack[-1] == "{" and expect_key[-1]
            if stack and stack[-1] == "{":
                if string_is_key:
                    expect_key[-1] = False
                else:
                    after_colon = False
        elif ch == "{":
            stack.append("{")
            expect_key.append(True)
            after_colon = False
        elif ch == "[":
            stack.append("[")
            expect_key.append(False)
            after_colon = False
        elif ch in "}]":
            if stack:
                stack.pop()
                expect_key.pop()
            after_colon = False
        elif ch == ":":
            after_colon = True
        elif ch == ",":
            if stack and stack[-1] == "{":
                expect_key[-1] = True
            after_colon = False
        elif not ch.isspace():
            after_colon = False
        i += 1
    if not stack and not in_string:
        return prefix if prefix.strip() else None
    if in_string:
        if string_is_key:
            return None
        body = prefix
        if escape:
            body = body[:-1]
        body = _trim_partial_unicode_escape(body)
        text = body + '"'
    else:
        text = prefix.rstrip()
        if after_colon:
            return None
        # an object key without its colon yet
        if stack and stack[-1] == "{" and text.endswith('"') and _ends_with_key(text):
            return None
        if text.endswith(","):
            text = text[:-1]
        tail = _trailing_scalar(text)
        if tail is not None and not _scalar_complete(tail):
            return None
    return text + "".join("}" if c == "{" else "]" for c in reversed(stack))


def _trim_partial_unicode_escape(body: str) -> str:
    """Drop a half-written `\\uXXXX` escape at the end of an open string."""
    idx = body.rfind("\\u")
    if idx != -1 and len(body) - idx < 6:
        backslashes = len(body[:idx]) - len(body[:idx].rstrip("\\"))
        if backslashes % 2 == 0:
            return body[:idx]
    return body


def _ends_with_key(text: str) -> bool:
    """True when the last complete string of `text` is an object key (preceded by `{` or `,`)."""
    j = len(text) - 2
    while j >= 0:
        if text[j] == '"' and (j == 0 or text[j - 1] != "\\"):
            break
        j -= 1
    before = text[:j].rstrip()
    return before.endswith(("{", ","))


def _trailing_scalar(text: str) -> str | None:
    """The bare number or literal at the end of `text`, if the text ends with one."""
    j = len(text)
    while j > 0 and (text[j - 1].isalnum() or text[j - 1] in "+-."):
        j -= 1
    tail = text[j:]
    return tail or None


def _scalar_complete(tail: str) -> bool:
    if tail in _LITERALS:
        return True
    if tail[0].isalpha():
        return False
    try:
        json.loads(tail)
    except ValueError:
        return False
    return True


def loads_prefix(prefix: str) -> Any | None:
    """Parse a possibly truncated JSON text; None when it closes to nothing or is not JSON at all."""
    closed = close_json(prefix)
    if closed is None:
        return None
    try:
        return json.loads(closed)
    except ValueError:
        return None
