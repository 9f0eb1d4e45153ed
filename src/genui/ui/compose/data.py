"""What a text holds, read verbatim: records (tables, CSV, JSON), items, `key: value` facts, labelled numbers.

These are the blocks both the visualizer and `understand` work with; every string in them is a piece of the
input (inline markdown made plain, whitespace folded), never a word of ours.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from typing import Any

import orjson

from .numbers import is_time_label, parse_number
from .text import capitalized, clip, plain


@dataclass(frozen=True)
class Records:
    """Rows of cells under a header; `header` cells are "" when the source had none."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Items:
    items: tuple[str, ...]
    ordered: bool = False


@dataclass(frozen=True)
class Facts:
    pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Heading:
    text: str
    level: int


@dataclass(frozen=True)
class Markdown:
    text: str  # a verbatim slice of the input


@dataclass(frozen=True)
class Callout:
    word: str  # "Note", "Warning", ... as written
    text: str


@dataclass(frozen=True)
class FollowUps:
    items: tuple[str, ...]


Block = Heading | Markdown | Records | Items | Facts | Callout | FollowUps

# `key: value` with a short key (≤ 5 words, no sentence punctuation, not a URL scheme) and a value.
_KV = re.compile(r"^(?P<key>[^\W\d_][^:.!?]{0,39}?)\s*:\s+(?P<value>\S.*)$")
_SCHEMES = frozenset({"http", "https", "mailto", "ftp", "file", "data", "javascript"})
# A labelled number at the end of a text: "rent 1200", "Q1: 120", "Nile – 6,650 km", "Apple (28%)".
_TRAILING_NUMBER = re.compile(
    r"(?P<num>[-+−]?[$€£¥₹]?\d[\d,]*(?:\.\d+)?(?:\s?(?:%|[A-Za-z²³°/]{1,8}\.?))?)\)?\s*$"
)
_LABEL_TAIL = re.compile(r"(?:\s*[:=–—(-]\s*|\s+(?:is|was|are|were|at|of|=)\s*)$", re.IGNORECASE)
CALLOUT_WORDS = {
    "note": "info",
    "info": "info",
    "tip": "success",
    "hint": "success",
    "important": "warning",
    "warning": "warning",
    "caution": "warning",
    "danger": "danger",
    "error": "danger",
}  # fmt: skip; the word is shown as the title, the tone is the CalloutV2 variant


def key_value(line: str) -> tuple[str, str] | None:
    """`key: value` from one line of text (markdown emphasis allowed), or None."""
    text = plain(re.sub(r"^\s*[-*+]\s+", "", line).strip())
    m = _KV.match(text)
    if m is None:
        return None
    key, value = m.group("key").strip(), m.group("value").strip()
    if len(key.split()) > 5 or key.lower() in _SCHEMES or key.lower() in CALLOUT_WORDS:
        return None
    return key, value


def labelled_number(text: str) -> tuple[str, str] | None:
    """(label, number as written) for "rent 1200" / "Q1: 120" / "2021: 50"; None when the text is not one."""
    text = plain(text)
    m = _TRAILING_NUMBER.search(text)
    if m is None or m.start() == 0:
        return None
    number = m.group("num").strip()
    if parse_number(number) is None:
        return None
    label = _LABEL_TAIL.sub("", text[: m.start()]).strip()
    if text[m.start() - 1 : m.start()].isalnum() or not label:
        return None  # "A380": the digits belong to the word
    if not any(ch.isalpha() for ch in label) and not is_time_label(label):
        return None
    return label, number


def pairs_as_records(pairs: list[tuple[str, str]]) -> Records:
    return Records(("", ""), tuple((label, value) for label, value in pairs))


def delimited(lines: list[str], limit: int) -> Records | None:
    """CSV / TSV / semicolon-separated lines with one shape (≥ 2 lines, ≥ 2 cells each, short cells)."""
    lines = [line for line in lines if line.strip()]
    if len(lines) < 2:
        return None
    for delimiter in ("\t", ";", ","):
        if all(delimiter in line for line in lines):
            break
    else:
        return None
    rows = [[cell.strip() for cell in row] for row in csv.reader(lines[: limit + 1], delimiter=delimiter)]
    width = len(rows[0])
    if width < 2 or any(len(row) != width for row in rows):
        return None
    if any(len(cell) > 100 for row in rows for cell in row):
        return None
    first = rows[0]
    numeric_below = [all(parse_number(row[i]) is not None for row in rows[1:]) for i in range(width)]
    is_header = not any(parse_number(cell) is not None and numeric_below[i] for i, cell in enumerate(first))
    if is_header and any(not cell or len(cell) > 40 or cell[-1] in ".!?" for cell in first):
        return None  # a prose line with commas, not a header
    header = tuple(clip(cell) for cell in first) if is_header else ("",) * width
    body = rows[1:] if is_header else rows
    return Records(header, tuple(tuple(clip(cell) for cell in row) for row in body[:limit]))


def _json_cell(value: Any) -> str:
    if isinstance(value, str):
        return clip(value)
    if value is None:
        return ""
    return clip(orjson.dumps(value).decode())


def json_key(key: str) -> str:
    """A JSON key as a label: "first_name" -> "First name" (same words, readable)."""
    return capitalized(clip(re.sub(r"[_\s]+", " ", key).strip()))


def json_records(values: list[Any], limit: int) -> Records | Items | None:
    """A JSON array as records (objects) or items (scalars); None for anything else."""
    values = values[:limit]
    if values and all(isinstance(v, dict) for v in values):
        keys: list[str] = []
        for value in values:
            for key in value:
                if key not in keys and len(keys) < limit:
                    keys.append(key)
        header = tuple(json_key(key) for key in keys)
        return Records(header, tuple(tuple(_json_cell(v.get(k)) for k in keys) for v in values))
    if values and all(isinstance(v, str | int | float) and not isinstance(v, bool) for v in values):
        return Items(tuple(_json_cell(v) for v in values))
    return None
