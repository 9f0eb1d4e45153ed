"""The offline visualizer of /v1/visualize: material (markdown, JSON, CSV, tool output) -> a v1 Card tree.

Deterministic and grounded: every string and number in the tree is a piece of the material (or of the
context's title); nothing is invented, so where the material has no header, none is shown.
"""

from __future__ import annotations

import re
from typing import Any

import orjson
from markdown_it.token import Token

from . import build
from .build import LIMITS, Node
from .data import (
    CALLOUT_WORDS,
    Block,
    Callout,
    Facts,
    FollowUps,
    Heading,
    Items,
    Markdown,
    Records,
    delimited,
    json_key,
    json_records,
    key_value,
    labelled_number,
    pairs_as_records,
)
from .numbers import all_time_labels, numeric_column
from .text import MAX_LABEL, clip, parser, plain
from .title import title_of

MAX_MATERIAL = 256 * 1024  # markdown read per call: far more than 50 children can show; keeps cost bounded
MAX_JSON_DEPTH = 3
_FOLLOW_UP = re.compile(
    r"^(?:follow[- ]?ups?(?:\s+questions?)?|(?:you|we)\s+(?:could|can|might|may)\s+(?:also\s+)?ask|"
    r"(?:suggested|related|next|further|possible|other)\s+(?:follow[- ]?up\s+)?questions|"
    r"questions\s+you\s+(?:could|can|might|may)\s+ask|want\s+to\s+know\s+more)\W*$",
    re.IGNORECASE,
)
_CALLOUT_LEAD = re.compile(
    r"^\W{0,3}(?P<word>" + "|".join(CALLOUT_WORDS) + r")\W{0,3}:\W{0,3}\s*(?P<text>\S[\s\S]*)$", re.IGNORECASE
)
_ALERT = re.compile(r"^\[!(?P<word>[A-Za-z]+)\]\s*(?P<text>[\s\S]*)$")


# ---- reading: material -> blocks


def _json_blocks(value: Any, depth: int = 0) -> list[Block]:
    """A JSON value as blocks: arrays -> records/items; objects -> facts of their scalars, then each
    array or object field under a heading of its key (to MAX_JSON_DEPTH)."""
    limit = LIMITS.max_children
    if isinstance(value, list):
        found = json_records(value, limit)
        return [found] if found is not None else []
    if not isinstance(value, dict) or depth > MAX_JSON_DEPTH:
        return []
    blocks: list[Block] = []
    pairs: list[tuple[str, str]] = []
    nested: list[tuple[str, Any]] = []
    for key, item in list(value.items())[:limit]:
        if isinstance(item, str) and ("\n" in item or len(item) > MAX_LABEL):
            nested.append((key, item))
        elif isinstance(item, str | int | float | bool) or item is None:
            text = item if isinstance(item, str) else orjson.dumps(item).decode()
            if text:
                pairs.append((json_key(key), clip(text)))
        else:
            nested.append((key, item))
    if pairs:
        blocks.append(Facts(tuple(pairs)))
    for key, item in nested:
        inner = [Markdown(item)] if isinstance(item, str) else _json_blocks(item, depth + 1)
        if inner:
            blocks.append(Heading(json_key(key), 2))
            blocks.extend(inner)
    return blocks


def _json_tail(text: str) -> tuple[str, Any] | None:
    """(prose before, value) when the text is JSON, or prose then JSON to its end ("Here is ...: {...}")."""
    stripped = text.strip()
    if stripped[:1] in "[{" and stripped[-1:] in "]}":
        try:
            return "", orjson.loads(stripped)
        except orjson.JSONDecodeError:
            pass
    if stripped[-1:] not in "]}":
        return None
    tries = 0
    for m in re.finditer(r"(?:^|(?<=: )|(?<=:\n))[\[{]", stripped, re.MULTILINE):
        tries += 1
        if tries > 3:  # each try parses the rest: a few candidates keep the cost linear
            return None
        try:
            return stripped[: m.start()], orjson.loads(stripped[m.start() :])
        except orjson.JSONDecodeError:
            continue
    return None


def _kv_or_series(pairs: list[tuple[str, str]], hint: str) -> Block:
    """A run of `key: value` lines: a numeric series (chart) when its keys are times or the text speaks of
    shares; otherwise facts."""
    values = [value for _, value in pairs]
    labels = [key for key, _ in pairs]
    if numeric_column(values) is not None and (all_time_labels(labels) or build.PIE_WORDS.search(hint)):
        return pairs_as_records(pairs)
    return Facts(tuple(pairs))


def _paragraph(lines: list[str], hint: str) -> list[Block]:
    """One paragraph's lines: a CSV block, a callout, runs of ≥ 2 `key: value` lines, and prose between."""
    table = delimited(lines, LIMITS.max_children)
    if table is not None:
        return [table]
    text = "\n".join(lines)
    callout = _CALLOUT_LEAD.match(plain(text)) if len(text) <= MAX_LABEL else None
    if callout is not None:
        return [Callout(callout.group("word"), callout.group("text"))]
    blocks: list[Block] = []
    prose: list[str] = []
    run: list[tuple[str, tuple[str, str]]] = []  # (line, its key and value)

    def flush_run() -> None:
        if len(run) >= 2:
            if prose:
                blocks.append(Markdown("\n".join(prose)))
                prose.clear()
            blocks.append(_kv_or_series([pair for _, pair in run], hint))
        else:
            prose.extend(line for line, _ in run)
        run.clear()

    for line in lines:
        pair = key_value(line)
        if pair is not None:
            run.append((line, pair))
            continue
        flush_run()
        prose.append(line)
    flush_run()
    if prose:
        blocks.append(Markdown("\n".join(prose)))
    return blocks


def _close(tokens: list[Token], start: int) -> int:
    """Index just past the token closing tokens[start] (same level)."""
    level = tokens[start].level
    i = start + 1
    while i < len(tokens) and not (tokens[i].level == level and tokens[i].nesting == -1):
        i += 1
    return i + 1


def _list_block(tokens: list[Token], lines: list[str], span: tuple[int, int], hint: str) -> Block:
    """A flat list of one-paragraph items -> items, facts or a series; anything richer (nesting, code,
    several paragraphs, safe links worth keeping) stays markdown."""
    start, end = span
    items: list[str] = []
    ordered = tokens[0].type == "ordered_list_open"
    depth = tokens[0].level + 1
    for i, token in enumerate(tokens):
        if token.level <= depth:
            continue
        if token.level == depth + 1 and token.type == "paragraph_open":
            inline = tokens[i + 1]
            items.append(inline.content)
        elif token.level == depth + 1 and token.type not in ("paragraph_close", "inline"):
            return Markdown("\n".join(lines[start:end]))
    if len(items) != sum(1 for t in tokens if t.type == "list_item_open" and t.level == depth):
        return Markdown("\n".join(lines[start:end]))
    if any(re.search(r"\]\(\s*<?(?:https?|mailto):", item, re.IGNORECASE) for item in items):
        return Markdown("\n".join(lines[start:end]))
    items = items[: LIMITS.max_children]
    pairs = [key_value(item) for item in items]
    if len(items) >= 2 and all(pair is not None for pair in pairs):
        found = [pair for pair in pairs if pair is not None]
        if numeric_column([v for _, v in found]) is not None:
            return pairs_as_records(found)
        return _kv_or_series(found, hint)
    numbers = [labelled_number(item) for item in items]
    if len(items) >= 2 and all(n is not None for n in numbers):
        found = [n for n in numbers if n is not None]
        if numeric_column([v for _, v in found]) is not None:
            return pairs_as_records(found)
    return Items(tuple(plain(item) for item in items), ordered)


def _table(tokens: list[Token]) -> Records:
    header: list[str] = []
    rows: list[tuple[str, ...]] = []
    row: list[str] = []
    for i, token in enumerate(tokens):
        if token.type in ("th_open", "td_open"):
            row.append(plain(tokens[i + 1].content))
        elif token.type == "tr_close":
            if not header:
                header = row
            elif len(rows) < LIMITS.max_children:
                rows.append(tuple(row))
            row = []
    return Records(tuple(header), tuple(rows))


def _blockquote(inner: str, raw: str) -> Block:
    alert = _ALERT.match(inner.strip())
    if alert is not None and alert.group("word").lower() in CALLOUT_WORDS and len(inner) <= MAX_LABEL:
        return Callout(alert.group("word").capitalize(), plain(alert.group("text")))
    lead = _CALLOUT_LEAD.match(plain(inner))
    if lead is not None and len(inner) <= MAX_LABEL:
        return Callout(lead.group("word"), lead.group("text"))
    return Markdown(raw)


def markdown_blocks(text: str, hint: str = "") -> tuple[list[Block], str]:
    """The blocks of markdown text, and the hint at its end: the latest heading and prose after it (words
    such as "share" or "breakdown" there make a run of `key: value` lines a pie); `hint` is the one before."""
    lines = text.split("\n")
    tokens = parser().parse(text)
    blocks: list[Block] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        end = _close(tokens, i) if token.nesting == 1 else i + 1
        span = (token.map[0], token.map[1]) if token.map else (0, 0)
        raw = "\n".join(lines[span[0] : span[1]])
        if token.type == "heading_open":
            heading = plain(tokens[i + 1].content)
            if heading:
                blocks.append(Heading(heading, int(token.tag[1:])))
            hint = heading
        elif token.type == "paragraph_open":
            blocks.extend(_paragraph(lines[span[0] : span[1]], hint))
            hint = f"{hint} {raw[-300:]}"
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            blocks.append(_list_block(tokens[i:end], lines, span, hint))
        elif token.type == "table_open":
            blocks.append(_table(tokens[i:end]))
        elif token.type == "fence":
            blocks.extend(_fence(token, raw))
        elif token.type == "blockquote_open":
            inner = "\n".join(re.sub(r"^\s{0,3}> ?", "", line) for line in lines[span[0] : span[1]])
            blocks.append(_blockquote(inner, raw))
        elif token.type in ("code_block", "html_block"):
            blocks.append(Markdown(raw))
        i = end
        if len(blocks) > 4 * LIMITS.max_children:
            break
    return blocks, hint


def _fence(token: Token, raw: str) -> list[Block]:
    """```csv / ```tsv / ```json fences holding data become data; any other fence stays a code block."""
    lang = token.info.strip().lower().split(" ")[0] if token.info else ""
    if lang in ("csv", "tsv"):
        table = delimited(token.content.split("\n"), LIMITS.max_children)
        if table is not None:
            return [table]
    elif lang == "json":
        try:
            found = _json_blocks(orjson.loads(token.content))
        except orjson.JSONDecodeError:
            found = []
        if found:
            return found
    return [Markdown(raw)]


def is_follow_up_lead(block: Block) -> bool:
    """A heading or line such as "Follow-up questions" or "You could ask" (a list after it is follow-ups)."""
    text = block.text if isinstance(block, Heading | Markdown) else ""
    return bool(text) and _FOLLOW_UP.match(plain(text).strip(" *_#")) is not None


def follow_ups(blocks: list[Block]) -> list[Block]:
    """A trailing list under a "Follow-up questions" / "You could ask" lead becomes follow-ups."""
    if len(blocks) >= 2 and isinstance(blocks[-1], Items) and is_follow_up_lead(blocks[-2]):
        return [*blocks[:-2], FollowUps(blocks[-1].items)]
    return blocks


def _markdown(text: str) -> list[Block]:
    if len(text) > MAX_MATERIAL:
        cut = text.rfind("\n", 0, MAX_MATERIAL)
        text = text[: cut if cut > 0 else MAX_MATERIAL]
    return follow_ups(markdown_blocks(text)[0]) if text.strip() else []


def read_blocks(material: str) -> list[Block]:
    """The material as blocks (JSON, or markdown with tables, CSV, lists, facts, callouts, follow-ups)."""
    text = material.replace("\r\n", "\n").strip()
    if not text:
        return []
    found = _json_tail(text)
    if found is not None:
        prose, value = found
        json_blocks = _json_blocks(value)
        if json_blocks:
            return [*_markdown(prose.strip()), *json_blocks]
    return _markdown(text)


# ---- rendering: blocks -> nodes


def merged(blocks: list[Block]) -> list[Block]:
    """Consecutive markdown pieces joined into one text (one TextContent), up to the text size limit."""
    out: list[Block] = []
    for block in blocks:
        last = out[-1] if out else None
        if (
            isinstance(block, Markdown)
            and isinstance(last, Markdown)
            and len(last.text) + len(block.text) + 2 <= LIMITS.max_string
        ):
            out[-1] = Markdown(f"{last.text}\n\n{block.text}")
        else:
            out.append(block)
    return out


class NodeMaker:
    """Blocks -> nodes, one block at a time, carrying what a block's component depends on before it: whether
    a Header was shown, the latest heading (the series name of an unnamed numeric list under it) and the
    text just before ("share" or "breakdown" there makes a pie of the next series)."""

    def __init__(self, title: str | None = None, *, header_shown: bool = False, charts: bool = True) -> None:
        self.has_header = header_shown
        self.charts = charts  # False: records stay tables (a table was asked for)
        self.section = title or ""
        self.prose = ""
        self.first = True  # no block seen yet: a heading opening the text is the Header
        # Length of the run of markdown the last block ended (-1: it was no markdown). Text committed in
        # pieces hints as `merged` text would: what went before in the run counts.
        self.run = -1

    def nodes(self, block: Block) -> list[Node]:
        made: list[Node | None]
        first, self.first = self.first, False
        run, self.run = self.run, -1
        if isinstance(block, Heading):
            self.section, self.prose = block.text, ""
            if not self.has_header and (first or block.level == 1):
                made, self.has_header = [build.header(block.text)], True
            else:
                made = [build.inline_header(block.text)]
        elif isinstance(block, Markdown):
            made = [build.text_node(block.text)]
            if run >= 0 and run + len(block.text) + 2 <= LIMITS.max_string:
                self.prose, self.run = f"{self.prose}\n\n{block.text}"[-300:], run + len(block.text) + 2
            else:
                self.prose, self.run = block.text[-300:], len(block.text)
        elif isinstance(block, Records):
            hint = f"{self.section} {self.prose}"
            made = list(build.records_nodes(block, hint=hint, chart=self.charts, series_name=self.section))
        elif isinstance(block, Items):
            made = [build.list_node(block)]
        elif isinstance(block, Facts):
            made = [build.facts_node(block)]
        elif isinstance(block, Callout):
            made = [build.callout_node(block.word, block.text)]
        else:
            made = [build.followups_node(block.items)]
        return [n for n in made if n is not None]


def blocks_to_nodes(blocks: list[Block], title: str | None = None) -> list[Node]:
    """Nodes for the blocks: the first heading (when it opens the text, or an h1) is the Header; without one,
    `title` (from the request's words) is; later headings are section headers."""
    nodes: list[Node] = []
    header_shown = bool(title) and not (blocks and isinstance(blocks[0], Heading))
    if title and header_shown:
        nodes.append(build.header(title))
    maker = NodeMaker(title, header_shown=header_shown)
    for block in merged(blocks):
        nodes.extend(maker.nodes(block))
        if len(nodes) >= LIMITS.max_children:
            break
    return nodes


def visualize(material: str, *, context: str = "") -> Node:
    """The material as a v1 Card tree (valid for `Catalog.default()`), built only from the material's own
    text; `context` (the user's question) gives the Header when the material has no leading heading."""
    title = title_of(context.strip().split("\n", 1)[0]) if context.strip() else None
    return build.card(blocks_to_nodes(read_blocks(material), title))
