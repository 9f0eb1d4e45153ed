"""Checks that a UI tree says only what its input says: the words and numbers of its display values."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

# Keys whose string values are enums or identifiers of the catalog (never shown as text).
STRUCTURAL_KEYS = frozenset({"component", "variant", "type", "name", "value", "mode", "unit"})
_WORD = re.compile(r"[^\W_]+")
_PLAIN = re.compile(r"\d+(?:\.\d+)?")
_NUMBER = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")


def display_strings(value: Any, key: str = "") -> Iterator[str]:
    if isinstance(value, str):
        if key not in STRUCTURAL_KEYS:
            yield value
    elif isinstance(value, list):
        for item in value:
            yield from display_strings(item, key)
    elif isinstance(value, dict):
        for k, item in value.items():
            if k != "action":  # a button's action: an enum and its props, not text
                yield from display_strings(item, k)


def display_numbers(value: Any) -> Iterator[float]:
    if isinstance(value, bool):
        return
    if isinstance(value, int | float):
        yield float(value)
    elif isinstance(value, list):
        for item in value:
            yield from display_numbers(item)
    elif isinstance(value, dict):
        for k, item in value.items():
            if k not in ("rules",):
                yield from display_numbers(item)


def words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)}


def numbers(text: str) -> set[float]:
    """Every number the text spells, read with and without thousands separators ("Q1,100": 1, 100, 1100)."""
    grouped = {float(n.replace(",", "")) for n in _NUMBER.findall(text)}
    return grouped | {float(n) for n in _PLAIN.findall(text)}


def ungrounded(tree: dict[str, Any], source: str, allowed: frozenset[str] = frozenset()) -> list[str]:
    """Words and numbers of the tree's display values that the source does not contain."""
    known = words(source) | {w.lower() for w in allowed}
    known_numbers = numbers(source)
    missing = [w for s in display_strings(tree) for w in words(s) if w not in known]
    missing += [str(n) for n in display_numbers(tree) if abs(n) not in known_numbers]
    return missing
