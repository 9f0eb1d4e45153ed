"""Markdown arriving in pieces (a model writing) -> v1 nodes, each as soon as its block is complete.

A block is complete once a blank line ends it and the next block has begun (a heading line once its line
ends); until then it may still grow. Text inside an open code fence and a list that continues after a blank
line are never cut. A heading is held back until what follows it is known, and a "Follow-up questions" lead
with its list until the end (follow-ups are only read at the end of the text), so the nodes are those
`visualize` would make of the whole text, except that paragraphs committed apart stay apart.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .build import Node
from .data import Block, Heading, Items
from .text import LIST_BULLET
from .visualize import NodeMaker, follow_ups, is_follow_up_lead, markdown_blocks, merged

_BLANK_THEN_TEXT = re.compile(r"\n[ \t]*\n(?=[ \t]*\S[^\n]*\n)")  # the next line whole: it tells what comes
_HEADING_LINE = re.compile(r"^ {0,3}#{1,6}[ \t]+\S[^\n]*\n", re.MULTILINE)
_FENCE = re.compile(r"^ {0,3}(?:`{3,}|~{3,})", re.MULTILINE)
_LIST_OR_INDENT = re.compile(r"[ \t]+\S|" + LIST_BULLET.pattern[1:])


_SENTENCE_END = re.compile(r"[.!?…][)\]\"'”’*_]*(?=\s|$)")


def unfinished_dropped(text: str) -> str:
    """Text cut off mid-way without its unfinished end: the last line when there are several, else what
    follows the last sentence end."""
    if text.endswith("\n"):
        return text  # stopped between lines
    text = text.rstrip()
    if "\n" in text:
        return text[: text.rfind("\n")]
    ends = list(_SENTENCE_END.finditer(text))
    return text[: ends[-1].end()] if ends else ""


def _last_line(text: str) -> str:
    stripped = text.rstrip()
    return stripped[stripped.rfind("\n") + 1 :]


class MarkdownStream:
    """Feed the model's text piece by piece; each call returns the nodes whose blocks it completed."""

    def __init__(self, maker: NodeMaker, reshape: Callable[[Block], Block | None] | None = None) -> None:
        self.maker = maker
        self.reshape = reshape  # each block before it becomes nodes: kept, replaced, or dropped (None)
        self.text = ""
        self.done = 0  # text before this offset is committed
        self.held: list[Block] = []
        self.hint = ""  # the reader's hint at the end of the committed text (a pie's "share" above it)

    def feed(self, piece: str) -> list[Node]:
        self.text += piece
        cut = self._cut()
        if cut <= self.done:
            return []
        blocks, self.hint = markdown_blocks(self.text[self.done : cut], self.hint)
        self.done = cut
        return self._commit(blocks, final=False)

    def finish(self, *, cut: bool = False) -> list[Node]:
        """The nodes of what is left (the last block, complete now that the text ended). `cut`: the writer
        was stopped mid-way, so a last line or sentence left unfinished is dropped."""
        rest = self.text[self.done :]
        blocks, self.hint = markdown_blocks(unfinished_dropped(rest) if cut else rest, self.hint)
        self.done = len(self.text)
        return self._commit(blocks, final=True)

    def _cut(self) -> int:
        """The furthest offset up to which every block is complete (self.done when none is)."""
        best = self.done
        candidates = [m.end() for m in _BLANK_THEN_TEXT.finditer(self.text, self.done)]
        candidates += [m.end() for m in _HEADING_LINE.finditer(self.text, self.done)]
        for cut in sorted(candidates, reverse=True):
            before, after = self.text[:cut], self.text[cut:]
            if len(_FENCE.findall(before)) % 2:
                continue  # inside a code fence
            if _LIST_OR_INDENT.match(after.lstrip("\n")) and _LIST_OR_INDENT.match(_last_line(before)):
                continue  # a list (or an item's indented part) going on after a blank line
            best = cut
            break
        return best

    def _commit(self, blocks: list[Block], *, final: bool) -> list[Node]:
        pending = self.held + blocks
        self.held = []
        if final:
            pending = follow_ups(pending)
        else:
            keep = 0
            if len(pending) >= 2 and isinstance(pending[-1], Items) and is_follow_up_lead(pending[-2]):
                keep = 2  # follow-ups, if nothing comes after them
            elif pending and (isinstance(pending[-1], Heading) or is_follow_up_lead(pending[-1])):
                keep = 1  # a heading shows with what follows it
            if keep:
                pending, self.held = pending[:-keep], pending[-keep:]
        if self.reshape is not None:
            pending = [b for b in map(self.reshape, pending) if b is not None]
        nodes: list[Node] = []
        for block in merged(pending):
            nodes.extend(self.maker.nodes(block))
        return nodes
