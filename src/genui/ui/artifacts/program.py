"""A v2 artifact program read into (title, subtitle, pages/slides) and written back, one line a page/slide.

Reading repairs the program against the viewer library (`openui.repair`), materializes it, and keeps each
page/slide that fits the library's limits (`v2.fit`). Ids are the `Slide`/`Page` statement names; a program
that names them otherwise gets `s1…`/`p1…` in order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..openui import repair, validate
from ..openui.merge import split_source
from .v1 import ID_PREFIX
from .v2 import ITEM_COMPONENTS, LIST_PROPS, fit, item_statement, plain, root_statement, viewer_library

_ITEM_ID = re.compile(r"[a-z][a-z0-9_]{0,30}\Z")


@dataclass
class Deck:
    kind: str
    title: str
    subtitle: str | None
    items: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (id, template/content node)
    changes: list[str] = field(default_factory=list)

    @property
    def ids(self) -> list[str]:
        return [item_id for item_id, _ in self.items]

    def statements(self) -> dict[str, str]:
        """Statement name -> line (newline-ended), root first."""
        out = {"root": root_statement(self.kind, self.title, self.subtitle, self.ids)}
        out.update((i, item_statement(self.kind, i, content)) for i, content in self.items)
        return out

    def program(self) -> str:
        return "".join(self.statements().values())

    def next_id(self) -> str:
        taken = set(self.ids)
        n = len(taken) + 1
        while f"{ID_PREFIX[self.kind]}{n}" in taken:
            n += 1
        return f"{ID_PREFIX[self.kind]}{n}"


def read_deck(program: str, kind: str) -> Deck | None:
    """The deck a program holds (repaired, within limits), or None when it holds no root."""
    library = viewer_library(kind)
    fixed = repair(program, library)
    result = validate(fixed.program, library)
    root = result.root
    if root is None or root.get("component") != library.root:
        return None
    props = root["props"]
    deck = Deck(kind, str(props.get("title") or ""), props.get("subtitle") or None)
    deck.changes.extend(issue.code for issue in fixed.fixed)
    seen: set[str] = set()
    for item in props.get(LIST_PROPS[kind]) or []:
        if not isinstance(item, dict) or item.get("component") != ITEM_COMPONENTS[kind]:
            continue
        content = fit(plain(item["props"]["content"]), library, deck.changes)
        if content is None:
            continue
        wanted = getattr(item, "statement_id", None) or str(item["props"].get("id", ""))
        item_id = wanted if _ITEM_ID.match(wanted) and wanted not in seen and wanted != "root" else ""
        if not item_id:
            item_id = deck.next_id()
            while item_id in seen:
                item_id = f"{item_id}x"
        seen.add(item_id)
        deck.items.append((item_id, content))
    return deck


def patch_between(base: str, deck: Deck) -> str:
    """The patch-mode program that turns `base` into `deck` under `merge_statements`: changed and new page/
    slide statements, then the root when it changed (so that every prefix merges into a program whose
    references all resolve: new statements stay unreachable until the root that lists them)."""
    old: dict[str, str] = {}
    for raw in split_source(base):
        name = raw.split("=", 1)[0].strip()
        old[name] = raw.strip()
    statements = deck.statements()
    lines = [line for name, line in statements.items() if name != "root" and old.get(name) != line.strip()]
    if old.get("root") != statements["root"].strip():
        lines.append(statements["root"])
    return "".join(lines)
