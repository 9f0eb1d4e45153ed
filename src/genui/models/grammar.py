"""JSON Schema -> GBNF grammar for llama.cpp constrained decoding, with the string `char` rule fixed.

llama-cpp-python's converter lets raw control characters (newlines, NUL, ...) into JSON strings, which makes
the output invalid JSON; `fix_char_rule` narrows `char` to what RFC 8259 allows unescaped. Requires llama_cpp
(imported lazily by callers that have it).
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from typing import Any

# llama-cpp-python 0.3.x emits exactly this `char` rule; the fix excludes U+0000-U+001F and DEL.
_CHAR_RULE = re.compile(r'^char ::= \[\^"\\\\\] \|', re.MULTILINE)
_FIXED_CHAR_RULE = r'char ::= [^"\\\x7F\x00-\x1F] |'

_cache: dict[str, tuple[str, Any]] = {}
_cache_lock = threading.Lock()
_CACHE_MAX = 64


def schema_key(schema: dict[str, Any]) -> str:
    """Stable hash of a schema (key order independent)."""
    return hashlib.sha256(json.dumps(schema, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def fix_char_rule(gbnf: str) -> str:
    """Return the grammar with the JSON string `char` rule excluding raw control characters."""
    fixed, count = _CHAR_RULE.subn(lambda _: _FIXED_CHAR_RULE, gbnf)
    if count == 0 and re.search(r"^char ::=", gbnf, re.MULTILINE):
        raise ValueError("unexpected `char` rule in generated grammar; cannot exclude control characters")
    return fixed


_OPTIONAL_CHAIN_START = re.compile(r"\(([A-Za-z0-9-]+|\[[^\]\s]*\]) ")


def collapse_optional_chains(gbnf: str) -> str:
    """Rewrite `(x (x (x)?)?)?` (how the converter spells "up to n x") as `x{0,n}`.

    llama.cpp refuses deeply nested groups (a long `maxLength` nests hundreds deep), and a refused
    grammar makes llama-cpp-python crash later; the `{0,n}` form means the same and parses at any n.
    """
    out: list[str] = []
    pos = 0
    while True:
        match = _OPTIONAL_CHAIN_START.search(gbnf, pos)
        if match is None:
            out.append(gbnf[pos:])
            return "".join(out)
        item = match.group(1)
        opener = f"({item} "
        cursor, depth = match.start(), 0
        while gbnf.startswith(opener, cursor):
            cursor += len(opener)
            depth += 1
        closer = f"({item}" + ")?" * (depth + 1)
        if gbnf.startswith(closer, cursor):
            out.append(gbnf[pos : match.start()])
            out.append(f"{item}{{0,{depth + 1}}}")
            pos = cursor + len(closer)
        else:
            out.append(gbnf[pos : match.end()])
            pos = match.end()


def schema_to_gbnf(schema: dict[str, Any]) -> str:
    """GBNF text for `schema`: char rule fixed, optional chains collapsed."""
    from llama_cpp.llama_grammar import json_schema_to_gbnf

    return collapse_optional_chains(fix_char_rule(json_schema_to_gbnf(json.dumps(schema))))


def grammar_for(schema: dict[str, Any], vocab: Any) -> Any:
    """A `LlamaGrammar` for `schema`, checked against the model's vocabulary, cached per schema hash.

    Raises ValueError when the schema cannot be written as a grammar or llama.cpp refuses the grammar
    (LlamaGrammar itself never checks, and llama-cpp-python would later add a NULL sampler and crash).
    """
    import llama_cpp
    from llama_cpp.llama_grammar import LlamaGrammar

    key = schema_key(schema)
    with _cache_lock:
        hit = _cache.get(key)
    if hit is not None:
        return hit[1]
    try:
        gbnf = schema_to_gbnf(schema)
    except Exception as exc:  # the converter asserts on what it cannot express (an unanchored pattern, ...)
        raise ValueError(f"the schema cannot be written as a grammar: {exc}") from exc
    sampler = llama_cpp.llama_sampler_init_grammar(vocab, gbnf.encode(), b"root")
    if not sampler:
        raise ValueError("llama.cpp refused the grammar generated from the schema")
    llama_cpp.llama_sampler_free(sampler)
    grammar = LlamaGrammar.from_string(gbnf, verbose=False)
    with _cache_lock:
        if len(_cache) >= _CACHE_MAX:
            _cache.pop(next(iter(_cache)))
        _cache[key] = (gbnf, grammar)
    return grammar
