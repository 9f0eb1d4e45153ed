"""Incremental, lenient push tokenizer for the JSON a model writes (streaming-repair.md, step 1).

`JsonTokenizer(handler).feed(delta)` keeps only its state (a stack of open containers, the current string or
word, a tiny carry of an escape cut in half), never the whole text, so total work is linear in the input.
The handler decides, at each container start, whether to descend (get key/value events) or to capture the
container whole as raw text (one bracket-matching scan, then `loads_lenient` once): the repairer descends
only through the skeleton it streams (envelope, Card, children lists, text props) and captures the rest.

Hand-rolled instead of a library: no maintained Python JSON parser is both incremental and lenient about what
models write (prose and fences around the JSON, single quotes, bare words, comments, NaN, raw control
characters in strings, trailing or missing commas, an extra or missing closing bracket, a cut-off end).
Scanning jumps over string runs with precompiled regexes instead of a per-character Python loop.
"""

from __future__ import annotations

import json
import math
import re
import sys
from typing import Protocol

import orjson

JsonScalar = str | int | float | bool | None

# Tokenizer states.
_PROSE = 0  # between top-level values: skip prose, code fences, commentary
_KEY = 1  # in an object, expecting a key or '}'
_COLON = 2  # after a key
_VALUE = 3  # expecting a value
_AFTER = 4  # after a value inside a container
_STRING = 5  # inside a string (key or value)
_WORD = 6  # inside a bare word: number, literal, unquoted identifier
_CAPTURE = 7  # capturing a whole container as raw text
_COMMENT = 8  # inside a // or /* comment in structural position

_START = re.compile(r"\{|\[(?=\s*\{)")  # in prose, '[' only starts a list of nodes (`[1]` is a citation)
_START_ANY = re.compile(r"[{\[]")
_OPEN_LIST_TAIL = re.compile(r"\[\s*\Z")
_NONSPACE = re.compile(r"\S")
_STR_SPECIAL = {'"': re.compile(r'["\\]'), "'": re.compile(r"['\\]")}
_CAP_STRUCT = re.compile(r"[\"'{}\[\]/]")
# In a capture: plain text and complete strings, which cannot change the nesting (one C-speed match instead
# of a Python step per quote), stopping at a bracket, a slash or a string this text cuts off. Possessive
# quantifiers: a run is never split another way on a failed try (no backtracking blow-up).
_CAP_SKIP = re.compile(
    r"""(?:[^"'{}\[\]/]++|"[^"\\]*+(?:\\.[^"\\]*+)*+"|'[^'\\]*+(?:\\.[^'\\]*+)*+')*+""", re.DOTALL
)
_SKIP_MIN = 8  # with this few characters left a skip match (it allocates a backtrack stack) costs more
_WORD_CHARS = re.compile(r"[\w.+\-$]*")
_INT = re.compile(r"-?\d+\Z")
_HEX4 = re.compile(r"[0-9a-fA-F]{4}\Z")
_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "'": "'"}
_LITERALS: dict[str, JsonScalar] = {
    "true": True, "false": False, "null": None, "True": True, "False": False, "None": None,
    "undefined": None, "NaN": None, "Infinity": None, "-Infinity": None, "+Infinity": None,
}  # fmt: skip
_CLOSER_OF = {"}": "{", "]": "["}
_ITEM_GAP = " \t\r\n,"  # what may stand between the items of a list
_JSON_LITERALS = frozenset({"true", "false", "null"})
_JSON_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?\Z")


# What TokenHandler.begin answers for a container that opens (False and True are CAPTURE and DESCEND).
CAPTURE, DESCEND, SKIP, ITEMS = 0, 1, 2, 3


class TokenHandler(Protocol):
    """Receives tokenizer events; see JsonTokenizer."""

    def begin(self, opener: str) -> int:
        """A container opens ('{' or '['): DESCEND into it (events for its members), CAPTURE it whole (one
        captured() event), SKIP it (no event: a bracket-matching scan and nothing kept), or, for a list, take
        its ITEMS as they complete (items() events, then end(): its items are not walked)."""
        ...

    def end(self) -> None:
        """The innermost descended container closed (also called for each open container at close())."""
        ...

    def key(self, name: str) -> None:
        """The key of the object member whose value starts next (keys without a value are never reported)."""
        ...

    def scalar(self, value: JsonScalar) -> None:
        """A complete scalar value (strings decoded; NaN/Infinity become None)."""
        ...

    def captured(self, raw: str | None, complete: bool) -> None:
        """A captured container's raw text (None over the size or depth cap); complete=False if cut off."""
        ...

    def items(self, raw: str | None, complete: bool) -> None:
        """Items of a list begun with ITEMS: the raw text of one or more items with the commas between them
        (`[` + raw + `]` is a list of them; None over the size or depth cap). complete=False: the input ended
        inside them (`[` + raw, read leniently, is what was written)."""
        ...

    def begin_string(self) -> bool:
        """A string value starts: True to get it in pieces (string_part/end_string) instead of scalar()."""
        ...

    def string_part(self, text: str) -> None:
        """Decoded text of a streamed string (never splits an escape or a surrogate pair)."""
        ...

    def end_string(self) -> None:
        """The streamed string closed (or the input ended inside it)."""
        ...

    def prose(self, text: str) -> None:
        """Text outside any top-level value."""
        ...


def _decode_word(word: str) -> JsonScalar:
    if word in _LITERALS:
        return _LITERALS[word]
    try:
        if _INT.match(word):
            return int(word)
        number = float(word)
    except ValueError:
        return word  # an unquoted identifier: read as a string (`variant: primary`)
    return None if math.isinf(number) or math.isnan(number) else number


class JsonTokenizer:
    """Push tokenizer: feed(text) any number of times, then close(). Events go to the handler."""

    def __init__(
        self,
        handler: TokenHandler,
        *,
        max_capture_chars: int = 1_000_000,
        max_depth: int = 64,
        any_list: bool = False,
    ) -> None:
        """any_list: a top-level '[' always starts a value (for text known to be JSON)."""
        self._h = handler
        self._start = _START_ANY if any_list else _START
        self._max_capture = max_capture_chars
        self._max_depth = max_depth
        self._state = _PROSE
        self._stack: list[str] = []  # openers of descended containers
        self._pending_key: str | None = None
        self._carry = ""  # unfinished escape or lookahead from the previous feed
        # string state
        self._quote = '"'
        self._str_is_key = False
        self._str_stream = False
        self._str_parts: list[str] = []
        self._high_surrogate = ""
        # word state
        self._word = ""
        # comment state
        self._comment_block = False
        self._comment_star = False
        self._resume = _PROSE
        # capture state
        self._cap_parts: list[str] = []
        self._cap_stack: list[str] = []
        self._cap_quote = ""
        self._cap_escape = False
        self._cap_size = 0
        self._cap_over = False
        self._cap_comment = 0  # 0 none, 1 line, 2 block
        self._cap_star = False
        self._cap_mode = CAPTURE  # or SKIP or ITEMS

    # ---- public ------

    def feed(self, text: str) -> None:
        """Consume the next piece of model text."""
        if self._carry:
            text = self._carry + text
            self._carry = ""
        elif self._state == _STRING and self._str_stream and not self._high_surrogate:
            # hot path: a delta inside a streamed string with no quote or backslash goes straight through
            if _STR_SPECIAL[self._quote].search(text) is None:
                self._h.string_part(text)
                return
        elif self._state == _CAPTURE and not (self._cap_comment or self._cap_escape or self._cap_over):
            # hot path: a delta inside a captured value that cannot end it or change its nesting
            quote = self._cap_quote
            if (_STR_SPECIAL[quote] if quote else _CAP_STRUCT).search(text) is None:
                if self._cap_mode == SKIP:
                    return
                size = self._cap_size + len(text)
                if size <= self._max_capture:
                    self._cap_size = size
                    self._cap_parts.append(text)
                    return
        n = len(text)
        i = 0
        h = self._h
        while i < n:
            state = self._state
            if state == _STRING:
                i = self._scan_string(text, i, n)
            elif state == _CAPTURE:
                i = self._scan_capture(text, i, n)
            elif state == _PROSE:
                m = self._start.search(text, i)
                if m is None:
                    tail = None if self._start is _START_ANY else _OPEN_LIST_TAIL.search(text, i)
                    end = tail.start() if tail is not None else n
                    if end > i:
                        h.prose(text[i:end])
                    self._carry = text[end:]
                    return
                j = m.start()
                if j > i:
                    h.prose(text[i:j])
                i = self._open(text[j], j + 1)
            elif state == _WORD:
                m = _WORD_CHARS.match(text, i)
                assert m is not None  # the pattern matches the empty string
                self._word += m.group()
                i = m.end()
                if i < n:
                    self._finish_word()
            elif state == _COMMENT:
                i = self._scan_comment(text, i, n)
            else:
                m = _NONSPACE.search(text, i)
                if m is None:
                    return
                i = self._structural(text, m.start(), n)

    def close(self) -> None:
        """End of input: deliver what is pending, close every open container."""
        h = self._h
        self._carry = ""
        state = self._state
        if state == _STRING:
            self._flush_surrogate()
            if self._str_stream:
                h.end_string()
            elif not self._str_is_key:
                h.scalar("".join(self._str_parts))
            self._str_parts = []
        elif state == _WORD:
            self._finish_word()
        elif state == _CAPTURE:
            raw = None if self._cap_over else "".join(self._cap_parts)
            self._cap_parts = []
            if self._cap_mode == CAPTURE:
                h.captured(raw, False)
            elif self._cap_mode == ITEMS:
                if raw is None or raw.strip(_ITEM_GAP):
                    h.items(raw if raw is None else raw.lstrip(_ITEM_GAP), False)
                h.end()
        while self._stack:
            self._stack.pop()
            h.end()
        self._state = _PROSE

    def client_closing(self, fed: str) -> str | None:
        """`fed` (all the text fed so far, the prefix of one JSON value) completed the way a C1 client
        completes a streamed prefix (c1-wire-format.md §3): an open string value closed (an escape cut in half
        dropped), a dangling comma dropped, the open containers closed. None where a client shows nothing new:
        a cut inside a key, after a key or its colon, inside a literal, a number or a comment, or no value."""
        state = self._state
        if state == _STRING:
            if self._str_is_key or self._quote != '"':
                return None
            closed = fed[: len(fed) - len(self._carry)] + '"'
        elif self._carry:
            return None  # a lookahead (`/`): something is cut here
        elif state == _WORD:
            if self._str_is_key or not (self._word in _JSON_LITERALS or _JSON_NUMBER.match(self._word)):
                return None
            closed = fed
        elif state == _PROSE:
            return fed if fed.strip() else None
        elif state in (_KEY, _AFTER) or (state == _VALUE and self._pending_key is None):
            closed = fed.rstrip()
            closed = closed[:-1] if closed.endswith(",") else closed
        else:  # after a key or its colon, in a comment or a captured value
            return None
        return closed + "".join("}" if opener == "{" else "]" for opener in reversed(self._stack))

    # ---- structure ------

    def _after_value(self) -> None:
        self._state = _AFTER if self._stack else _PROSE

    def _open(self, opener: str, i: int) -> int:
        """A container opened at i-1 (value position); ask the handler whether to descend."""
        key = self._pending_key
        if key is not None:
            self._pending_key = None
            self._h.key(key)
        mode = self._h.begin(opener) if len(self._stack) < self._max_depth else CAPTURE
        if mode == DESCEND:
            self._stack.append(opener)
            self._state = _KEY if opener == "{" else _VALUE
            return i
        self._start_capture(opener, mode)
        return i

    def _start_capture(self, opener: str, mode: int) -> None:
        self._state = _CAPTURE
        if mode == ITEMS and opener != "[":
            mode = CAPTURE  # only a list has items
        self._cap_mode = mode
        self._cap_parts = [] if mode == ITEMS else [opener]  # an ITEMS list keeps the text of its items only
        self._cap_stack = [opener]
        self._cap_quote = ""
        self._cap_escape = False
        self._cap_size = 1
        self._cap_over = False
        self._cap_comment = 0
        self._cap_star = False

    def _close(self, closer: str) -> None:
        opener = _CLOSER_OF[closer]
        stack = self._stack
        if opener not in stack:
            return  # a stray closer (e.g. an extra closing brace): ignore it
        self._pending_key = None
        while stack:
            top = stack.pop()
            self._h.end()
            if top == opener:
                break
        self._after_value()

    def _structural(self, text: str, j: int, n: int) -> int:
        """Handle the non-space character at j in a structural state; return the next index."""
        c = text[j]
        state = self._state
        in_object = bool(self._stack) and self._stack[-1] == "{"
        if c == "/":
            if j + 1 >= n:
                self._carry = "/"
                return n
            nxt = text[j + 1]
            if nxt == "/" or nxt == "*":
                self._resume = state
                self._comment_block = nxt == "*"
                self._comment_star = False
                self._state = _COMMENT
                return j + 2
            return j + 1  # a stray slash
        if c == "}" or c == "]":
            self._close(c)
            return j + 1
        if state == _KEY:
            if c == '"' or c == "'":
                self._begin_string(c, is_key=True)
                return j + 1
            if c == "{" or c == "[":
                self._start_capture(c, SKIP)  # a value where a key belongs: skip it
                return j + 1
            if c.isalnum() or c in "_$-":
                self._str_is_key = True
                self._word = ""
                self._state = _WORD
                return j
            return j + 1  # commas, colons, junk
        if state == _COLON:
            if c == ":" or c == "=":
                self._state = _VALUE
                return j + 1
            if c == ",":
                self._pending_key = None  # a key without a value: drop it
                self._state = _KEY
                return j + 1
            self._state = _VALUE  # a missing colon: read the value anyway
            return j
        if state == _AFTER:
            if c == ",":
                self._state = _KEY if in_object else _VALUE
                return j + 1
            if c == ":" and not in_object:
                return j + 1
            self._state = _KEY if in_object else _VALUE  # a missing comma
            return j
        # _VALUE
        if c == '"' or c == "'":
            self._begin_string(c, is_key=False)
            return j + 1
        if c == "{" or c == "[":
            return self._open(c, j + 1)
        if c == ",":
            if in_object:
                self._pending_key = None
                self._state = _KEY
            return j + 1  # an empty array slot (trailing or doubled comma): skip it
        if c.isalnum() or c in "-+.":
            self._str_is_key = False
            self._word = ""
            self._state = _WORD
            return j
        return j + 1  # junk

    def _finish_word(self) -> None:
        word = self._word
        self._word = ""
        if self._str_is_key:
            self._pending_key = word
            self._state = _COLON
            return
        key = self._pending_key
        if key is not None:
            self._pending_key = None
            self._h.key(key)
        self._h.scalar(_decode_word(word))
        self._after_value()

    def _scan_comment(self, text: str, i: int, n: int) -> int:
        if not self._comment_block:
            k = text.find("\n", i)
            if k < 0:
                return n
            self._state = self._resume
            return k + 1
        if self._comment_star and text[i] == "/":
            self._state = self._resume
            return i + 1
        k = text.find("*/", i)
        if k < 0:
            self._comment_star = text.endswith("*")
            return n
        self._state = self._resume
        return k + 2

    # ---- strings ------

    def _begin_string(self, quote: str, *, is_key: bool) -> None:
        self._quote = quote
        self._str_is_key = is_key
        self._str_parts = []
        self._high_surrogate = ""
        self._state = _STRING
        stream = False
        if not is_key:
            key = self._pending_key
            if key is not None:
                self._pending_key = None
                self._h.key(key)
            stream = self._h.begin_string()
        self._str_stream = stream

    def _flush_surrogate(self) -> None:
        if self._high_surrogate:
            self._high_surrogate = ""
            self._str_parts.append("\ufffd")

    def _scan_string(self, text: str, i: int, n: int) -> int:
        special = _STR_SPECIAL[self._quote]
        parts = self._str_parts
        while True:
            m = special.search(text, i)
            if m is None:
                if i < n:
                    self._flush_surrogate()
                    parts.append(text[i:])
                i = n
                break
            j = m.start()
            if j > i:
                self._flush_surrogate()
                parts.append(text[i:j])
            if text[j] != "\\":
                self._flush_surrogate()
                i = j + 1
                self._end_string()
                return i
            # an escape
            if j + 1 >= n:
                self._carry = text[j:]
                i = n
                break
            e = text[j + 1]
            if e == "u":
                hexpart = text[j + 2 : j + 6]
                if len(hexpart) < 4 and j + 2 + len(hexpart) >= n:
                    self._carry = text[j:]
                    i = n
                    break
                if _HEX4.match(hexpart) is None:
                    self._flush_surrogate()
                    parts.append("u")  # `\u` without four hex digits: keep the letter
                    i = j + 2
                    continue
                code = int(hexpart, 16)
                i = j + 6
                if 0xD800 <= code < 0xDC00:
                    self._flush_surrogate()
                    self._high_surrogate = chr(code)
                elif 0xDC00 <= code < 0xE000:
                    if self._high_surrogate:
                        pair = (ord(self._high_surrogate) - 0xD800) * 0x400 + (code - 0xDC00) + 0x10000
                        self._high_surrogate = ""
                        parts.append(chr(pair))
                    else:
                        parts.append("\ufffd")
                else:
                    self._flush_surrogate()
                    parts.append(chr(code))
                continue
            self._flush_surrogate()
            parts.append(_ESCAPES.get(e, e))  # unknown escapes (`\x`) keep the character
            i = j + 2
        if self._str_stream and parts and not self._high_surrogate:
            self._h.string_part("".join(parts))
            self._str_parts = []
        return i

    def _end_string(self) -> None:
        parts = self._str_parts
        self._str_parts = []
        if self._str_is_key:
            self._pending_key = "".join(parts)
            self._state = _COLON
            return
        if self._str_stream:
            if parts:
                self._h.string_part("".join(parts))
            self._h.end_string()
        else:
            self._h.scalar("".join(parts))
        self._after_value()

    # ---- capture ------

    def _scan_capture(self, text: str, i: int, n: int) -> int:
        start = i
        stop = n  # where this text's part of the capture ends (before a slash carried to the next text)
        stack = self._cap_stack
        quote = self._cap_quote
        max_depth = self._max_depth
        end = -1
        if self._cap_escape and i < n:
            self._cap_escape = False
            i += 1
        while i < n:
            if self._cap_comment:
                if self._cap_comment == 1:
                    k = text.find("\n", i)
                    if k < 0:
                        i = n
                        break
                    i = k + 1
                elif self._cap_star and text[i] == "/":  # the `*/` was cut in half
                    i += 1
                else:
                    k = text.find("*/", i)
                    if k < 0:
                        self._cap_star = text.endswith("*")
                        i = n
                        break
                    i = k + 2
                self._cap_comment = 0
                self._cap_star = False
                continue
            if quote:
                m = _STR_SPECIAL[quote].search(text, i)
                if m is None:
                    i = n
                    break
                j = m.start()
                if text[j] == "\\":
                    if j + 1 >= n:
                        self._cap_escape = True
                        i = n
                        break
                    i = j + 2
                    continue
                quote = ""
                i = j + 1
                continue
            if n - i > _SKIP_MIN:
                m = _CAP_SKIP.match(text, i)
                assert m is not None  # the pattern matches the empty string
                j = m.end()
            else:  # a few characters left: finding the next special one is cheaper than a skip match
                m = _CAP_STRUCT.search(text, i)
                j = m.start() if m is not None else n
            if j >= n:
                i = n
                break
            c = text[j]
            i = j + 1
            if c == "{" or c == "[":
                stack.append(c)
                if len(stack) > max_depth:
                    self._cap_over = True
            elif c == '"' or c == "'":
                quote = c  # the escape-aware scan above takes the string from here
            elif c == "/":
                if j + 1 >= n:  # the next piece says whether a comment starts: read it with that piece
                    self._carry = "/"
                    stop = j
                    break
                if text[j + 1] in "/*":
                    self._cap_comment = 1 if text[j + 1] == "/" else 2
                    i = j + 2
            else:
                opener = _CLOSER_OF[c]
                if opener in stack:
                    while stack.pop() != opener:
                        pass
                    if not stack:
                        end = i
                        break
                    if len(stack) == 1 and self._cap_mode == ITEMS:
                        start = self._items_done(text, start, i)
        self._cap_quote = quote
        if self._cap_mode == SKIP:
            if end < 0:
                return n
            self._cap_parts = []
            self._after_value()
            return end
        piece = text[start:end] if end >= 0 else text[start:stop]
        if not self._cap_over:
            self._cap_size += len(piece)
            if self._cap_size > self._max_capture:
                self._cap_over = True
                self._cap_parts = []
            else:
                self._cap_parts.append(piece)
        if end < 0:
            return n
        raw = None if self._cap_over else "".join(self._cap_parts)
        self._cap_parts = []
        self._after_value()
        if self._cap_mode == CAPTURE:
            self._h.captured(raw, True)
        else:  # ITEMS: the items after the last one reported (scalars, or nothing), then the list's end
            rest = None if raw is None else raw[:-1].strip(_ITEM_GAP)
            if rest is None or rest:
                self._h.items(rest, True)
            self._h.end()
        return end

    def _items_done(self, text: str, start: int, i: int) -> int:
        """An item of an ITEMS list ended at i: report the items since the last report; the next start."""
        parts = self._cap_parts
        over = self._cap_over or self._cap_size + i - start > self._max_capture
        raw = None if over else "".join(parts) + text[start:i] if parts else text[start:i]
        if parts:
            self._cap_parts = []
        self._cap_size = 0
        self._cap_over = False
        self._h.items(raw.lstrip(_ITEM_GAP) if raw is not None else None, True)
        return i


class _Builder:
    """TokenHandler that builds Python values (descends everything); keeps the first top-level value."""

    def __init__(self) -> None:
        self.result: object = _MISSING
        self._containers: list[dict[str, object] | list[object]] = []
        self._keys: list[str | None] = []
        self._key: str | None = None

    def _attach(self, value: object) -> None:
        if not self._containers:
            if self.result is _MISSING:
                self.result = value
            return
        top = self._containers[-1]
        if isinstance(top, list):
            top.append(value)
        elif self._key is not None:
            top[self._key] = value
        self._key = None

    def begin(self, opener: str) -> bool:
        self._keys.append(self._key)
        self._key = None
        self._containers.append({} if opener == "{" else [])
        return True

    def end(self) -> None:
        value = self._containers.pop()
        self._key = self._keys.pop()
        self._attach(value)

    def key(self, name: str) -> None:
        self._key = name

    def scalar(self, value: JsonScalar) -> None:
        self._attach(value)

    def captured(self, raw: str | None, complete: bool) -> None:
        self._key = None  # only reached over the depth cap: drop the value

    def items(self, raw: str | None, complete: bool) -> None:
        pass  # never asked for

    def begin_string(self) -> bool:
        return False

    def string_part(self, text: str) -> None:  # pragma: no cover - begin_string() never streams
        pass

    def end_string(self) -> None:  # pragma: no cover - begin_string() never streams
        pass

    def prose(self, text: str) -> None:
        pass


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


_MISSING: object = _Missing()
MISSING = _MISSING  # what loads_lenient returns when the text holds no value


def _no_constants(_: str) -> None:
    return None


def _finite_float(text: str) -> float | None:
    number = float(text)
    return None if math.isinf(number) else number  # `1e999` overflows to inf: not JSON-representable


_STRICT = json.JSONDecoder(parse_constant=_no_constants, parse_float=_finite_float)


def loads_lenient(text: str, *, max_depth: int = 64) -> object:
    """Parse one JSON value the way a forgiving reader would; MISSING when there is none.

    Strict JSON first (C speed, the common case); the lenient tokenizer only for what it rejects. orjson
    reads it in one call (about 4x faster than json on a small value), an integer beyond 64 bits as the
    double a JSON client reads; json reads what orjson refuses that is still JSON's (NaN, Infinity, 1e999:
    None here)."""
    if not text.startswith("\ufeff"):  # json.loads refuses a leading BOM: the lenient reader takes it
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:
            pass
        try:
            return _STRICT.decode(text)  # json.loads without building a decoder per call
        except (ValueError, RecursionError):
            pass
    builder = _Builder()
    tokenizer = JsonTokenizer(builder, max_depth=max_depth, any_list=True)
    tokenizer.feed(text)
    tokenizer.close()
    return builder.result


class _Descend:
    """TokenHandler that descends into every container and keeps nothing: close_prefix reads the tokenizer's
    state at the end."""

    def begin(self, opener: str) -> bool:
        return True

    def end(self) -> None:
        pass

    def key(self, name: str) -> None:
        pass

    def scalar(self, value: JsonScalar) -> None:
        pass

    def captured(self, raw: str | None, complete: bool) -> None:
        pass

    def items(self, raw: str | None, complete: bool) -> None:
        pass

    def begin_string(self) -> bool:
        return False

    def string_part(self, text: str) -> None:
        pass

    def end_string(self) -> None:
        pass

    def prose(self, text: str) -> None:
        pass


_DESCEND = _Descend()


def close_prefix(text: str) -> str | None:
    """A prefix of one JSON value completed the way a C1 client completes it (JsonTokenizer.client_closing);
    None where a client shows nothing new."""
    tokenizer = JsonTokenizer(_DESCEND, max_depth=sys.maxsize, any_list=True)
    tokenizer.feed(text)
    return tokenizer.client_closing(text)


def loads_prefix(text: str) -> object:
    """What a C1 client reads from a possibly cut-off JSON text: the value of the text as completed by
    close_prefix, parsed strictly (json.loads, as clients use a strict parser); None when there is none."""
    try:
        return json.loads(text)  # C speed for what is already whole
    except (ValueError, RecursionError):
        pass
    closed = close_prefix(text)
    if closed is None:
        return None
    try:
        return json.loads(closed)
    except (ValueError, RecursionError):
        return None
