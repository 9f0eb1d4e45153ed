"""Items as the service stores them, for the store tests."""

from __future__ import annotations

from typing import Any

from genui.store.ids import new_id


def message(role: str, text: str, *, item_id: str | None = None, status: str = "completed") -> dict[str, Any]:
    kind = "output_text" if role == "assistant" else "input_text"
    return {
        "type": "message",
        "id": item_id or new_id("msg"),
        "role": role,
        "status": status,
        "content": [{"type": kind, "text": text}],
    }
