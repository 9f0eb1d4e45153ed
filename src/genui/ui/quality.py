"""Placeholder and degenerate text in trees a small model wrote: found (`check`) and removed (`clean`).

Rules, each simple enough to explain in one line (the reason a Flag carries):
- "catalog name": the text is a component or prop name of the catalog ("Header", "Title", "textMarkdown"),
  also stuttered or plural ("Lisst", "Headers"); names come from `Catalog.default()`, never a hand list. A
  name beside a sound text in the same list item (its subtitle) is that text's label ("Name: Ada Lovelace"),
  not a placeholder;
- "identifier": a token joined by underscores ("CARD_CARD", "text_markdown");
- "repetition": one token or a 2-3 token phrase three times in a row, a chunk repeated inside a word
  ("CARDCARDCARD"), a letter four times in a row, or one token making up most of a long text;
- "non-word": a word of ≥ 4 letters without a vowel or with six consonants in a row, or a 30+ character
  token that is not a link;
- "symbols": mostly punctuation: under 30% letters and digits (and not a number, a date or an amount);
- "empty": nothing but spaces or punctuation where text is required;
- "duplicate": a list item equal to an earlier item of the same list;
- "echo": the same text in three or more places of one tree ("Cadet" as header and both items).
Table cells, chart data and form labels are data: only "repetition" applies there (a column called "Name" or
"Type" is fine, and a value may repeat).
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from . import Catalog

Role = Literal["prose", "markdown", "data"]
Path = tuple[str | int, ...]

_TOKEN = re.compile(r"[A-Za-z0-9]+")
_IDENTIFIER = re.compile(r"\b[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+\b")
_WORD = re.compile(r"[A-Za-z]+")
_NO_VOWEL = re.compile(r"^[^aeiouy]+$", re.IGNORECASE)
_CONSONANTS = re.compile(r"[^aeiouy\W\d_]{6,}", re.IGNORECASE)  # "lengths" has five
_LETTER_RUN = re.compile(r"([a-z])\1{3,}", re.IGNORECASE)
_CHUNK_RUN = re.compile(r"([a-z]{2,})\1{2,}", re.IGNORECASE)
_NUMBER_LIKE = re.compile(r"^[\d\s$€£¥₹%.,:;/+\-–—()×x#]+$")
_LINKISH = re.compile(r"(?:https?://|mailto:|www\.)\S+|\S+@\S+\.\S+", re.IGNORECASE)
_CODE = re.compile(r"```[\s\S]*?(?:```|$)|~~~[\s\S]*?(?:~~~|$)|`[^`\n]*`")
_MD_MARKS = re.compile(r"^\s{0,3}(?:#{1,6}\s|>\s?|[-*+]\s|\d{1,3}[.)]\s)+|[|*~#>`\[\]]|(?<!\w)_+|_+(?!\w)")
_DATA_COMPONENTS = frozenset({"Table", "Form"})  # their strings are data (cells, field labels, options)
_DATA_PROP = "chartData"


@dataclass(frozen=True)
class Flag:
    path: Path
    text: str
    reason: str


def _fold(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _collapse(text: str) -> str:
    return re.sub(r"(.)\1+", r"\1", text)


@lru_cache(maxsize=1)
def catalog_names() -> frozenset[str]:
    """Folded component and prop names of the default catalog (≥ 4 letters), with their stuttered and
    plural/singular forms ("list" -> "list", "lists"; "steps" -> "step")."""
    catalog = Catalog.default()
    raw = {*catalog.component_names, "Card"}
    for schema in catalog.internal_schema()["$defs"].values():
        raw.update(schema.get("properties", {}) if isinstance(schema, dict) else {})
    names: set[str] = set()
    for name in raw:
        folded = _collapse(_fold(name))
        if len(folded) >= 4:
            names.update({folded, folded + "s", folded[:-1] if folded.endswith("s") else folded})
    return frozenset(names)


def _is_name(text: str) -> bool:
    return _collapse(_fold(text)) in catalog_names()


def _repetition(text: str) -> bool:
    tokens = [t.lower() for t in _TOKEN.findall(text)]
    for n in (1, 2, 3):
        for i in range(len(tokens) - 3 * n + 1):
            if tokens[i : i + n] == tokens[i + n : i + 2 * n] == tokens[i + 2 * n : i + 3 * n]:
                return True
    if len(tokens) >= 8 and Counter(tokens).most_common(1)[0][1] * 2 > len(tokens):
        return True
    return any(_CHUNK_RUN.search(t) or _LETTER_RUN.search(t) for t in _WORD.findall(text))


def _non_word(text: str) -> bool:
    for word in _WORD.findall(text):
        if word.isupper() or len(word) < 4:
            continue  # acronyms ("HTTPS", "NVDA") and short words
        if _NO_VOWEL.match(word) or _CONSONANTS.search(word):
            return True
    return any(len(token) >= 30 for token in _LINKISH.sub(" ", text).split())


def _symbols(text: str) -> bool:
    visible = "".join(text.split())
    if len(visible) < 4 or _NUMBER_LIKE.match(visible):
        return False
    alnum = sum(ch.isalnum() for ch in visible)
    return alnum * 10 < len(visible) * 3


def text_flags(text: str, role: Role = "prose") -> list[str]:
    """Why a text is placeholder or degenerate (empty list: it is fine). Markdown is checked line by line
    outside code; use `markdown_flags` for the lines."""
    if role == "markdown":
        return sorted({reason for _, reasons in markdown_flags(text) for reason in reasons})
    if role == "data":
        return ["repetition"] if _repetition(text) else []
    stripped = _LINKISH.sub(" ", text).strip()
    if not any(ch.isalnum() for ch in text):
        return ["empty"]
    reasons = []
    if _is_name(text):
        reasons.append("catalog name")
    if _IDENTIFIER.search(stripped):
        reasons.append("identifier")
    if _repetition(stripped):
        reasons.append("repetition")
    if _non_word(stripped):
        reasons.append("non-word")
    if _symbols(stripped):
        reasons.append("symbols")
    return reasons


def markdown_flags(text: str) -> list[tuple[int, list[str]]]:
    """(line index, reasons) for each flagged line of a markdown text; code and link targets are skipped,
    and so are lines of pure markdown structure (rules, table separators, fences)."""
    masked = _CODE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    out = []
    for index, line in enumerate(masked.split("\n")):
        content = re.sub(r"\]\([^)]*\)", "]", line)
        content = _MD_MARKS.sub(" ", content).strip()
        if not any(ch.isalnum() for ch in content):
            continue
        reasons = text_flags(content)
        if reasons:
            out.append((index, reasons))
    return out


# ---- walking a tree along the catalog schema


@dataclass(frozen=True)
class _Leaf:
    path: Path
    text: str
    role: Role
    required: bool
    default_empty: bool


class _Walker:
    def __init__(self) -> None:
        schema = Catalog.default().internal_schema()
        self.defs: dict[str, Any] = schema["$defs"]
        self.root = schema
        kinds = [
            s.get("maxLength", 0)
            for d in self.defs.values()
            for s in (d.get("properties", {}) if isinstance(d, dict) else {}).values()
            if isinstance(s, dict) and s.get("x-kind") == "text"
        ]
        # catalog.py types shown text as Label and identifiers (names, values, icons) as shorter Ident.
        self.label_length = max(kinds, default=0)

    def resolve(self, schema: Any) -> Any:
        while isinstance(schema, dict) and "$ref" in schema:
            schema = self.defs[schema["$ref"].rsplit("/", 1)[-1]]
        return schema

    def branch(self, schema: dict[str, Any], value: Any) -> Any:
        options = [self.resolve(s) for s in schema["anyOf"]]
        for option in options:
            props = option.get("properties", {}) if isinstance(option, dict) else {}
            if isinstance(value, dict):
                for tag in ("component", "type"):
                    const = props.get(tag, {}).get("const") if isinstance(props.get(tag), dict) else None
                    if const is not None and value.get(tag) == const:
                        return option
            elif option.get("type") == (
                "string" if isinstance(value, str) else "array" if isinstance(value, list) else None
            ):
                return option
        if isinstance(value, dict):
            untagged = [
                o for o in options if o.get("type") == "object" and "component" not in o.get("properties", {})
            ]
            return untagged[0] if untagged else None
        return None

    def leaves(
        self, value: Any, schema: Any, path: Path, role: Role, required: bool, default: bool
    ) -> Iterator[_Leaf]:
        schema = self.resolve(schema)
        if not isinstance(schema, dict):
            return
        if "anyOf" in schema:
            schema = self.branch(schema, value)
            if schema is None:
                return
        if isinstance(value, str):
            kind = schema.get("x-kind")
            if kind == "markdown":
                yield _Leaf(path, value, "data" if role == "data" else "markdown", required, default)
            elif kind == "text" and schema.get("maxLength", 0) >= self.label_length:
                yield _Leaf(path, value, role, required, default)
        elif isinstance(value, list):
            items = schema.get("items", {})
            for index, item in enumerate(value):
                yield from self.leaves(item, items, (*path, index), role, True, False)
        elif isinstance(value, dict):
            props = schema.get("properties", {})
            needed = set(schema.get("required", ()))
            if value.get("component") in _DATA_COMPONENTS:
                role = "data"
            for key, item in value.items():
                sub = props.get(key)
                if sub is None:
                    continue
                inner_role: Role = "data" if key == _DATA_PROP else role
                empty_default = isinstance(sub, dict) and sub.get("x-default") == ""
                yield from self.leaves(item, sub, (*path, key), inner_role, key in needed, empty_default)


@lru_cache(maxsize=1)
def _walker() -> _Walker:
    return _Walker()


def _leaves(tree: dict[str, Any]) -> list[_Leaf]:
    walker = _walker()
    return list(walker.leaves(tree, walker.root, (), "prose", True, False))


def _element_of(path: Path) -> Path | None:
    """The path of the innermost list element holding `path` (what is dropped when its text is bad)."""
    for end in range(len(path), 0, -1):
        if isinstance(path[end - 1], int):
            return path[:end]
    return None


def check(tree: dict[str, Any]) -> list[Flag]:
    """Every placeholder or degenerate text of a v1 Card tree, with where it is and why."""
    leaves = _leaves(tree)
    flags: list[Flag] = []
    found: dict[Path, list[str]] = {}
    for leaf in leaves:
        if leaf.role == "markdown":
            flags.extend(
                Flag((*leaf.path, f"line {index}"), leaf.text.split("\n")[index], ", ".join(reasons))
                for index, reasons in markdown_flags(leaf.text)
            )
            continue
        if leaf.text == "" and (leaf.role == "data" or leaf.default_empty or not leaf.required):
            continue
        found[leaf.path] = text_flags(leaf.text, leaf.role)
    labelled = {  # list items holding a sound text that is no catalog name: a name beside it is its label
        path[:-1]
        for path, reasons in found.items()
        if len(path) > 1 and isinstance(path[-2], int) and not reasons and not _is_name(_get(tree, path))
    }
    for path, reasons in found.items():
        if reasons == ["catalog name"] and path[:-1] in labelled:
            continue  # "Name: Ada Lovelace" is a fact, not a copied field name
        if reasons:
            flags.append(Flag(path, _get(tree, path), ", ".join(reasons)))
    prose = [leaf for leaf in leaves if leaf.role != "data" and any(ch.isalnum() for ch in leaf.text)]
    seen = Counter(_fold(leaf.text) for leaf in prose)
    flags.extend(Flag(leaf.path, leaf.text, "echo") for leaf in prose if seen[_fold(leaf.text)] >= 3)
    signatures: dict[Path, str] = {}
    for leaf in prose:
        element = _element_of(leaf.path)
        if element is not None:
            signatures[element] = f"{signatures.get(element, '')}|{_fold(leaf.text)}"
    firsts: set[tuple[Path, str]] = set()
    for element, signature in signatures.items():
        key = (element[:-1], signature)
        if key in firsts:
            flags.append(Flag(element, signature.strip("|"), "duplicate"))
        firsts.add(key)
    return flags


# ---- cleaning


def _get(tree: Any, path: Path) -> Any:
    for key in path:
        tree = tree[key]
    return tree


def _edits(tree: dict[str, Any], shown: int) -> tuple[set[Path], set[Path], dict[Path, set[int]]]:
    """(list elements to drop, optional keys to delete, markdown lines to drop) for the flags of a tree,
    outside its first `shown` children."""
    drop: set[Path] = set()
    delete: set[Path] = set()
    lines: dict[Path, set[int]] = {}
    leaves = {leaf.path: leaf for leaf in _leaves(tree)}
    for flag in check(tree):
        index = flag.path[2] if flag.path[:2] == ("props", "children") and len(flag.path) > 2 else None
        if isinstance(index, int) and index < shown:
            continue  # already sent: it stays as it is
        last = flag.path[-1]
        if isinstance(last, str) and last.startswith("line "):
            lines.setdefault(flag.path[:-1], set()).add(int(last[5:]))
            continue
        leaf = leaves.get(flag.path)
        if leaf is not None and not leaf.required and isinstance(last, str):
            delete.add(flag.path)
            continue
        element = flag.path if flag.reason == "duplicate" else _element_of(flag.path)
        if element is not None:
            drop.add(element)
    return drop, delete, lines


def _apply(tree: dict[str, Any], drop: set[Path], delete: set[Path], lines: dict[Path, set[int]]) -> None:
    for path, bad in lines.items():
        kept = [line for i, line in enumerate(_get(tree, path).split("\n")) if i not in bad]
        text = "\n".join(kept).strip("\n")
        parent = _get(tree, path[:-1])
        if any(ch.isalnum() for ch in text):
            parent[path[-1]] = text
        else:
            del parent[path[-1]]  # nothing left: the node loses required text and repair drops it
    for path in sorted(delete, key=len, reverse=True):
        parent = _get(tree, path[:-1])
        if isinstance(parent, dict):
            parent.pop(path[-1], None)
    # Deepest first, and within one list from the highest index, so earlier paths stay valid.
    for path in sorted(drop, key=lambda p: (len(p), p[-1]), reverse=True):
        if any(path[: len(other)] == other and path != other for other in drop):
            continue  # inside an element that goes anyway
        parent = _get(tree, path[:-1])
        index = path[-1]
        if isinstance(parent, list) and isinstance(index, int) and index < len(parent):
            del parent[index]


def clean(tree: dict[str, Any], *, shown: int = 0) -> dict[str, Any]:
    """The tree without placeholder or degenerate text: bad lines of markdown removed, optional bad texts
    deleted, items and nodes whose required text is bad dropped, duplicate items dropped; then repaired
    so the result is valid (a node left without its required content disappears). `shown`: the first
    children of the root were already sent (a stream): they count (an echo of their text is caught) but are
    left as they are."""
    catalog = Catalog.default()
    current = catalog.repair_tree(tree)
    for _ in range(4):  # each round only removes; a round that finds nothing ends it
        drop, delete, lines = _edits(current, shown)
        if not (drop or delete or lines):
            break
        current = copy.deepcopy(current)
        _apply(current, drop, delete, lines)
        current = catalog.repair_tree(current)
    return current
