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


# ---- OpenUI Lang (C1 v2) ----------------------------------------------------------------------------------

_GBNF_NAME = re.compile(r"[^A-Za-z0-9]")
_OPENUI_COMMON = r"""
ws ::= " "?
name ::= [a-z] [a-z]{0,11} [0-9]{1,3}
string ::= "\"" char{0,400} "\""
text ::= "\"" char{0,2000} "\""
char ::= [^"\\\x7F\x00-\x1F] | "\\" (["\\/bfnrt] | "u" [0-9a-fA-F]{4})
number ::= "-"? ([0-9] | [1-9] [0-9]{0,14}) ("." [0-9]{1,6})?
boolean ::= "true" | "false"
null ::= "null"
any ::= string | number | boolean | null | "[" (any ("," ws any){0,50})? "]" | object
object ::= "{" (key ":" ws any ("," ws key ":" ws any){0,30})? "}"
key ::= [A-Za-z_] [A-Za-z0-9_]{0,30}
"""
_MARKDOWN_PARAMS = frozenset({"text", "textMarkdown", "markdown", "details", "body", "content"})


class _OpenUIGrammar:
    """Rules for the components of one OpenUI library (its `toJSONSchema()` $defs)."""

    def __init__(self, defs: dict[str, Any], components: list[str]) -> None:
        self.defs = defs
        self.components = components
        self.rules: dict[str, str] = {}
        self.count = 0

    def rule(self, body: str, hint: str = "v") -> str:
        """A named rule for `body` (one per distinct body)."""
        for name, existing in self.rules.items():
            if existing == body:
                return name
        self.count += 1
        name = f"{_GBNF_NAME.sub('', hint).lower()[:20] or 'v'}-{self.count}"
        self.rules[name] = body
        return name

    def value(self, schema: Any, param: str | None = None, depth: int = 0) -> str:
        """The grammar of one argument or data value."""
        if not isinstance(schema, dict) or depth > 6:
            return "any"
        ref = schema.get("$ref")
        if isinstance(ref, str):
            return "name" if ref.rsplit("/", 1)[-1] in self.components else "null"
        if "const" in schema:
            return json.dumps(json.dumps(schema["const"]))
        if isinstance(schema.get("enum"), list):
            return self.rule(" | ".join(json.dumps(json.dumps(v)) for v in schema["enum"]), param or "enum")
        options = schema.get("anyOf", schema.get("oneOf"))
        if isinstance(options, list):
            alternatives = []
            for option in options:
                alternative = self.value(option, param, depth + 1)
                if alternative not in alternatives and alternative != "null":
                    alternatives.append(alternative)
            return self.rule(" | ".join(alternatives) or "null", param or "alt")
        kind = schema.get("type")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), None)
        if kind == "string":
            return "text" if param in _MARKDOWN_PARAMS else "string"
        if kind in ("number", "integer"):
            return "number"
        if kind == "boolean":
            return "boolean"
        if kind == "array":
            item = self.value(schema.get("items"), param, depth + 1)
            return self.rule(f'"[" ({item} ("," ws {item}){{0,49}})? "]"', param or "list")
        if kind == "object" or "properties" in schema:
            properties = schema.get("properties")
            if not isinstance(properties, dict) or not properties:
                return "any"
            required = set(schema.get("required") or ())
            parts = []
            for i, (key, sub) in enumerate(properties.items()):
                entry = f'"{key}:" ws {self.value(sub, key, depth + 1)}'
                entry = f'"," ws {entry}' if i else entry
                parts.append(entry if key in required else f"({entry})?")
            # an object whose first member is optional may start with a comma: allow only objects that
            # begin with a required member, else keep every member optional but the first
            if parts and parts[0].startswith("("):
                parts[0] = parts[0][1:-2]
            return self.rule('"{" ' + " ".join(parts) + ' "}"', param or "obj")
        return "any"

    def call(self, component: str) -> str:
        """`Name(args)`: positional args, trailing optional ones left out, a skipped one as null."""
        definition = self.defs[component]
        properties = definition.get("properties") or {}
        required = set(definition.get("required") or ())
        params = list(properties.items())
        last_required = max(
            (i for i, (k, s) in enumerate(params) if k in required and "default" not in s), default=-1
        )
        pieces = []
        for i, (key, sub) in enumerate(params):
            value = self.value(sub, key)
            optional = key not in required or "default" in sub
            arg = f"({value} | null)" if optional else value
            pieces.append(arg if i == 0 else f'"," ws {arg}')
        body = " ".join(pieces[: last_required + 1])
        tail = ""
        for piece in reversed(pieces[last_required + 1 :]):
            tail = f"({piece} {tail})?" if tail else f"({piece})?"
        if last_required < 0 and tail:
            tail = tail[1:-2]  # the first arg of an all-optional call may still be left out below
            args = f"({tail})?"
        else:
            args = f"{body} {tail}".strip()
        return self.rule(f'"{component}(" {args} ")"' if args else f'"{component}()"', component)


def openui_gbnf(library: dict[str, Any], *, components: list[str] | None = None) -> str:
    """A GBNF grammar of OpenUI Lang programs for a library (`{"root", "schema": {"$defs"}}` or a bare
    `{"$defs"}` with `root`): `root = Root([...])` first, then one `name = Component(...)` per line, each
    call with its positional arguments typed by the component's schema; component slots take names (the
    statements defining them), which end in digits so that `root` is never defined twice. `components`
    limits the components offered (the root is always in). It cannot check that names are defined: the
    stream repairer drops what is not."""
    schema = library.get("schema", library)
    defs = schema.get("$defs") if isinstance(schema, dict) else None
    root = library.get("root")
    if not isinstance(defs, dict) or not isinstance(root, str) or root not in defs:
        raise ValueError("the library needs $defs and a root component")
    names = [
        n for n in defs if n != "ActionExpression" and (components is None or n in components or n == root)
    ]
    grammar = _OpenUIGrammar(defs, names)
    calls = [grammar.call(name) for name in names if name != root]
    root_call = grammar.call(root)
    statement = grammar.rule(" | ".join(calls) if calls else root_call, "component")
    lines = [
        f'root ::= "root = " {root_call} "\\n" (name " = " {statement} "\\n"){{0,200}}',
        *(f"{name} ::= {body}" for name, body in grammar.rules.items()),
    ]
    return "\n".join(lines) + _OPENUI_COMMON
