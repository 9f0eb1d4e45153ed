"""Helpers over OpenAI chat-format messages shared by providers."""

from __future__ import annotations

import json
from typing import Any


def content_text(content: Any) -> str:
    """The text of a message `content`: a string, or a list of parts whose text parts are joined."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        pieces: list[str] = []
        for part in content:
            if isinstance(part, str):
                pieces.append(part)
            elif isinstance(part, dict) and isinstance(part.get("text"), str):
                pieces.append(part["text"])
        return "\n".join(pieces)
    return str(content)


def plain_messages(messages: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Messages for a model without tool support: tool calls and tool results described in words."""
    out: list[dict[str, str]] = []
    for message in messages:
        role = str(message.get("role", "user"))
        text = content_text(message.get("content"))
        if role == "developer":
            role = "system"
        if role == "assistant" and message.get("tool_calls"):
            functions = [c.get("function") or {} for c in message["tool_calls"]]
            calls = [f"{f.get('name', '?')}({f.get('arguments', '')})" for f in functions]
            text = (text + "\n" if text else "") + "Called tools: " + "; ".join(calls)
        elif role == "tool":
            role, text = "user", f"Tool result: {text}"
        elif role not in ("system", "user", "assistant"):
            role = "user"
        out.append({"role": role, "content": text})
    return out


def component_names(schema: dict[str, Any]) -> list[str]:
    """Component names a catalog schema allows (`const`/`enum` of each `component` property), in order."""
    names: list[str] = []

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            component = (node.get("properties") or {}).get("component")
            if isinstance(component, dict):
                values = [component["const"]] if "const" in component else component.get("enum", [])
                names.extend(v for v in values if isinstance(v, str) and v not in names)
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(schema)
    return names


def compact_json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
