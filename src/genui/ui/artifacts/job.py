"""One artifact answer as text chunks: offline (composer, rule edits) or from a model's streamed text.

Each chunk keeps the every-prefix guarantee: v1 chunks open the element, add whole pages/slides and close it;
v2 chunks are whole statements. Model text is untrusted: v1 items and diff ops are repaired and validated, v2
programs repaired against the viewer library and fitted to its limits, before anything is written.
"""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass
from typing import Any

from ..c1 import write_artifact_diff
from ..openui import StatementSplitter, merge_statements, parse
from ..openui.ast import Arr, Call, Ref, references
from .base import Base
from .compose import FALLBACK_TITLE, plan, split_request, title_from, v1_items, v2_items
from .diff import DiffError, apply_diff, diff_ops
from .offline import edit_v1, edit_v2, read_edit
from .program import Deck, patch_between, read_deck
from .v1 import ID_PREFIX, items_of, repair_artifact, repair_item, subtitle_of, title_of
from .v1 import root as v1_root
from .v2 import root_statement
from .writer import V1Writer, V2Writer

NOTHING_USABLE = "The model wrote no usable page or slide."
EDIT_FAILED = "The edit could not be applied: the model gave no valid change. The artifact is unchanged."


@dataclass(frozen=True)
class Spec:
    kind: str  # "slides" | "report"
    format: str  # "v1" | "v2"
    artifact_id: str
    edit_format: str = "full"  # v1 edits: "full" artifact (version + 1) or "diff" (<artifact_diff>)


def _v1_full(spec: Spec, tree: dict[str, Any], version: int, error: str | None = None) -> list[str]:
    writer = V1Writer(spec.kind, spec.artifact_id, version, title_of(tree), subtitle_of(tree))
    return [writer.open(), *(writer.append(item) for item in items_of(tree)), writer.finish(error)]


def _v2_full(deck: Deck) -> list[str]:
    writer = V2Writer(deck.kind, deck.title, deck.subtitle, deck.ids)
    return [writer.open(), *(writer.append(i, content) for i, content in deck.items), writer.finish()]


def _v1_edit_answer(spec: Spec, base: Base, tree: dict[str, Any], error: str | None = None) -> list[str]:
    assert base.tree is not None
    if spec.edit_format == "diff" and error is None:
        return [write_artifact_diff(diff_ops(base.tree, tree))]
    return _v1_full(spec, tree, base.version + 1, error)


def _nonempty(chunks: list[str]) -> list[str]:
    return [c for c in chunks if c]


# ---- offline


def offline_generate(spec: Spec, request: str) -> list[str]:
    found = plan(request, spec.kind)
    if spec.format == "v1":
        tree = v1_root(spec.kind, found.title, v1_items(found, spec.kind), found.subtitle)
        return _nonempty(_v1_full(spec, tree, 1))
    prefix = ID_PREFIX[spec.kind]
    items = [(f"{prefix}{i}", content) for i, content in enumerate(v2_items(found, spec.kind), start=1)]
    return _nonempty(_v2_full(Deck(spec.kind, found.title, found.subtitle, items)))


def offline_edit(spec: Spec, base: Base, instruction: str) -> list[str]:
    """EditNotSettled (a ValueError) when the rules cannot settle the edit: raised before any output."""
    edit = read_edit(instruction)
    if base.format == "v1":
        assert base.tree is not None
        return _nonempty(_v1_edit_answer(spec, base, edit_v1(base.tree, edit, spec.kind)))
    deck = read_deck(base.program, spec.kind)
    if deck is None:
        raise ValueError("the base program has no SlideShow/ReportView root")
    return _nonempty([patch_between(base.program, edit_v2(deck, edit))])


# ---- from a model


def _json_objects(text: str) -> list[Any]:
    """Every JSON value on its own line (JSON Lines), or the whole text as one JSON value."""
    out = []
    for line in text.splitlines():
        line = line.strip().rstrip(",")
        if line.startswith(("{", "[")):
            try:
                out.append(json.loads(line))
            except ValueError:
                continue
    if not out:
        stripped = re.sub(r"^```\w*\s*|\s*```\s*$", "", text.strip())
        with contextlib.suppress(ValueError):
            out.append(json.loads(stripped))
    return out


class ModelGeneration:
    """A model's generation streamed into the artifact: `feed(delta) -> text`, then `finish() -> text`.

    v1: the model writes JSON Lines (a header `{"title", "subtitle"?}`, then one page/slide object a line);
    v2: an OpenUI Lang program (root first, one page/slide a statement)."""

    def __init__(self, spec: Spec, request: str) -> None:
        self.spec = spec
        self.fallback_title = title_from(split_request(request)[0]) or FALLBACK_TITLE[spec.kind]
        self.buffer = ""
        self.raw = ""
        self.repairs: list[str] = []
        self.v1: V1Writer | None = None
        self.splitter = StatementSplitter()
        self.program = ""
        self.v2: V2Writer | None = None
        self.next_ref = 0  # v2: the model's next root-listed item to write
        self.written = 0

    def feed(self, delta: str) -> str:
        if self.spec.format == "v1":
            self.raw += delta
            self.buffer += delta
            lines = self.buffer.split("\n")
            self.buffer = lines.pop()
            return "".join(self._v1_line(line) for line in lines)
        for statement in self.splitter.feed(delta):
            self.program += statement.strip() + "\n"
        return self._v2_ready(final=False)

    def finish(self) -> str:
        if self.spec.format == "v1":
            out = self._v1_line(self.buffer)
            if not self.written:
                out += self._v1_whole()
            writer, opening = self._v1_open()
            return out + opening + writer.finish(None if writer.count else NOTHING_USABLE)
        for statement in self.splitter.finish():
            self.program += statement.strip() + "\n"
        return self._v2_ready(final=True)

    # v1

    def _v1_open(self, header: dict[str, Any] | None = None) -> tuple[V1Writer, str]:
        if self.v1 is not None:
            return self.v1, ""
        title = header.get("title") if header else None
        subtitle = header.get("subtitle") if header else None
        self.v1 = V1Writer(
            self.spec.kind,
            self.spec.artifact_id,
            1,
            title.strip()[:200] if isinstance(title, str) and title.strip() else self.fallback_title,
            subtitle.strip()[:200] if isinstance(subtitle, str) and subtitle.strip() else None,
        )
        return self.v1, self.v1.open()

    def _v1_item(self, raw: Any) -> str:
        item = repair_item(
            self.spec.kind, {**raw, "id": "x"} if isinstance(raw, dict) else raw, repairs=self.repairs
        )
        if item is None:
            return ""
        writer, opening = self._v1_open()
        self.written += 1
        item["id"] = f"{ID_PREFIX[self.spec.kind]}{self.written}"
        return opening + writer.append(item)

    def _v1_line(self, line: str) -> str:
        line = line.strip().rstrip(",")
        if not line.startswith("{"):
            return ""
        try:
            value = json.loads(line)
        except ValueError:
            self.repairs.append("model line that is not JSON dropped")
            return ""
        if isinstance(value, dict) and "template" not in value and self.v1 is None:
            return self._v1_open(value)[1]
        return self._v1_item(value)

    def _v1_whole(self) -> str:
        """The model wrote one JSON document (an envelope or a root) instead of lines."""
        out = ""
        for value in _json_objects(self.raw):
            tree = repair_artifact(value, self.spec.kind)
            if tree is not None:
                out += self._v1_open({"title": title_of(tree), "subtitle": subtitle_of(tree)})[1]
                out += "".join(self._v1_item(item) for item in items_of(tree))
        return out

    # v2

    def _v2_ready(self, *, final: bool) -> str:
        parsed = parse(self.program)
        table = parsed.table
        root = table.get("root")
        if root is None or not isinstance(root.expr, Call):
            return self._v2_without_root() if final else ""
        refs = next((arg.items for arg in root.expr.args if isinstance(arg, Arr)), ())
        names = [ref.name for ref in refs if isinstance(ref, Ref)]
        deck = read_deck(self.program, self.spec.kind)
        if deck is None:
            return ""
        out = ""
        if self.v2 is None:
            planned = [f"{ID_PREFIX[self.spec.kind]}{i}" for i in range(1, len(names) + 1)]
            self.v2 = V2Writer(self.spec.kind, deck.title or self.fallback_title, deck.subtitle, planned)
            out += self.v2.open()
        contents = dict(deck.items)
        while self.next_ref < len(names):
            name = names[self.next_ref]
            if not final and not _complete(name, table):
                break
            self.next_ref += 1
            if name in contents:
                self.written += 1
                out += self.v2.append(f"{ID_PREFIX[self.spec.kind]}{self.written}", contents[name])
        if final:
            out += self.v2.finish()
        return out

    def _v2_without_root(self) -> str:
        """At the end, a program without a usable root: what it holds is laid out under the fallback title."""
        program = root_statement(self.spec.kind, self.fallback_title, None, [])
        deck = read_deck(program + self.program, self.spec.kind) or Deck(
            self.spec.kind, self.fallback_title, None
        )
        return "".join(_v2_full(deck)) if deck.items else ""


def _complete(name: str, table: dict[str, Any]) -> bool:
    """True when `name` and everything it refers to (transitively) are defined statements."""
    seen = {name}
    stack = [name]
    while stack:
        statement = table.get(stack.pop())
        if statement is None:
            return False
        for ref in references(statement.expr):
            if ref not in seen:
                seen.add(ref)
                stack.append(ref)
    return True


class ModelEdit:
    """A model's edit, collected whole (ops must be validated against the base together), then answered."""

    def __init__(self, spec: Spec, base: Base) -> None:
        self.spec = spec
        self.base = base
        self.text = ""
        self.repairs: list[str] = []

    def feed(self, delta: str) -> str:
        self.text += delta
        return ""

    def finish(self) -> str:
        if self.base.format == "v1":
            return "".join(self._v1())
        deck = read_deck(merge_statements(self.base.program, self.text), self.spec.kind)
        base_deck = read_deck(self.base.program, self.spec.kind)
        if deck is None or not deck.items:
            deck = base_deck
        return patch_between(self.base.program, deck) if deck is not None else ""

    def _v1(self) -> list[str]:
        assert self.base.tree is not None
        tree = self.base.tree
        applied = 0
        for value in _json_objects(self.text):
            ops = value if isinstance(value, list) else [value]
            for op in ops:
                if isinstance(op, dict) and "op" not in op:
                    new = repair_artifact(op, self.spec.kind)
                    if new is not None and items_of(new):
                        tree, applied = new, applied + 1
                    continue
                try:
                    tree = apply_diff(tree, [op])
                    applied += 1
                except DiffError as exc:
                    self.repairs.append(f"diff op dropped (code {exc.code}): {exc}")
        return _nonempty(_v1_edit_answer(self.spec, self.base, tree, None if applied else EDIT_FAILED))
