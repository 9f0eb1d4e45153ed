"""The UI half of the compose pipeline (service/compose.py): what a small model is asked to write for an open
ask, and its markdown turned into cleaned nodes block by block; the asks rules settle without it.

- `writing_prompt(ask)`: a compact request for plain markdown of the kind asked (a numbered list, a table, two
  or three sentences).
- `Answer(ask)`: `start()` gives the Header (the request's own title) at once; `feed(text)` the cleaned nodes
  of the blocks the text completed; `finish(cut=...)` the rest, and an honest short text when nothing useful
  was written (`OFFLINE_FALLBACK`). Lead-in lines ("Here are the rivers:"), a heading repeating the title
  and placeholder or degenerate text (`quality.clean`) never show.
- `settled(ask)`: the UI for asks whose content needs no model beyond `compose`: a form whose request names
  no fields (common fields for its kind), a summary of prose the request gives (its sentences, as written),
  and a chart with no numbers given (a short text asking for them: a 135M model's numbers are invented, and
  a chart of them says nothing).
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..quality import clean
from . import build
from .build import Node
from .data import Block, Heading, Items, Markdown, Records
from .forms import form_node, suggested_fields
from .intent import Ask, compose, given_text
from .stream import MarkdownStream
from .text import LIST_BULLET, plain
from .visualize import NodeMaker

# What an answer says when nothing the model wrote was worth showing.
OFFLINE_FALLBACK = (
    "I couldn't produce a useful answer to that offline. For answers like this, configure a model: "
    "see docs/configuration.md."
)
CHART_NEEDS_DATA = (
    "Give me the numbers to chart (for example: rent 1200, food 400, transport 150), or configure a model "
    "to look them up: see docs/configuration.md."
)
_FOLD = re.compile(r"[^a-z0-9]+")
_COLON_LIST = re.compile(r"^(?P<lead>[^:\n]{3,160}):\s+(?P<items>[^:\n]+?)[.!]?$")
_ITEM_SPLIT = re.compile(r"\s*(?:[,;]\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)\s*")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“'(])")
MIN_LIST_ITEMS = 3
MAX_ITEM_WORDS = 8  # an item of a list written as one sentence
MAX_LINE_WORDS = 16  # an item written on its own line


def _fold(text: str) -> str:
    return _FOLD.sub("", text.lower())


def writing_prompt(ask: Ask) -> str:
    """What the small model is asked to write for an open ask (plain markdown; no UI words)."""
    subject = " ".join(ask.prompt.split()).rstrip(" .!")
    if ask.kind in ("list", "summary"):
        return f"Write a numbered list: {subject}. One short line per item."
    if ask.kind == "table":
        return f"Write a markdown table: {subject}."
    return f"Answer in two or three short sentences: {subject}"


def _as_items(text: str) -> Items | None:
    """A model's list written as prose: "The planets are: Mercury, Venus and Earth." or a lead-in line and
    then one item per line without list marks."""
    lines = [LIST_BULLET.sub("", line).strip() for line in text.strip().split("\n") if line.strip()]
    if len(lines) == 1:
        m = _COLON_LIST.match(lines[0])
        parts = _ITEM_SPLIT.split(m.group("items")) if m is not None else []
        items = [plain(LIST_BULLET.sub("", i)).strip(" .") for i in parts if i.strip(" .")]
        limit = MAX_ITEM_WORDS
    else:
        items = [plain(line) for line in (lines[1:] if lines[0].endswith(":") else lines)]
        limit = MAX_LINE_WORDS
    if len(items) < MIN_LIST_ITEMS or any(len(i.split()) > limit for i in items):
        return None
    return Items(tuple(items))


class Answer:
    """A small model's markdown for `ask`, as cleaned nodes (see the module docstring)."""

    def __init__(self, ask: Ask) -> None:
        self.ask = ask
        self.title = ask.title
        maker = NodeMaker(ask.title, header_shown=bool(ask.title), charts=ask.kind not in ("table", "list"))
        self.stream = MarkdownStream(maker, self._reshape)
        self.shown: list[Node] = []  # every node committed so far, the Header first

    def start(self) -> list[Node]:
        return self._keep([build.header(self.title)]) if self.title else []

    def feed(self, text: str) -> list[Node]:
        return self._keep(self.stream.feed(text))

    def finish(self, *, cut: bool = False) -> list[Node]:
        nodes = self._keep(self.stream.finish(cut=cut))
        if not self.content:
            nodes += self._keep([build.node("TextContent", textMarkdown=OFFLINE_FALLBACK)])
        return nodes

    @property
    def content(self) -> list[Node]:
        """The committed nodes besides the Header."""
        return [n for n in self.shown if n["component"] != "Header"]

    def _reshape(self, block: Block) -> Block | None:
        if isinstance(block, Heading) and self.title and _fold(block.text) == _fold(self.title):
            return None  # the Header says it already
        if self.ask.kind == "list" and isinstance(block, Records) and block.header == ("", ""):
            return Items(tuple(f"{label} – {value}" for label, value in block.rows))  # "Nile – 6,650 km"
        if isinstance(block, Markdown):
            items = _as_items(block.text) if self.ask.kind == "list" else None
            if items is not None:
                return items
            if "\n" not in block.text.strip() and block.text.strip().endswith(":"):
                return None  # a lead-in ("Here are the largest countries:"), whatever follows it
        return block

    def _keep(self, nodes: list[Node]) -> list[Node]:
        """The nodes cleaned together and in the context of what was shown (an echo of earlier text is
        caught), which stays as it was sent."""
        if not nodes:
            return []
        shown = len(self.shown)
        children = clean(build.card([*self.shown, *nodes]), shown=shown)["props"]["children"]
        kept: list[Node] = children[shown:]
        self.shown.extend(kept)
        return kept


def key_points(ask: Ask) -> Items | None:
    """The sentences of the prose a request gives to summarize, each as written (every value stays)."""
    text = given_text(ask.prompt)
    if not text:
        return None
    sentences = [plain(s) for s in _SENTENCE.split(" ".join(text.split())) if s.strip()]
    return Items(tuple(sentences[: build.LIMITS.max_children])) if len(sentences) >= 2 else None


def settled(ask: Ask) -> Node | None:
    """The UI of an ask that needs no model content: what `compose` makes, a form with suggested fields when
    the request names none, a summary of given prose as its sentences; else None."""
    tree = compose(ask)
    if tree is not None:
        return tree
    if ask.kind == "form" and not ask.fields:
        nodes = [build.header(ask.title)] if ask.title else []
        return build.card([*nodes, form_node(ask.title, suggested_fields(ask.prompt))])
    if ask.kind == "summary" and "facts" in ask.missing:
        points = key_points(ask)
        if points is not None:
            return compose(replace(ask, kind="list", data=points, missing=()))
    if ask.kind == "chart" and "data" in ask.missing:
        nodes = [build.header(ask.title)] if ask.title else []
        return build.card([*nodes, build.node("TextContent", textMarkdown=CHART_NEEDS_DATA)])
    return None
