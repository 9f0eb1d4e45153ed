"""C1 v1 JSON generations for the repair service: read, repair with the v1 catalog, report, write back.

A v1 generation is a C1 Response (`<content thesys="true">` + the escaped JSON envelope, other elements
kept as they are), the bare envelope `{"component": Card, "error": null}` or a bare Card node; the repaired
tree is written back in the same form. `Catalog.repair_tree` logs what it repaired as short notes; each note
becomes an autofix error item with the nearest of the ten codes (docs/repair.md has the table), attributed to
the Card child it was found in (`path` = JSON pointer of that child in the Card node).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson

from genui.ui import Catalog
from genui.ui.c1 import parse_c1, write_content
from genui.ui.openui import Issue
from genui.ui.tokenizer import MISSING, loads_lenient

# (note pattern, code); the first match wins. Codes beyond the ten are genui's (docs/repair.md).
_NOTE_CODES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), code)
    for pattern, code in (
        (r"dropped unknown component '(?P<component>.*)'$", "unknown-component"),
        (r"component '(?P<component>.*)' -> '.*'$", "unknown-component"),
        (r"v0 chart '(?P<component>.*)' -> '.*'$", "unknown-component"),
        (r"spliced children of wrapper '(?P<component>.*)'$", "unknown-component"),
        (r"dropped unknown prop '(?P<prop>.*)'$", "excess-args"),
        (r"dropped (?:extra keys on|props of) (?P<component>\w+)$", "excess-args"),
        (r"(?P<component>\w+): renamed '.*' to '(?P<prop>.*)'$", "excess-args"),
        (r"defaulted '(?P<prop>.*)'$", "missing-required"),
        (r"(?P<component>Button): derived name$", "missing-required"),
        (r"dropped invalid prop '(?P<prop>.*)'$", "type-mismatch"),
        (r"dropped invalid list item$", "type-mismatch"),
        (r"dropped (?P<component>\w+): too deep$", "too-deep"),
        (r"dropped (?P<component>\w+): too many nodes$", "too-large"),
        (r"dropped invalid (?P<component>\w+)$", "missing-required"),
        (r"(?:dropped unknown action|action) .*", "type-mismatch"),
        (r"moved loose keys of (?P<component>\w+) into props$", "type-mismatch"),
        (r"wrapped a (?:single value in a list|lone Button in a ButtonGroup)$", "type-mismatch"),
        (r"enum case .*|number -> string$|string -> number$|string -> boolean$", "type-mismatch"),
        (r"Card props invalid.*", "type-mismatch"),
        (r"removed unsafe URL$", "unsafe-url"),
        (r"sanitized .*", "unsafe-text"),
        (r"truncated string to .*", "too-long"),
        (r"truncated list to .*", "too-large"),
        (r".*nested too deeply$", "too-deep"),
    )
)


@dataclass(frozen=True, slots=True)
class V1Input:
    """What was read from a v1 generation: the JSON value, how to write a tree back, what was wrong."""

    value: Any  # the parsed JSON value (or the text itself when there is no JSON at all)
    strict: bool  # exactly a JSON value (or a complete C1 content element): may be returned as it is
    issues: tuple[Issue, ...]  # problems of the text itself (cut off, prose around the JSON, not a Card)
    write: Callable[[dict[str, Any], str | None], str]  # (Card node, envelope error) -> output text
    error: str | None  # the envelope's `error`, kept


@dataclass(frozen=True, slots=True)
class V1Repair:
    card: dict[str, Any]
    issues: tuple[Issue, ...]
    empty: bool  # the repaired Card has no children while the input had some


def dumps(value: Any) -> str:
    """Compact JSON; lone surrogates (a model can write "\\ud800") are written ASCII-escaped."""
    try:
        return orjson.dumps(value).decode()
    except (TypeError, orjson.JSONEncodeError):
        return json.dumps(value, ensure_ascii=True, separators=(",", ":"))


def _envelope_parts(value: Any) -> tuple[Any, str | None, str]:
    """(tree, error, shape): shape is "envelope", "card" or "other" (a bare node, a list, text)."""
    if isinstance(value, dict) and isinstance(value.get("component"), dict):
        error = value.get("error")
        return value["component"], error if isinstance(error, str) else None, "envelope"
    if isinstance(value, dict) and value.get("component") == "Card":
        return value, None, "card"
    return value, None, "other"


def _writer(shape: str) -> Callable[[dict[str, Any], str | None], str]:
    if shape == "envelope":
        return lambda card, error: dumps({"component": card, "error": error})
    return lambda card, error: dumps(card)


def _located(text: str) -> tuple[Any, bool, list[Issue]]:
    """The JSON value in a text (prose or a code fence around it allowed); whether it is exactly that."""
    issues: list[Issue] = []
    start = text.find("{")
    if start < 0:
        if not text.strip():
            return MISSING, False, issues
        issues.append(Issue("missing-root", "no JSON UI in the text: it became the text of a Card", "Card"))
        return text, False, issues
    try:
        value, end = json.JSONDecoder().raw_decode(text, start)
    except (ValueError, RecursionError):
        value, end = loads_lenient(text[start:]), len(text)
        if value is MISSING:
            issues.append(Issue("missing-root", "the JSON UI could not be read", "Card"))
            return MISSING, False, issues
        issues.append(Issue("incomplete", "the JSON stops mid-value (closed automatically)"))
    extra = bool(text[:start].strip() or text[end:].strip())
    if extra:
        issues.append(Issue("extra-text", "dropped the text around the JSON UI (prose or a code fence)"))
    return value, not issues, issues


def read_v1(text: str) -> V1Input:
    """A v1 generation as a JSON value and a writer for the repaired tree, in the form it came in."""
    if "<content" in text:
        message = parse_c1(text)
        part = next((p for p in message.parts if p.kind == "content"), None)
        if part is not None:
            issues: list[Issue] = []
            value: Any = part.data
            strict = part.complete and value is not None
            if value is None:
                value, _, issues = _located(part.body)
            if not part.complete and all(issue.code != "incomplete" for issue in issues):
                issues.append(Issue("incomplete", "the content element is cut off (closed automatically)"))
            tree, error, shape = _envelope_parts(value)
            if shape == "other" and value is not MISSING:
                issues.append(
                    Issue("missing-root", "the content is not a v1 envelope: wrapped in a Card", "Card")
                )
            prefix, suffix = text[: part.start], text[part.end :]
            return V1Input(
                tree,
                strict and not issues,
                tuple(_unique(issues)),
                lambda card, err: prefix + write_content(card, err) + suffix,
                error,
            )
    value, strict, found = _located(text)
    tree, error, shape = _envelope_parts(value)
    if shape == "other" and value is not MISSING and not isinstance(value, str):
        found.append(
            Issue("missing-root", "the JSON is not a Card or a v1 envelope: wrapped in a Card", "Card")
        )
    return V1Input(tree, strict and shape != "other", tuple(_unique(found)), _writer(shape), error)


def _unique(issues: list[Issue]) -> list[Issue]:
    seen: set[tuple[str, str]] = set()
    out = []
    for issue in issues:
        if (issue.code, issue.message) not in seen:
            seen.add((issue.code, issue.message))
            out.append(issue)
    return out


def note_issues(notes: list[str], component: str | None, path: str | None) -> list[Issue]:
    """Repair notes as error items (notes that only restate the previous one are left out)."""
    issues: list[Issue] = []
    previous = ""
    for note in notes:
        echoes_drop = note == "dropped invalid list item" and previous.startswith("dropped")
        sank = (
            note.startswith("dropped invalid ")
            and not note.startswith("dropped invalid list")
            and (previous.startswith(("dropped invalid prop", "removed unsafe URL")))
        )
        after_url = note.startswith("dropped invalid prop") and previous == "removed unsafe URL"
        previous = note
        if echoes_drop or sank or after_url:
            continue
        code, named = "repaired", component
        prop: str | None = None
        for pattern, candidate in _NOTE_CODES:
            match = pattern.match(note)
            if match is not None:
                code = candidate
                groups = match.groupdict()
                named = groups.get("component") or component
                prop = groups.get("prop")
                break
        where = f"{path}/props/{prop}" if path is not None and prop and code != "excess-args" else path
        issues.append(Issue(code, note, named, where))
    return issues  # notes that only restate the previous one (a drop's list item, a bad prop's node) skipped


def _children(tree: Any) -> list[Any] | None:
    if isinstance(tree, dict) and tree.get("component") == "Card":
        props = tree.get("props")
        children = props.get("children") if isinstance(props, dict) else None
        return children if isinstance(children, list) else None
    return None


def repair_v1(catalog: Catalog, tree: Any) -> V1Repair:
    """Repair a v1 tree into a valid Card; each note attributed to the Card child it came from."""
    notes: list[str] = []
    card = catalog.repair_tree(tree, notes)
    issues: list[Issue] = []
    attributed: Counter[str] = Counter()
    children = _children(tree)
    for index, child in enumerate(children or []):
        child_notes: list[str] = []
        catalog.repair_nodes(child, child_notes)
        attributed.update(child_notes)
        name = child.get("component") if isinstance(child, dict) else None
        issues.extend(
            note_issues(child_notes, name if isinstance(name, str) else None, f"/props/children/{index}")
        )
    rest: list[str] = []
    for note in notes:
        if attributed[note] > 0:
            attributed[note] -= 1
        else:
            rest.append(note)
    issues.extend(note_issues(rest, "Card", None))
    # unreadable text (MISSING) had content too: it just could not be read
    had_content = bool(children) if children is not None else tree is MISSING or bool(tree)
    empty = had_content and not card["props"].get("children")
    return V1Repair(card, tuple(issues), empty)
