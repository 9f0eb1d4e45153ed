"""Which declared function a request asks for, decided by words (for models too small to decide it).

A function is asked for when a significant word of its name appears in the prompt ("weather" in "What's the
weather in Paris?" for `get_weather`), or, failing that, two significant words of its description do. Words
match when equal or when one extends the other by a short ending ("flight"/"flights", "book"/"booking").
Generic words ("get", "list", "data", "current", ...) never count.
"""

from __future__ import annotations

import re
from typing import Any

# Words that name no subject: verbs every API uses, and filler of descriptions.
_GENERIC_WORDS = (
    "get set fetch list create update delete remove add find search lookup look query retrieve read write "
    "send call run do make check show return returns give given info information data details detail "
    "current tool function api the a an for of to in on at by with from and or is are be this that these "
    "those it its your user users specified specific some any all about into as use using used value "
    "values name names id ids new one two request"
)
_GENERIC = frozenset(_GENERIC_WORDS.split())
_WORD = re.compile(r"[a-z0-9]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_ENDINGS = 3  # "forecast" ~ "forecasts", "book" ~ "booking": at most this many extra letters
_MIN_STEM = 4
_MIN_DESCRIPTION_MATCHES = 2


def function_of(tool: dict[str, Any]) -> dict[str, Any]:
    """The `function` object of a chat-format tool (`{"type": "function", "function": {...}}`)."""
    function = tool.get("function")
    return function if isinstance(function, dict) else {}


def _words(text: str) -> list[str]:
    return _WORD.findall(_CAMEL.sub(" ", text).replace("_", " ").lower())


def _significant(text: str) -> set[str]:
    return {w for w in _words(text) if w not in _GENERIC and len(w) >= 3 and not w.isdigit()}


def _same(a: str, b: str) -> bool:
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    return len(short) >= _MIN_STEM and long.startswith(short) and len(long) - len(short) <= _ENDINGS


def _matches(wanted: set[str], said: set[str]) -> int:
    return sum(1 for w in wanted if any(_same(w, s) for s in said))


def score(tool: dict[str, Any], prompt: str) -> int:
    """How clearly the prompt asks for the tool: 0 (not at all), else higher is clearer."""
    function = function_of(tool)
    said = _significant(prompt)
    by_name = _matches(_significant(str(function.get("name") or "")), said)
    if by_name:
        return 10 * by_name
    by_description = _matches(_significant(str(function.get("description") or "")), said)
    return by_description if by_description >= _MIN_DESCRIPTION_MATCHES else 0


def asked_tool(tools: list[dict[str, Any]], prompt: str) -> dict[str, Any] | None:
    """The function tool the prompt clearly asks for (the clearest; the first of equals), or None."""
    scored = [
        (score(tool, prompt), -i, tool) for i, tool in enumerate(tools) if function_of(tool).get("name")
    ]
    best = max(scored, default=None, key=lambda entry: entry[:2])
    return best[2] if best is not None and best[0] > 0 else None


def forced_tool(tools: list[dict[str, Any]] | None, tool_choice: Any, prompt: str) -> dict[str, Any] | None:
    """The function `tool_choice` makes the model call: the named one, or under "required" the one the prompt
    asks for (else the first); None under "auto", "none" or no choice."""
    named = [t for t in tools or [] if function_of(t).get("name")]
    if not named:
        return None
    if isinstance(tool_choice, dict):
        name = function_of(tool_choice).get("name") or tool_choice.get("name")
        return next((t for t in named if function_of(t)["name"] == name), None)
    if tool_choice == "required":
        return asked_tool(named, prompt) or named[0]
    return None
