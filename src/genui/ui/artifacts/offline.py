"""Artifacts without a model: generation by the composer, and the edits that rules can settle.

Offline edits understood (anything else raises `EditNotSettled` with what is understood):
- "remove/delete slide 3" (also page, "the last slide", "the third slide");
- "rename the title to X" / "change the title to X" / "set the title to X";
- "add a slide about <subject>: <material>" (or the material on the lines below): a slide (page) composed
  from that material only.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any

from .compose import Plan, Section, plan, units, v1_slide, v2_blocks, v2_slide
from .program import Deck
from .v1 import ID_PREFIX, ITEMS_KEY, Item, items_of, subtitle_of, title_of
from .v1 import root as v1_root

ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10,
}  # fmt: skip
_WHICH = r"(?:(?P<ord>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last)\s+)?"
_REMOVE = re.compile(
    r"\b(?:remove|delete|drop|get\s+rid\s+of)\s+(?:the\s+)?" + _WHICH
    + r"(?:slide|page|section)(?:\s*(?:number|no\.?|#)?\s*(?P<num>\d+))?",
    re.IGNORECASE,
)  # fmt: skip
_RENAME = re.compile(
    r"\b(?:rename|change|set|update|make)\s+(?:the\s+)?(?:(?:deck|report|presentation|artifact|document)(?:'s)?\s+)?"
    r"title\s+(?:to|as|into)\s+(?P<title>.+?)\s*$",
    re.IGNORECASE | re.DOTALL,
)
_ADD = re.compile(
    r"\b(?:add|insert|append|include)\s+(?:a|an|one|another)?\s*(?:new\s+)?(?:slide|page|section)\s+"
    r"(?:about|on|for|with|covering|showing|summari[sz]ing)\s+(?P<subject>[^:\n]+?)\s*(?::(?P<inline>.*)|(?=\n)|$)",
    re.IGNORECASE | re.DOTALL,
)
UNDERSTOOD = (
    'remove a slide or page ("remove slide 3"), rename the title ("rename the title to Q4 review"), or add a '
    'slide or page from material you give ("add a slide about costs: rent 1200, food 400")'
)


class EditNotSettled(ValueError):
    """An edit the offline rules cannot settle; the message says what they do settle."""


@dataclass(frozen=True)
class Edit:
    action: str  # remove | rename | add
    position: int = 0  # remove: 1-based; 0 = the last
    title: str = ""  # rename: the new title; add: the subject
    material: str = ""  # add: the material


def _clean_title(text: str) -> str:
    title = text.strip().strip("\"'“”‘’").strip()
    return title.rstrip(".!").strip("\"'“”‘’").strip()


def read_edit(instruction: str) -> Edit:
    text = instruction.strip()
    first_line = text.split("\n", 1)[0]
    match = _RENAME.search(first_line)
    if match and _clean_title(match.group("title")):
        return Edit("rename", title=_clean_title(match.group("title"))[:200])
    match = _ADD.search(text)
    if match:
        subject = match.group("subject").strip().rstrip(".")
        subject = subject[:1].upper() + subject[1:]
        material = (match.group("inline") or text[match.end() :]).strip()
        if not material.strip():
            raise EditNotSettled(
                "Offline (no model configured) a slide can only be added from material given in the "
                f"request; none was given for {subject[:80]!r}. Offline edits: {UNDERSTOOD}."
            )
        return Edit("add", title=subject[:200], material=material)
    match = _REMOVE.search(first_line)
    if match and (match.group("num") or match.group("ord")):
        which = match.group("ord")
        position = (
            int(match.group("num"))
            if match.group("num")
            else 0
            if which == "last"
            else ORDINALS[which.lower()]
        )
        return Edit("remove", position=position)
    raise EditNotSettled(
        f"This edit needs a model, and none is configured for artifacts (docs/configuration.md). "
        f"Offline edits: {UNDERSTOOD}."
    )


def _pick(count: int, position: int, kind: str) -> int:
    index = count - 1 if position == 0 else position - 1
    if not 0 <= index < count:
        noun = "slide" if kind == "slides" else "page"
        raise EditNotSettled(f"There is no {noun} {position}: the artifact has {count}.")
    return index


def _added_plan(edit: Edit, kind: str) -> Plan:
    found = plan(f"# {edit.title}\n\n{edit.material}", kind)
    if not found.grounded:
        raise EditNotSettled(f"Nothing to lay out in the material given. Offline edits: {UNDERSTOOD}.")
    for section in found.sections:
        section.heading = section.heading or edit.title
    return found


# ---- v1


def edit_v1(tree: dict[str, Any], edit: Edit, kind: str) -> dict[str, Any]:
    """The edited artifact root (items keep their ids; new ones take the next free id)."""
    result = copy.deepcopy(tree)
    items: list[Item] = items_of(result)
    title, subtitle = title_of(result), subtitle_of(result)
    if edit.action == "remove":
        del items[_pick(len(items), edit.position, kind)]
    elif edit.action == "rename":
        title = edit.title
        for item in items[:1]:
            if item["template"] == "Title":
                item["props"]["title"] = title
            elif item["template"] == "ContentPage":
                children = item["props"]["children"]
                if children and children[0]["component"] == "Header":
                    children[0]["props"]["title"] = title
    else:
        added = _added_plan(edit, kind)
        taken = {item["id"] for item in items}
        new_items: list[Item]
        if kind == "slides":
            new_items = [
                {"id": "", "template": t, "props": p} for t, p in (v1_slide(u) for u in units(added)[1:])
            ]
        else:
            children = [n for s in added.sections for n in _section_nodes(s)]
            new_items = [{"id": "", "template": "ContentPage", "props": {"children": children}}]
        for item in new_items:
            n = len(taken) + 1
            while f"{ID_PREFIX[kind]}{n}" in taken:
                n += 1
            item["id"] = f"{ID_PREFIX[kind]}{n}"
            taken.add(item["id"])
            items.append(item)
    return v1_root(kind, title, items, subtitle) if items else _empty(kind)


def _section_nodes(section: Section) -> list[dict[str, Any]]:
    head = [{"component": "InlineHeader", "props": {"heading": section.heading}}] if section.heading else []
    return [*head, *section.nodes]


def _empty(kind: str) -> dict[str, Any]:
    raise EditNotSettled(f"That would leave the artifact without any {ITEMS_KEY[kind]}.")


# ---- v2


def edit_v2(deck: Deck, edit: Edit) -> Deck:
    kind = deck.kind
    result = Deck(kind, deck.title, deck.subtitle, list(deck.items))
    if edit.action == "remove":
        del result.items[_pick(len(result.items), edit.position, kind)]
        if not result.items:
            _empty(kind)
    elif edit.action == "rename":
        result.title = edit.title
        if result.items:
            first_id, content = result.items[0]
            props = dict(content["props"])
            if content["component"].endswith("Title") or content["component"].endswith("FrontPage"):
                props["title"] = edit.title
            elif content["component"] == "ContentPage" and props.get("blocks"):
                blocks = list(props["blocks"])
                if blocks[0]["component"] == "Headline":
                    blocks[0] = {**blocks[0], "props": {**blocks[0]["props"], "heading": edit.title}}
                props["blocks"] = blocks
            result.items[0] = (first_id, {**content, "props": props})
    else:
        added = _added_plan(edit, kind)
        if kind == "slides":
            contents = [v2_slide(u) for u in units(added)[1:]]
        else:
            blocks = [b for s in added.sections for n in _section_nodes(s) for b in v2_blocks(n)]
            contents = [{"component": "ContentPage", "props": {"blocks": blocks}}]
        for content in contents:
            result.items.append((result.next_id(), content))
    return result
