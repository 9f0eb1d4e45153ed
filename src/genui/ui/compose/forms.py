"""Forms from a request: fields and their kinds read from the request's words, and the Form node for them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from . import build
from .build import Node
from .text import LIST_BULLET, capitalized, clip, plain, slug
from .title import title_of

FieldKind = Literal[
    "name",
    "text",
    "email",
    "phone",
    "password",
    "url",
    "date",
    "time",
    "number",
    "long_text",
    "checkbox",
    "choice",
]

# The one place for words of ours that reach a UI: the label of a composed form's submit button.
STRUCTURAL_WORDS: tuple[str, ...] = ("Submit",)
SUBMIT = STRUCTURAL_WORDS[0]


@dataclass(frozen=True)
class FormField:
    label: str
    kind: FieldKind
    options: tuple[str, ...] = ()
    bounds: tuple[float, float] | None = None  # "rating (1-5)"


_FIELD_LEAD = re.compile(
    r"\s(?:with|including|includes|asking\s+for|that\s+asks\s+for|asking|collecting|containing|having|"
    r"that\s+has|which\s+has|fields?|for\s+(?:the\s+|their\s+|my\s+)?(?=\w+(?:,|\s+and\s)))\s+",
    re.IGNORECASE,
)
_FIELD_NOISE = re.compile(
    r"^(?:(?:a|an|the|their|your|his|her|my|optional|required|mandatory)\s+)+|"
    r"^(?:(?:a|an)\s+)?(?:field|input|box|text\s*box|entry|question)\s+(?:for|to|with)\s+(?:the\s+)?|"
    r"\s+(?:field|input|box)$",
    re.IGNORECASE,
)
_CHECKBOX = re.compile(
    r"^(?:(?:a|an)\s+)?(?:check\s*box|tick\s*box|toggle|switch)\s*(?:(?:to|for)\s+)?|"
    r"\s+(?:check\s*box|tick\s*box|toggle|switch)$",
    re.IGNORECASE,
)
_CHOICE_LEAD = re.compile(
    r"^(?:(?:a|an)\s+)?(?:choice|dropdown|drop-down|select(?:ion)?|pick|option)\s+(?:of|for|between|from)\s+",
    re.IGNORECASE,
)
_RANGE = re.compile(r"^(?P<lo>-?\d+(?:\.\d+)?)\s*(?:-|–|to)\s*(?P<hi>-?\d+(?:\.\d+)?)$")
_FIELD_WORDS: tuple[tuple[FieldKind, str], ...] = (
    ("email", r"e-?mail"),
    ("password", r"\bpass(?:word|code|phrase)\b|\bpin\b"),
    ("phone", r"\b(?:phone|mobile|telephone|tel|cell)\b"),
    ("url", r"\b(?:website|url|link|homepage|portfolio|linkedin|github)\b"),
    (
        "checkbox",
        r"\b(?:agree|accept|consent|subscribe|newsletter|opt[- ]?in|terms|remember\s+me|confirm)\b",
    ),
    (
        "date",
        r"\b(?:date|birthday|birth\s*day|dob|deadline|check[- ]?in|check[- ]?out|arrival|departure)\b",
    ),
    ("time", r"\b(?:time|hour)\b"),
    (
        "long_text",
        r"\b(?:message|comments?|description|feedback|notes?|bio|details|reason|question|"
        r"cover\s+letter|summary|about\s+(?:you|yourself)|story|review|requests?|restrictions)\b",
    ),
    (
        "number",
        r"\b(?:number\s+of|how\s+many|count|quantity|qty|age|guests|people|persons|participants|"
        r"amount|price|budget|salary|income|weight|height|rating|score|number|years|nights|rooms|size)\b",
    ),
    ("name", r"\bname\b|\busername\b"),
)
_KINDS = tuple((kind, re.compile(pattern, re.IGNORECASE)) for kind, pattern in _FIELD_WORDS)


def _outside_parens(text: str, separators: re.Pattern[str]) -> list[str]:
    """`text` split where `separators` match outside parentheses."""
    parts: list[str] = []
    depth, start = 0, 0
    for m in re.finditer(rf"[()]|{separators.pattern}", text, separators.flags):
        if m.group(0) == "(":
            depth += 1
        elif m.group(0) == ")":
            depth = max(depth - 1, 0)
        elif depth == 0:
            parts.append(text[start : m.start()])
            start = m.end()
    parts.append(text[start:])
    return parts


_LIST_SEPARATOR = re.compile(r"[,;\n]")
_AND = re.compile(r"\s+(?:and|&)\s+", re.IGNORECASE)


def _words(text: str) -> int:
    return len(re.sub(r"\([^()]*\)", "", text).split())


def _top_level_split(text: str) -> list[str]:
    """Split on commas, semicolons, newlines and bullets outside parentheses, and on "and" between short
    parts ("name and phone") or before a new article ("email and a checkbox to ...")."""
    out: list[str] = []
    for part in _outside_parens(text, _LIST_SEPARATOR):
        part = LIST_BULLET.sub("", part).strip(" .")
        part = re.sub(r"^(?:and|&)\s+", "", part, flags=re.IGNORECASE)
        halves = [h.strip() for h in _outside_parens(part, _AND)]
        if len(halves) > 1 and all(
            0 < _words(h) <= 3 or (i > 0 and re.match(r"(?:a|an)\s", h, re.IGNORECASE))
            for i, h in enumerate(halves)
        ):
            out.extend(halves)
        elif part:
            out.append(part)
    return [p for p in out if p]


def _field(piece: str) -> FormField | None:
    text = plain(piece).strip(" .:")
    options: tuple[str, ...] = ()
    bounds: tuple[float, float] | None = None
    checkbox = _CHECKBOX.search(text) is not None
    text = _CHECKBOX.sub("", text).strip()
    paren = re.match(r"^(?P<label>[^()]+?)\s*\((?P<inner>[^()]*)\)\s*$", text)
    colon = re.match(r"^(?P<label>[^:]+?)\s*:\s*(?P<inner>.+)$", text)
    chosen = paren or colon
    if chosen is not None:
        inner = chosen.group("inner").strip()
        span = _RANGE.match(inner)
        if span is not None:
            bounds = (float(span.group("lo")), float(span.group("hi")))
            text = chosen.group("label")
        else:
            choices = [c.strip(" .") for c in re.split(r"\s*(?:,|/|\||\bor\b)\s*", inner) if c.strip(" .")]
            if len(choices) >= 2:
                options, text = tuple(choices), chosen.group("label")
    else:
        lead = _CHOICE_LEAD.match(text)
        if lead is not None:
            choices = [
                c.strip(" .") for c in re.split(r"\s*(?:,|/|\||\bor\b)\s*", text[lead.end() :]) if c.strip()
            ]
            if len(choices) >= 2:
                options, text = tuple(choices), ""
    label = _FIELD_NOISE.sub("", text).strip() or (text if text else "")
    if not label and not options:
        return None
    label = capitalized(clip(label or options[0], 120))
    kind: FieldKind
    if options:
        kind = "choice"
    elif checkbox:
        kind = "checkbox"
    elif bounds is not None:
        kind = "number"
    else:
        kind = next((k for k, pattern in _KINDS if pattern.search(label)), "text")
    return FormField(label, kind, options, bounds)


def form_fields(lead: str, body: str) -> tuple[str | None, tuple[FormField, ...]]:
    """(title, fields): fields from the text after a colon, a "with ..." clause, bullet lines or a
    parenthesised list; the title from the words before them."""
    source, title_part = "", lead
    if body:
        source = body
        m = _FIELD_LEAD.search(f"{lead} ")
        title_part = lead[: m.start()] if m is not None else lead
    else:
        m = _FIELD_LEAD.search(lead)
        paren = re.search(r"\((?P<inner>[^()]*[,&][^()]*|[^()]*\band\b[^()]*)\)\s*\.?$", lead)
        if m is not None:
            source, title_part = lead[m.end() :], lead[: m.start()]
        elif paren is not None:
            source, title_part = paren.group("inner"), lead[: paren.start()]
    fields: list[FormField] = []
    seen: set[str] = set()
    for piece in _top_level_split(source):
        found = _field(piece)
        if found is not None and found.label.lower() not in seen:
            seen.add(found.label.lower())
            fields.append(found)
    return title_of(title_part), tuple(fields[: build.LIMITS.max_children])


def _control(item: FormField, name: str) -> Node:
    node = build.node
    if item.kind == "date":
        return node("DatePicker", name=name, mode="single")
    if item.kind == "long_text":
        return node("TextArea", name=name)
    if item.kind == "checkbox":
        return node("CheckBoxGroup", name=name, children=[node("CheckBoxItem", label=item.label, name=name)])
    if item.kind == "choice":
        values: set[str] = set()
        if len(item.options) <= 4:
            radios = [node("RadioItem", label=o, value=slug(o, values)) for o in item.options]
            return node("RadioGroup", name=name, children=radios)
        options = [node("SelectItem", value=slug(o, values), children=o) for o in item.options]
        return node("Select", name=name, children=options)
    types = {"email": "email", "phone": "tel", "password": "password", "url": "url", "time": "time"}
    props: dict[str, object] = {"name": name, "type": types.get(item.kind, "text")}
    if item.kind == "number":
        props["type"] = "number"
        if item.bounds is not None:
            props["rules"] = {"min": item.bounds[0], "max": item.bounds[1]}
    return node("Input", **props)


def form_node(title: str | None, fields: Sequence[FormField]) -> Node:
    taken: set[str] = set()
    children = [{"label": f.label, "children": _control(f, slug(f.label, taken))} for f in fields]
    submit = build.node(
        "Button", children=SUBMIT, name="submit", variant="primary", action={"type": "continue_conversation"}
    )
    return build.node(
        "Form",
        name=slug(title or "form"),
        children=children,
        buttons=build.node("ButtonGroup", children=[submit]),
    )


# Fields for a form whose request names none ("A login form"): the offline stand-in for what a model would
# choose (SmolLM2-135M, asked to pick fields from a list under a grammar, picked "Age" five times). First
# match wins, so the narrower words come first; these labels are the only words of ours in such a form.
_SUGGESTED: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = tuple(
    (re.compile(words, re.IGNORECASE), fields)
    for words, fields in (
        (r"\b(?:log[- ]?in|sign[- ]?in)\b", ("Email", "Password")),
        (r"\b(?:newsletter|subscri(?:be|ption)|mailing list|waitlist)\b", ("Name", "Email")),
        (r"\b(?:job|apply|applicants?|candidates?|careers?)\b", ("Name", "Email", "Phone", "Cover letter")),
        (r"\b(?:sign[- ]?up|create\s+(?:an\s+)?account|new\s+account)\b", ("Name", "Email", "Password")),
        (
            r"\b(?:rsvp|invitations?|attend(?:ance|ing)?)\b",
            ("Name", "Attending (yes/no)", "Number of guests"),
        ),
        (
            r"\b(?:book(?:ing)?|reserv(?:e|ation)|appointments?|schedul(?:e|ing))\b",
            ("Name", "Email", "Date", "Time"),
        ),
        (r"\b(?:regist(?:er|ration)|enrol(?:l|ment)?|events?|conference)\b", ("Name", "Email", "Phone")),
        (
            r"\b(?:feedback|reviews?|rating|rate|surveys?|questionnaire|polls?)\b",
            ("Rating (1-5)", "Comments"),
        ),
        (r"\b(?:support|bugs?|issues?|tickets?|complaints?|report)\b", ("Email", "Subject", "Description")),
        (
            r"\b(?:checkout|shipping|delivery|address|orders?)\b",
            ("Name", "Address", "City", "Postal code", "Country"),
        ),
        (r"\b(?:contact|get in touch|enquiry|inquiry|message|form)\b", ("Name", "Email", "Message")),
    )
)


def suggested_fields(request: str) -> tuple[FormField, ...]:
    """Common fields for the kind of form the request names (a contact form's name, email and message); a
    request naming no known kind gets those of a contact form."""
    specs = next((fields for words, fields in _SUGGESTED if words.search(request)), _SUGGESTED[-1][1])
    return tuple(f for f in (_field(spec) for spec in specs) if f is not None)
