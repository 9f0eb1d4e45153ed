"""Which UI a request asks for and its data, read by rules (`understand`); the UI built from them (`compose`).

`understand` never guesses content: what the rules cannot settle is listed in `Ask.missing`, and
`Ask.open_question` tells the caller to have a model write the content (then `visualize` it).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from . import build
from .build import ChartKind, Node
from .data import Facts, Items, Markdown, Records, key_value, labelled_number, pairs_as_records
from .forms import FormField, form_fields, form_node
from .text import LIST_BULLET, plain
from .title import KIND_TAIL, title_of
from .visualize import blocks_to_nodes, read_blocks

Kind = Literal["form", "chart", "table", "list", "summary", "text"]
Data = Records | Items | Facts | Markdown


@dataclass(frozen=True)
class Ask:
    """What a request asks for. `missing` names what the rules could not settle ("kind", "fields", "data",
    "rows", "items", "facts", "answer"); `open_question` is true when content must come from a model."""

    kind: Kind
    title: str | None = None
    chart: ChartKind | None = None
    fields: tuple[FormField, ...] = ()
    data: Data | None = None
    missing: tuple[str, ...] = ()
    prompt: str = field(default="", repr=False)

    @property
    def open_question(self) -> bool:
        return any(m != "kind" for m in self.missing) or (self.kind == "text" and self.data is None)


# ---- the kind of UI

_FORM = re.compile(r"\bforms?\b|\bfields?\b|\bsurvey\b|\bquestionnaire\b", re.IGNORECASE)
# Words that ask for a form only when no other kind of UI is named ("a table of application users").
_FORM_WEAK = re.compile(
    r"\b(?:sign[- ]?up|registration|register|rsvp|log[- ]?in|sign[- ]?in|checkout|application|intake)\b", re.I
)
_CHART = re.compile(
    r"\b(?:chart|graph|plot|visuali[sz]e|visuali[sz]ation|diagram|histogram|pie|donut|doughnut|trend)\b",
    re.IGNORECASE,
)
_TABLE = re.compile(r"\b(?:table|tabulate|spreadsheet|columns?|compare|comparison|versus|vs\.?)\b", re.I)
_LIST = re.compile(
    r"\b(?:list|bullets?|bullet points|checklist|to-?do|steps|top\s+(?:\d+|three|five|ten)|ranking|"
    r"largest|biggest|smallest|best|worst|most|highest|lowest|longest|tallest|oldest|ideas|examples|tips)\b|"
    r"^(?:the\s+)?(?:\d+|two|three|four|five|six|seven|eight|nine|ten)\s+[a-z]|^(?:name|enumerate)\s+\w",
    re.IGNORECASE,
)
# "forms" as a verb ("how a rainbow forms") or a sort ("forms of energy") asks for no form.
_FORM_NOT_ASKED = re.compile(r"\bhow\b[^.?!]*\bforms\b|\bforms\s+of\b", re.IGNORECASE)
_SUMMARY = re.compile(
    r"\b(?:summar(?:y|ize|ise)|overview|profile|card|facts?|key\s+points|at\s+a\s+glance|fact\s*sheet|stats|"
    r"details\s+of|info(?:rmation)?\s+(?:about|on))\b",
    re.IGNORECASE,
)
_SUMMARIZE = re.compile(r"\bsummar(?:y|ize|ise)\b", re.IGNORECASE)
_ORDERED = re.compile(r"\b(?:numbered|ordered|ranked|ranking|top\s+\w+|steps|step-by-step)\b", re.IGNORECASE)
_CHART_KINDS: tuple[tuple[ChartKind, re.Pattern[str]], ...] = (
    ("donut", re.compile(r"\b(?:donut|doughnut)\b", re.I)),
    ("pie", re.compile(r"\bpie\b", re.I)),
    ("area", re.compile(r"\barea\s+(?:chart|graph)\b", re.I)),
    ("line", re.compile(r"\bline\s+(?:chart|graph)\b|\btrend\b|\bover\s+time\b|\btime\s*series\b", re.I)),
    ("bar", re.compile(r"\b(?:bar|column)\s+(?:chart|graph)s?\b|\bhistogram\b|\bbars\b", re.I)),
)


def _asked_kind(lead: str) -> Kind | None:
    if _FORM.search(_FORM_NOT_ASKED.sub(" ", lead)):
        return "form"
    for kind, pattern in (("chart", _CHART), ("table", _TABLE), ("list", _LIST), ("summary", _SUMMARY)):
        if pattern.search(lead):
            return kind  # type: ignore[return-value]
    return "form" if _FORM_WEAK.search(lead) else None


def _chart_kind(text: str) -> ChartKind | None:
    return next((kind for kind, pattern in _CHART_KINDS if pattern.search(text)), None)


# ---- lead and data


_BARE_NUMBER = re.compile(r"^[-+$€£¥₹]?\d[\d,.]*\s*(?:[,;]|$)")


_DASH = re.compile(r"\s[-–—]\s")


def _lead_in(line: str) -> tuple[int, int] | None:
    """Where the request's words end at a colon, as (start, end) of the separator: the first colon with words
    before it (two or more, a kind of UI, a line that is no `key: value`, or data ending in the kind of UI
    asked for: "Fruits: apple, pear as a list") and data after it that does not start with a bare number
    ("Monthly rent: 1200, food: 400" has no lead-in; "Revenue by quarter: Q1 120" has). A dash before that
    colon ends the words instead when facts follow it ("Profile - Name: Ann; Age: 34")."""
    for m in re.finditer(":", line):
        before, after = line[: m.start()].strip(), line[m.end() :].strip()
        if not before or not after:
            continue
        dashes = list(_DASH.finditer(line, 0, m.start()))
        facts_after = dashes and line.count(":", dashes[-1].end()) >= 2  # facts, not one "sales: ..." lead
        if facts_after and line[: dashes[-1].start()].strip() and key_value(line[dashes[-1].end() :]):
            return dashes[-1].start(), dashes[-1].end()
        if _BARE_NUMBER.match(after):
            if len(before.split()) < 2:
                return None  # "Q1: 120, ...": a key and its value
            continue
        if (
            len(before.split()) >= 2
            or _asked_kind(before)
            or key_value(line) is None
            or KIND_TAIL.search(after)
        ):
            return m.start(), m.end()
        return None
    return None


def _split(prompt: str) -> tuple[str, str, bool]:
    """(lead, body, colon): the request's own words and the data after them; `colon` when the words end at a
    colon or a line break. Without either, the body is the whole request (data may run into the words)."""
    first, _, rest = prompt.strip().partition("\n")
    colon = _lead_in(first)
    if colon is not None:
        return first[: colon[0]].strip(), f"{first[colon[1] :].strip()}\n{rest}".strip(), True
    if rest.strip() and not LIST_BULLET.match(first) and key_value(first) is None:
        return first.strip(), rest.strip(), True
    return first.strip() if not rest.strip() else "", prompt.strip(), False


def given_text(prompt: str) -> str:
    """What a request gives after its own words end at a colon or a line break ("Summarize: <text>"); "" when
    its words do not end there."""
    _, body, colon = _split(prompt)
    return body if colon else ""


_SEGMENT_SPLIT = re.compile(r"\s*(?:;|\n|,(?!\d{3}\b)|\s(?:and|&|or)\s)\s*")


def _segments(text: str) -> list[str]:
    return [s.strip(" .") for s in _SEGMENT_SPLIT.split(text) if s and s.strip(" .")]


_LEAD_END = re.compile(
    r".*(?:\b(?:chart|graph|plot|table|list|of|for|by|with|showing|about|on|from)\b|:)\s+", re.I
)


def _first_label(label: str, width: int) -> tuple[str, str]:
    """(request words, label) of the first labelled number when the request runs into the data: the label
    starts after the last "chart"/"of"/"by"/... and keeps at most as many words as the widest other label."""
    m = _LEAD_END.match(label)
    if m is None:
        return "", label
    lead, rest = label[: m.end()], label[m.end() :].split()
    keep = max(len(rest) - width, 0)
    return f"{lead}{' '.join(rest[:keep])}".strip(), " ".join(rest[keep:])


def _inline_data(body: str, colon: bool) -> tuple[Data | None, str]:
    """Data written inline: labelled numbers ("rent 1200, food 400"), `key: value` facts, or a list; and the
    request's words before it when they run into the data with no colon ("Chart of sales North 120, ...")."""
    if not colon:
        body = KIND_TAIL.sub("", body)
        if not re.search(r"[,;]", body):  # "iPhone 15 and Pixel 8" is a name, not data: ask for a real list
            return None, body
    segments = _segments(body)
    if colon and len(segments) >= 2:  # "...: Q1 120, Q2 150 as a bar chart": the kind asked for ends the data
        segments[-1] = KIND_TAIL.sub("", segments[-1]) or segments[-1]
    if len(segments) >= 2:
        numbers = [labelled_number(s) for s in segments]
        found = [n for n in numbers if n is not None]
        if len(found) == len(segments):
            lead = ""
            if not colon:
                lead, label = _first_label(found[0][0], max(len(label.split()) for label, _ in found[1:]))
                found[0] = (label, found[0][1])
            return pairs_as_records(found), lead
        pairs = [key_value(s) for s in segments]
        facts = [p for p in pairs if p is not None]
        if len(facts) == len(segments):
            return Facts(tuple(facts)), ""
        if colon and all(len(s) <= 80 for s in segments):
            return Items(tuple(plain(s) for s in segments)), ""
    if colon and body.strip():
        return Markdown(body.strip()), ""
    return None, body


def _repeated_keys_as_records(facts: list[tuple[str, str]]) -> Records | None:
    """Facts whose keys repeat in one order as records: "Name: Ann, Age: 30; Name: Bob, Age: 25" is two rows
    under Name and Age; None when the keys do not cycle (two or more keys, two or more rows)."""
    keys = [key for key, _ in facts]
    width = keys.index(keys[0], 1) if keys and keys.count(keys[0]) > 1 else 0
    if width < 2 or len(facts) % width or any(keys[i] != keys[i % width] for i in range(len(keys))):
        return None
    values = [value for _, value in facts]
    rows = tuple(tuple(values[i : i + width]) for i in range(0, len(values), width))
    return Records(tuple(keys[:width]), rows)


def _data_of(body: str, colon: bool) -> tuple[Data | None, str, Markdown | None]:
    """The first table, list or facts block of the body, else its inline data; the lead left before inline
    data; and the body as a document when it holds more than one block (headings, prose and data)."""
    if not body.strip():
        return None, "", None
    blocks = read_blocks(body) if ("\n" in body or body.lstrip()[:1] in "[{|") else []
    document = Markdown(body.strip()) if len(blocks) > 1 else None
    for block in blocks:
        if isinstance(block, Records | Items | Facts):
            return block, "", document
    data, rest = _inline_data(body, colon or "\n" in body)
    return data, rest, document


# "A table with columns Name, Age: Ann 30, Bob 25": the columns a request names head data that has none.
_COLUMNS = re.compile(r"[\s,]+(?:(?:with|having|and)\s+)?(?:the\s+)?columns?\s*:?\s+(?P<names>\S.*)$", re.I)


def _named_columns(lead: str, data: Data | None) -> tuple[str, Data | None]:
    """The lead without its "with columns ..." clause and the data under those names, when there are as many
    names as columns and the data names none; else both as they are."""
    named = _COLUMNS.search(lead)
    if named is None or not isinstance(data, Records) or any(data.header):
        return lead, data
    names = tuple(plain(name) for name in _segments(named.group("names")))
    if len(names) != len(data.header):
        return lead, data
    return lead[: named.start()], Records(names, data.rows)


# ---- understand


def _chartable(data: Data | None) -> Records | None:
    """The data as records with a numeric series, when it has one."""
    records: Records | None = None
    if isinstance(data, Records):
        records = data
    elif isinstance(data, Facts):
        records = _facts_records(data)
    elif isinstance(data, Items):
        numbers = [labelled_number(item) for item in data.items]
        found = [n for n in numbers if n is not None]
        records = pairs_as_records(found) if found and len(found) == len(numbers) else None
    return records if records is not None and build.series_of(records) is not None else None


def _facts_records(facts: Facts) -> Records:
    """Facts as records: rows under their keys when the keys repeat, else a row per fact."""
    pairs = list(facts.pairs)
    return _repeated_keys_as_records(pairs) or pairs_as_records(pairs)


def _as_records(data: Data | None) -> Records | None:
    if isinstance(data, Records):
        return data
    if isinstance(data, Facts):
        return _facts_records(data)
    if isinstance(data, Items):
        numbers = [labelled_number(item) for item in data.items]
        if all(n is not None for n in numbers):
            return pairs_as_records([n for n in numbers if n is not None])
        return Records(("",), tuple((item,) for item in data.items))
    return None


def _as_items(data: Data | None) -> Items | None:
    if isinstance(data, Items):
        return data
    if isinstance(data, Records):
        return Items(tuple(", ".join(cell for cell in row if cell) for row in data.rows))
    if isinstance(data, Facts):
        return Items(tuple(f"{k}: {v}" for k, v in data.pairs))
    return None


def _as_facts(data: Data | None) -> Facts | None:
    if isinstance(data, Facts):
        return data
    if isinstance(data, Records) and len(data.header) == 2:
        return Facts(tuple((row[0], row[1]) for row in data.rows if len(row) >= 2))
    return None


def understand(prompt: str, history: Sequence[str] = ()) -> Ask:
    """Read a request (and earlier turns or tool results, oldest first) into an `Ask`, by rules only."""
    text = prompt.strip()
    lead, body, colon = _split(text)
    kind = _asked_kind(lead or text)
    missing: list[str] = []
    if kind == "form":
        title, fields = form_fields(lead or text, body if colon else "")
        return Ask("form", title, fields=fields, missing=() if fields else ("fields",), prompt=prompt)
    data, rest, document = _data_of(body, colon)
    if not colon:
        lead = rest if data is not None else text
    elif kind is None and isinstance(data, Records | Items | Facts):
        asked = KIND_TAIL.search(body)  # "Revenue by quarter: Q1 120, Q2 150 as a table"
        kind = _asked_kind(asked.group()) if asked is not None else None
    if kind is None and document is not None:
        kind, data = "text", document  # a document to present: headings, prose and data together
    if data is None:
        for earlier in reversed(history):  # "show that as a chart": the data of the latest turn that has some
            data, _, _ = _data_of(earlier, True)
            if data is not None and not isinstance(data, Markdown):
                break
            data = None
    lead, data = _named_columns(lead, data)
    title = title_of(lead) if lead else None
    if kind == "summary" and isinstance(data, Markdown) and not _SUMMARIZE.search(lead):
        kind = "text"  # "format this as a card: <text>": present the text; only a summary needs a model
    if kind is None:
        kind = (
            "chart" if _chartable(data) is not None
            else "table" if isinstance(data, Records)
            else "table" if isinstance(data, Facts) and _repeated_keys_as_records(list(data.pairs))
            else "summary" if isinstance(data, Facts)
            else "list" if isinstance(data, Items)
            else "text"
        )  # fmt: skip
        if data is None:
            missing.append("kind")
    chart = _chart_kind(text) if kind == "chart" else None
    shaped: Data | None
    if kind == "chart":
        shaped, need = _chartable(data), "data"
    elif kind == "table":
        shaped, need = _as_records(data), "rows"
    elif kind == "list":
        shaped, need = _as_items(data), "items"
        if shaped is not None and _ORDERED.search(lead or text):
            shaped = Items(shaped.items, ordered=True)
    elif kind == "summary":
        shaped, need = _as_facts(data), "facts"
    else:
        shaped, need = (data if isinstance(data, Markdown) else None), "answer"
        if shaped is None and data is not None and not isinstance(data, Markdown) and "\n" in body:
            shaped = Markdown(body)
    if shaped is None:
        missing.append(need)
    return Ask(kind, title, chart=chart, data=shaped, missing=tuple(missing), prompt=prompt)


# ---- compose


def compose(ask: Ask) -> Node | None:
    """The UI for an ask whose content the request gave (a Card tree), or None when a model must write it."""
    if ask.open_question:
        return None
    nodes: list[Node] = [build.header(ask.title)] if ask.title else []
    data = ask.data
    made: list[Node | None]
    if ask.kind == "form":
        made = [form_node(ask.title, ask.fields)]
    elif ask.kind == "chart" and isinstance(data, Records):
        made = list(build.records_nodes(data, hint=ask.prompt, asked=ask.chart, series_name=ask.title or ""))
    elif ask.kind == "table" and isinstance(data, Records):
        made = list(build.records_nodes(data, chart=False))
    elif ask.kind == "list" and isinstance(data, Items):
        made = [build.list_node(data)]
    elif ask.kind == "summary" and isinstance(data, Facts):
        made = [build.facts_node(data)]
    elif isinstance(data, Markdown):
        made = list(blocks_to_nodes(read_blocks(data.text)))
        if nodes and made and made[0] is not None and made[0]["component"] == "Header":
            made[0] = build.inline_header(made[0]["props"]["title"])
    else:
        return None
    nodes.extend(n for n in made if n is not None)
    return build.card(nodes) if len(nodes) > (1 if ask.title else 0) else None
