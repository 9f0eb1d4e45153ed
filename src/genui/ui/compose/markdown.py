"""A v1 tree back to markdown: what an earlier C1 answer said, as text a reader of requests understands.

Used for C1 turns of a conversation (the data a later "show that as a chart" points back to, the material of
/v1/visualize): headers become headings, text stays markdown, lists and facts become `- title: subtitle`
lines, tables and charts pipe tables, callouts `Note: ...` lines. Other components give the display text
they hold, one line each; actions, identifiers and styling are left out.
"""

from __future__ import annotations

from typing import Any

from ..c1 import parse_c1, to_model_text

# Props that hold display text (anything else is an identifier, a style or an action).
_TEXT_PROPS = ("title", "heading", "subtitle", "description", "label", "text", "amount", "children")


def _cell(value: Any) -> str:
    text = value if isinstance(value, str) else "" if value is None else str(value)
    return " ".join(text.replace("|", "/").split())


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    width = max([len(header), *(len(r) for r in rows)])
    header = header + [""] * (width - len(header))
    out = ["| " + " | ".join(_cell(h) for h in header) + " |", "|" + "---|" * width]
    out += ["| " + " | ".join(_cell(c) for c in row + [""] * (width - len(row))) + " |" for row in rows]
    return out


def _chart(data: Any) -> list[str]:
    if not isinstance(data, dict):
        return []
    inner = data.get("data")
    if isinstance(inner, list):  # pie: [{category, value}]
        pairs = [(d.get("category"), d.get("value")) for d in inner if isinstance(d, dict)]
        return _table(["", ""], [[_cell(c), _cell(v)] for c, v in pairs])
    if isinstance(inner, dict):
        found = inner.get("labels")
        labels: list[Any] = found if isinstance(found, list) else []
        series = [s for s in inner.get("series") or [] if isinstance(s, dict)]
        header = ["", *(_cell(s.get("category")) for s in series)]
        rows = []
        for i, label in enumerate(labels):
            values = [s.get("values") or [] for s in series]
            rows.append([_cell(label), *(_cell(v[i]) if i < len(v) else "" for v in values)])
        return _table(header, rows)
    return []


def _texts(value: Any) -> list[str]:
    """Display strings under a node, in order."""
    if isinstance(value, list):
        return [t for item in value for t in _texts(item)]
    if not isinstance(value, dict):
        return []
    inner = value.get("props")
    props: dict[str, Any] = inner if isinstance(inner, dict) else value
    out: list[str] = []
    for key in _TEXT_PROPS:
        item = props.get(key)
        if isinstance(item, str) and item.strip():
            out.append(" ".join(item.split()))
    for key, item in props.items():
        if key not in ("action", "buttons") and isinstance(item, dict | list):
            out.extend(_texts(item))
    return out


def _node(node: Any, out: list[str]) -> None:
    if not isinstance(node, dict) or not isinstance(node.get("props"), dict):
        return
    name, props = node.get("component"), node["props"]
    if name == "Card" or (name in ("Tabs", "Accordion", "Steps", "Carousel") and "children" in props):
        for child in props.get("children") or []:
            _node(child, out)
        return
    block: list[str]
    if name == "Header":
        block = [f"# {props.get('title', '')}"] + ([str(props["subtitle"])] if props.get("subtitle") else [])
    elif name == "InlineHeader":
        block = [f"## {props.get('heading', '')}"]
        block += [str(props["description"])] if props.get("description") else []
    elif name == "TextContent":
        block = [str(props.get("textMarkdown") or "")]
    elif name == "List":
        block = []
        for item in props.get("items") or []:
            if isinstance(item, dict):
                title, sub = _cell(item.get("title")), _cell(item.get("subtitle"))
                block.append(f"- {title}: {sub}" if sub else f"- {title}")
    elif name == "Table":
        head = [_cell(h.get("children")) for h in (props.get("tableHeader") or {}).get("rows") or []]
        rows = [
            [_cell(c) for c in r.get("children") or []]
            for r in (props.get("tableBody") or {}).get("rows") or []
            if isinstance(r, dict)
        ]
        block = _table(head, rows)
    elif isinstance(name, str) and name.endswith("ChartV2"):
        block = _chart(props.get("chartData"))
    elif name == "CalloutV2":
        block = [f"{props.get('title', 'Note')}: {props.get('description', '')}"]
    elif name == "MiniCardBlock":
        tiles = [_texts(card) for card in props.get("children") or []]  # [description, amount, ...]
        block = [f"- {t[0]}: {' '.join(t[1:])}" if len(t) > 1 else f"- {t[0]}" for t in tiles if t]
    elif name == "FollowUpBlock":
        block = []  # suggestions of what to ask next, not what was said
    else:
        block = _texts(node)
    text = "\n".join(line for line in block if line.strip())
    if text.strip():
        out.append(text)


def tree_markdown(tree: Any) -> str:
    """Markdown of a v1 tree (a node, or the `{"component": node, "error": ...}` envelope)."""
    node = (
        tree.get("component") if isinstance(tree, dict) and isinstance(tree.get("component"), dict) else tree
    )
    out: list[str] = []
    _node(node, out)
    return "\n\n".join(out)


def message_markdown(text: str, role: str) -> str:
    """A conversation message as text: a C1 Response's content as markdown (think items and wrappers
    dropped; v2 content as written), a user's C1 action as the sentence that describes it, plain text as
    is."""
    if "<" not in text:
        return text
    message = parse_c1(text)
    if not any(part.kind != "text" for part in message.parts):
        return text
    if role == "user":
        return to_model_text(text, role)
    pieces: list[str] = []
    for part in message.parts:
        if part.kind == "content" and isinstance(part.data, dict):
            pieces.append(tree_markdown(part.data))
        elif part.kind in ("content", "custommarkdown", "text"):
            pieces.append(part.body.strip())
    return "\n\n".join(p for p in pieces if p.strip())
