"""C1 Response writer and reader (c1-wire-format.md §2-§5).

Hand-rolled scanner instead of an XML/HTML parser: the format is a flat sequence of a few known elements
with fully escaped bodies, and the reader must survive truncated or garbage input without raising.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

_ENTITY = re.compile(r"&(amp|lt|gt|quot|apos|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_ESCAPED = re.compile("[&<>\"']")
CONTENT_OPEN_V1 = '<content thesys="true">'
CONTENT_CLOSE = "</content>"
ELEMENTS = ("content", "thinkitem", "custommarkdown", "artifact_diff", "artifact", "context")
_OPEN = re.compile(r"<(" + "|".join(ELEMENTS) + r")((?:\s[^<>]*)?)>")
_ATTR = re.compile(r"""([A-Za-z_:][-\w:.]*)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
# The end of a streamed prefix cut inside an entity, or inside a tag still being written.
_CUT_ENTITY = re.compile(r"&#?[A-Za-z0-9]{0,10}\Z")
_CUT_TAG = re.compile(r"<[^<>]*\Z")
_CLICK = re.compile(r"^User clicked on ([A-Za-z][\w-]*):\s?(.*)$", re.DOTALL)
_CLICK_V2 = re.compile(r"^User clicked:\s?(.*)$", re.DOTALL)  # C1 v2 / OpenUI (openui-lang.md §1.2)
# A content element of version 1 (no version, or version 1) in a C1 message.
_V1_CONTENT = re.compile(r"""<content\b(?![^<>]*\bversion\s*=\s*["']?(?!1\b)\d)[^<>]*\bthesys\b""")
_ENVELOPE_MARKER = "]]>openui:"


def escape(text: str) -> str:
    """Escape text for a C1 element body or attribute: & < > \" ' as &amp; &lt; &gt; &quot; &#39;."""
    if _ESCAPED.search(text) is None:
        return text  # the common streamed delta: nothing to escape (a C-speed scan)
    # chained str.replace runs in C and beats str.translate with a dict by ~20x; "&" must go first
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )


def _entity(match: re.Match[str]) -> str:
    name = match.group(1)
    if name[0] != "#":
        return _NAMED[name]
    code = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
    if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF:
        return chr(code)
    return match.group(0)


def unescape(text: str) -> str:
    """Inverse of escape; also decodes &#x27;, &apos; and numeric entities (other named ones stay)."""
    if "&" not in text:
        return text
    # Fast path in C for the entities escape() writes; the regex handles any other numeric entity.
    partial = (
        text.replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&#39;", "'")
        .replace("&#x27;", "'").replace("&apos;", "'")
    )  # fmt: skip
    if "&#" in partial:
        return _ENTITY.sub(_entity, text)
    return partial.replace("&amp;", "&")


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# ---- writer ------


class ContentVersion(IntEnum):
    """`<content version=...>`: 1 = JSON component tree (absent attribute), 2 = OpenUI Lang text."""

    V1 = 1
    V2 = 2


def envelope(tree: dict[str, Any], error: str | None = None) -> dict[str, Any]:
    """The v1 envelope around a Card node (an envelope passes through)."""
    if isinstance(tree.get("component"), dict):
        return tree
    return {"component": tree, "error": error}


def write_content(tree: dict[str, Any], error: str | None = None) -> str:
    """`<content thesys="true">` + the escaped v1 JSON envelope of a Card node."""
    return CONTENT_OPEN_V1 + escape(_dumps(envelope(tree, error))) + CONTENT_CLOSE


def write_content_v2(openui_lang: str) -> str:
    """`<content thesys="true" version="2">` + escaped OpenUI Lang program."""
    return f'<content thesys="true" version="2">{escape(openui_lang)}</content>'


CONTENT_WRITERS: dict[ContentVersion, Callable[[Any], str]] = {
    ContentVersion.V1: write_content,
    ContentVersion.V2: write_content_v2,
}


def write_thinkitem(title: str, content: str, ephemeral: bool = False) -> str:
    opening = '<thinkitem ephemeral="true">' if ephemeral else "<thinkitem>"
    return (
        f"{opening}<thinkitemtitle>{escape(title)}</thinkitemtitle>"
        f"<thinkitemcontent>{escape(content)}</thinkitemcontent></thinkitem>"
    )


def write_custommarkdown(markdown: str) -> str:
    return f"<custommarkdown>{escape(markdown)}</custommarkdown>"


def write_artifact(tree: dict[str, Any], type: str, id: str, version: int | str = 1) -> str:
    attrs = f'type="{escape(type)}" id="{escape(id)}" version="{escape(str(version))}"'
    return f"<artifact {attrs}>{escape(_dumps(tree))}</artifact>"


def write_artifact_diff(edits: list[dict[str, Any]]) -> str:
    return f"<artifact_diff>{escape(_dumps(edits))}</artifact_diff>"


def write_context(items: list[Any]) -> str:
    return f"<context>{escape(_dumps(items))}</context>"


# ---- reader ------


@dataclass
class C1Part:
    """One element (or a run of text outside elements: kind "text")."""

    kind: str
    attrs: dict[str, str]
    body: str  # unescaped body; for thinkitem the unescaped title and content are in `data`
    data: Any = None  # parsed JSON (content v1, artifact, artifact_diff, context) or {"title","content"}
    complete: bool = True  # False when the closing tag is missing (a truncated stream)
    start: int = 0
    end: int = 0


@dataclass
class C1Message:
    text: str
    parts: list[C1Part] = field(default_factory=list)
    content: dict[str, Any] | None = None  # the parsed v1 envelope, if any
    context: Any = None  # the parsed trailing <context> list, if any

    @property
    def content_text(self) -> str | None:
        """Body of the first content element (any version), unescaped."""
        for part in self.parts:
            if part.kind == "content":
                return part.body
        return None

    @property
    def think_items(self) -> list[C1Part]:
        return [p for p in self.parts if p.kind == "thinkitem"]


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def _inner(body: str, name: str, cut: bool) -> str:
    """The unescaped text of a think item's title or content; `cut`: the think item is cut off."""
    match = re.search(rf"<{name}>(.*?)(</{name}>|$)", body, re.DOTALL)
    if match is None:
        return ""
    text = match.group(1) if match.group(2) or not cut else _CUT_TAG.sub("", match.group(1))
    return _decode(text, cut)


def _decode(raw: str, cut: bool) -> str:
    """Unescape an element body; one cut off by a streamed prefix loses an entity cut in half."""
    return unescape(_CUT_ENTITY.sub("", raw) if cut else raw)


def _cut_close(body: str, kind: str) -> str:
    """A body cut off by a streamed prefix without the start of its closing tag (`</cont`)."""
    close = f"</{kind}>"
    for size in range(min(len(close) - 1, len(body)), 0, -1):
        if body.endswith(close[:size]):
            return body[:-size]
    return body


def _as_envelope(value: Any) -> dict[str, Any] | None:
    if isinstance(value, dict) and isinstance(value.get("component"), dict):
        return value
    if isinstance(value, dict) and value.get("component") == "Card":
        return {"component": value, "error": None}
    return None


def parse_c1(text: str, *, partial: bool = False) -> C1Message:
    """Parse any C1 Response / C1 history message into parts. Never raises; unknown markup is kept as text.

    `partial`: the text is a streamed prefix and may stop anywhere: in a tag being written (dropped), in the
    closing tag of the last element (dropped), in an entity (dropped); its unfinished last element is read as
    far as it goes (complete=False, its JSON left unparsed: see client.client_tree)."""
    message = C1Message(text=text if isinstance(text, str) else "")
    source = message.text
    pos = 0
    while pos < len(source):
        match = _OPEN.search(source, pos)
        if match is None:
            tail = source[pos:]
            _add_text(message, _CUT_TAG.sub("", tail) if partial else tail, pos, len(source))
            break
        if match.start() > pos:
            _add_text(message, source[pos : match.start()], pos, match.start())
        kind = match.group(1)
        attrs = {k: unescape(v or w) for k, v, w in _ATTR.findall(match.group(2) or "")}
        close = source.find(f"</{kind}>", match.end())
        complete = close >= 0
        raw_body = source[match.end() : close] if complete else source[match.end() :]
        end = close + len(kind) + 3 if complete else len(source)
        cut = partial and not complete
        if cut:
            raw_body = _cut_close(raw_body, kind)
        part = C1Part(kind, attrs, "", complete=complete, start=match.start(), end=end)
        if kind == "thinkitem":
            title, content = (
                _inner(raw_body, "thinkitemtitle", cut),
                _inner(raw_body, "thinkitemcontent", cut),
            )
            part.body = title if not content else f"{title}\n{content}" if title else content
            part.data = {"title": title, "content": content}
        else:
            part.body = _decode(raw_body, cut)
            is_json = kind == "context" or kind.startswith("artifact")
            if not cut and (is_json or (kind == "content" and attrs.get("version", "1") == "1")):
                part.data = _loads(part.body)
        message.parts.append(part)
        if kind == "content" and message.content is None:
            message.content = _as_envelope(part.data)
        elif kind == "context":
            message.context = part.data
        pos = end
    return message


def _add_text(message: C1Message, chunk: str, start: int, end: int) -> None:
    if not chunk.strip():
        return
    part = C1Part("text", {}, chunk, start=start, end=end)
    stripped = chunk.strip()
    if stripped.startswith("{"):
        part.data = _loads(stripped)
        if message.content is None:
            message.content = _as_envelope(part.data)
    message.parts.append(part)


def strip_ephemeral(c1_text: str) -> str:
    """The text to store: ephemeral think items removed, everything else byte-for-byte."""
    message = parse_c1(c1_text)
    out, pos = [], 0
    for part in message.parts:
        if part.kind == "thinkitem" and part.attrs.get("ephemeral") == "true":
            out.append(c1_text[pos : part.start])
            pos = part.end
    out.append(c1_text[pos:])
    return "".join(out)


# ---- history for a model ------


def _value_text(value: Any) -> str:
    if isinstance(value, dict) and "value" in value:
        value = value["value"]
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "[" + ", ".join(value) + "]"
    return _dumps(value)


def _form_values(state: Any) -> list[tuple[str, str]]:
    """[(form name, "field=value, ...")] from the context's state object(s)."""
    forms: list[tuple[str, str]] = []
    items = state if isinstance(state, list) else [state]
    for item in items:
        if not isinstance(item, dict):
            continue
        for form_name, fields in item.items():
            if isinstance(fields, dict) and fields:
                pairs = ", ".join(f"{name}={_value_text(v)}" for name, v in fields.items())
                forms.append((str(form_name), pairs))
    return forms


def has_v1_content(text: str) -> bool:
    """Whether a C1 message holds a version 1 content element (a thread begun in v1)."""
    return "<content" in text and _V1_CONTENT.search(text) is not None


def _v2_click(label: str, context: list[Any]) -> str | None:
    """A C1 v2 / OpenUI click (`["User clicked: LABEL", formState?, context?]`) as a sentence."""
    click = _CLICK_V2.match(context[0].strip())
    if click is None:
        return None
    target = click.group(1).strip()
    sentence = f"The user clicked {label or target}"
    forms = _form_values(context[1]) if len(context) > 1 else []
    if forms:
        sentence += " " + "; ".join(f"on form {name} with {pairs}" for name, pairs in forms)
    if len(context) > 2 and context[2] not in (None, "", [], {}):
        extra = context[2] if isinstance(context[2], str) else _dumps(context[2])
        sentence += f" (context: {extra})"
    return sentence + "."


def describe_action(content: str | None, context: Any) -> str:
    """A user action message (content + context) as one readable sentence."""
    label = (content or "").strip()
    if isinstance(context, list) and context and isinstance(context[0], str):
        v2 = _v2_click(label, context)
        if v2 is not None:
            return v2
        click = _CLICK.match(context[0].strip())
        state = context[1] if len(context) > 1 else None
        if click is not None:
            kind, target = click.group(1), click.group(2).strip()
            if kind == "FollowUpItem":
                return f"The user asked: {label or target}"
            sentence = (
                f"The user clicked {label or target} ({kind} {target})"
                if label
                else f"The user clicked {kind} {target}"
            )
            forms = _form_values(state)
            if forms:
                sentence += " " + "; ".join(f"on form {name} with {pairs}" for name, pairs in forms)
            return sentence + "."
    if context is None:
        return label
    return f"{label} (context: {_dumps(context)})" if label else f"(context: {_dumps(context)})"


def _assistant_text(message: C1Message) -> str:
    pieces: list[str] = []
    for part in message.parts:
        if part.kind == "content":
            envelope_ = _as_envelope(part.data)
            pieces.append(_dumps(envelope_["component"]) if envelope_ else part.body)
        elif part.kind in ("custommarkdown", "text"):
            envelope_ = _as_envelope(part.data)
            pieces.append(_dumps(envelope_["component"]) if envelope_ else part.body.strip())
        elif part.kind.startswith("artifact"):
            pieces.append(_dumps(part.data) if part.data is not None else part.body)
        elif part.kind == "context" and part.data not in (None, [], {}):
            forms = _form_values(
                part.data[1] if isinstance(part.data, list) and len(part.data) > 1 else part.data
            )
            if forms:
                pieces.append("(The user edited " + "; ".join(f"form {n}: {p}" for n, p in forms) + ")")
    return "\n".join(p for p in pieces if p)


def _envelope_text(text: str, role: str) -> str:
    """An OpenUI 1.0 stored message (`]]>openui:` markers): its content, a user's click as a sentence, an
    assistant's form state in words."""
    from .openui.envelope import read_envelope

    envelope = read_envelope(text)
    context = envelope.context
    if role == "user":
        return describe_action(envelope.content, context) if context is not None else envelope.content
    state = context.get("formState") if isinstance(context, dict) and "formState" in context else context
    forms = _form_values(state) if state not in (None, [], {}) else []
    edited = "(The user edited " + "; ".join(f"form {n}: {p}" for n, p in forms) + ")" if forms else ""
    return "\n".join(p for p in (envelope.content.strip(), edited) if p)


def to_model_text(text: str, role: str) -> str:
    """History message -> what a model reads: assistant C1 becomes compact JSON of its Card (v1) or its
    program (v2; no think items); a user action message (v1 or v2 click, OpenUI envelope) becomes a sentence;
    plain text passes through unchanged. Never raises."""
    if not isinstance(text, str):
        return ""
    if _ENVELOPE_MARKER in text and (text.startswith(_ENVELOPE_MARKER) or "\n" + _ENVELOPE_MARKER in text):
        try:
            return _envelope_text(text, role)
        except Exception:  # garbage history must never fail a request
            return text
    if "<" not in text:
        return text
    try:
        message = parse_c1(text)
        if not any(p.kind != "text" for p in message.parts):
            return text
        if role == "assistant":
            return _assistant_text(message) or text
        if role == "user":
            body = message.content_text
            if message.context is None:
                return body if body is not None else text
            return describe_action(body, message.context)
        return text
    except Exception:  # garbage history must never fail a request; the raw text is the best we have
        return text
