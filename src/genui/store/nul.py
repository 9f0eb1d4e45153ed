"""The store's NUL policy: U+0000 is stored through a reversible encoding, so both backends keep every string.

PostgreSQL refuses NUL in `text` and `\\u0000` in `json`/`jsonb`; SQLite stores both. So that the two answer
the same, every string the store writes (text columns, and the strings and keys inside JSON documents) goes
through `encode`, and every string it reads through `decode`:

    U+FDD0 -> U+FDD0 U+FDD0        U+0000 -> U+FDD0 "0"

U+FDD0 is a Unicode noncharacter ("for process-internal use"), so real text practically never pays the
escape; when it does, it round-trips like anything else. An encoded string is at most twice as long.
Lookups by an id holding NUL encode the same way: they match what was stored under that id, and server-minted
ids never hold NUL, so such a lookup finds nothing (a 404 upstream), never a database error.
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

NUL = "\x00"
ESC = "\ufdd0"
_ESCAPED = re.compile(ESC + "([" + ESC + "0])")
# How NUL appears in serialized JSON (orjson escapes control characters); a literal backslash before "u0000"
# also matches, which only costs a needless walk.
_JSON_NUL = "\\u0000"


def encode(value: str) -> str:
    if NUL not in value and ESC not in value:
        return value
    return value.replace(ESC, ESC + ESC).replace(NUL, ESC + "0")


def decode(value: str) -> str:
    if ESC not in value:
        return value
    return _ESCAPED.sub(lambda m: ESC if m[1] == ESC else NUL, value)


def _walk(value: Any, convert: Any) -> Any:
    if isinstance(value, str):
        return convert(value)
    if isinstance(value, dict):
        return {(convert(k) if isinstance(k, str) else k): _walk(v, convert) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_walk(v, convert) for v in value]
    return value


def _dumps(value: Any) -> str:
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
    except TypeError:  # orjson refuses integers beyond 64 bits, which pydantic-parsed bodies may hold
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def dumps_json(value: Any) -> str:
    """The engine's JSON serializer: orjson, with every string encoded when the document needs it."""
    text = _dumps(value)
    if _JSON_NUL in text or ESC in text:
        text = _dumps(_walk(value, encode))
    return text


def loads_json(text: str | bytes) -> Any:
    """The engine's JSON deserializer: decodes only documents that hold the escape character."""
    if isinstance(text, bytes):
        text = text.decode()
    value = orjson.loads(text)
    return _walk(value, decode) if ESC in text else value
