"""What of a stored history goes upstream: the newest items within a token budget (half the model's context
window, estimated at 4 characters a token), never starting with a tool result whose call was cut off."""

from __future__ import annotations

from typing import Any

import orjson

CHARS_PER_TOKEN = 4


def history_budget(context_tokens: int) -> int:
    """Tokens of stored history a turn may send: the other half is for the catalog prompt, the
    instructions, this turn's input and the answer."""
    return context_tokens // 2


def newest_within(items: list[dict[str, Any]], budget_tokens: int) -> list[dict[str, Any]]:
    """The longest newest-first run of `items` whose estimated size fits the budget, oldest first."""
    budget = budget_tokens * CHARS_PER_TOKEN
    start = len(items)
    for index in range(len(items) - 1, -1, -1):
        budget -= len(orjson.dumps(items[index]))
        if budget < 0:
            break
        start = index
    while start < len(items) and items[start].get("type") == "function_call_output":
        start += 1  # its function_call was cut: a tool result without its call is refused upstream
    return items[start:]
