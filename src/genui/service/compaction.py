"""Compaction (`POST /v1/responses/compact`): a conversation reduced to one `compaction` item plus its latest
turn verbatim, deterministic and without a model call.

The items before the latest turn (the last user message and what follows it) become model-readable lines
(`user: ...`, `assistant: ...` with C1 Responses as the text a model reads, `assistant called f({...})`,
`result of f: ...`; a compaction item given as input contributes its own summary), each clipped to
`ITEM_CHARS`, the whole to `MAX_SUMMARY_CHARS` (the oldest lines go first). The latest turn stays verbatim
when there is older history and it is at most `KEEP_CHARS`; else it is summarized too. A cut never leaves a
function call waiting for its output on the compacted side, so a client can still answer that call. Sent back
as input, the compaction item becomes one user-role message holding the summary (see `compaction_item`).
"""

from __future__ import annotations

import time
from typing import Any

from pydantic import BaseModel, Field

from genui.errors import ApiError
from genui.limits.ratelimit import estimate_tokens
from genui.models.events import Usage
from genui.service import compaction_item
from genui.service.accounting import Caller
from genui.service.items import items_to_messages, normalize_input
from genui.service.output import usage_body
from genui.service.params import STRICT
from genui.service.responses import ResponseService
from genui.service.turn import message_chars
from genui.store.ids import new_id
from genui.ui.c1 import to_model_text

KEEP_CHARS = 16_000
ITEM_CHARS = 4_000


class CompactRequest(BaseModel):
    """The body of `POST /v1/responses/compact` (the spec's CompactResponseMethodPublicBody)."""

    model_config = STRICT
    model: str = Field(min_length=1, max_length=256)
    input: str | list[Any] | None = None
    previous_response_id: str | None = Field(default=None, max_length=64)
    # Accepted for compatibility; the deterministic pass has no prompt to instruct or cache.
    instructions: str | None = None
    prompt_cache_key: str | None = Field(default=None, max_length=64)


def _clip(text: str, limit: int = ITEM_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _message_text(item: dict[str, Any]) -> str:
    pieces = []
    for part in item["content"]:
        if part.get("type") == "input_image":
            pieces.append("[image]")
        else:
            pieces.append(str(part.get("text") or part.get("refusal") or ""))
    return to_model_text("".join(pieces), item["role"])


def summary_lines(items: list[dict[str, Any]]) -> list[str]:
    """One model-readable line per item (a compaction item: its whole summary)."""
    names: dict[str, str] = {}
    lines: list[str] = []
    for item in items:
        kind = item["type"]
        if kind == "message":
            lines.append(f"{item['role']}: {_clip(_message_text(item))}")
        elif kind == "function_call":
            names[item["call_id"]] = item["name"]
            lines.append(f"assistant called {item['name']}({_clip(item['arguments'])})")
        elif kind == "function_call_output":
            output = item["output"]
            text = output if isinstance(output, str) else " ".join(str(p.get("text", "")) for p in output)
            lines.append(f"result of {names.get(item['call_id'], item['call_id'])}: {_clip(text)}")
        elif kind == "compaction":
            lines.append(compaction_item.summary_text(item))
    return lines


def summarize(lines: list[str]) -> str:
    """The lines joined, the oldest dropped (and counted) until the summary fits `MAX_SUMMARY_CHARS`."""
    limit = compaction_item.MAX_SUMMARY_CHARS - 64
    total, start = sum(len(line) + 1 for line in lines), 0
    while total > limit and start < len(lines):
        total -= len(lines[start]) + 1
        start += 1
    kept = [_clip(line, limit) for line in lines[start:]]
    return "\n".join(([f"[{start} earlier items omitted]"] if start else []) + kept)


def _open_calls(items: list[dict[str, Any]]) -> set[str]:
    calls = {i["call_id"] for i in items if i["type"] == "function_call"}
    return calls - {i["call_id"] for i in items if i["type"] == "function_call_output"}


def split_point(items: list[dict[str, Any]]) -> int:
    """Where the verbatim tail begins (see the module docstring)."""
    users = [i for i, item in enumerate(items) if item["type"] == "message" and item["role"] == "user"]
    cut = users[-1] if users and users[-1] > 0 else len(items)
    if cut < len(items) and message_chars(items_to_messages(items[cut:])) > KEEP_CHARS:
        cut = len(items)
    while cut > 0 and _open_calls(items[:cut]):
        cut -= 1
    return cut


def compact(items: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], str]:
    """The compacted window (a compaction item, then the verbatim tail) and the summary it seals."""
    cut = split_point(items)
    summary = summarize(summary_lines(items[:cut]))
    return [compaction_item.new_item(summary, cut), *items[cut:]], summary


class Compaction:
    """Runs `POST /v1/responses/compact` for a caller: the model checked, the request admitted by the rate
    limits like any other, the history read from the previous response's stored chain."""

    def __init__(self, responses: ResponseService) -> None:
        self.responses = responses

    async def compact(self, req: CompactRequest, caller: Caller) -> tuple[dict[str, Any], dict[str, str]]:
        """The CompactResource and the `x-ratelimit-*` headers for the answer."""
        self.responses.runner.registry.resolve(req.model)  # an unknown model is a 400, as on /responses
        history = []
        if req.previous_response_id:
            history = await self.responses.previous_items(req.previous_response_id, caller.org_id)
        items = history + normalize_input(req.input)
        if not items:
            raise ApiError(400, "'input' is required.", param="input", code="missing_required_parameter")
        messages = items_to_messages(items)
        headers = await self.responses.accounting.admit(caller, messages)
        output, summary = compact(items)
        # No model runs: usage is the pass's size in estimated tokens, and no usage row is recorded.
        usage = Usage(
            input_tokens=estimate_tokens(message_chars(messages)), output_tokens=estimate_tokens(len(summary))
        )
        resource = {
            "id": new_id("resp"),
            "object": "response.compaction",
            "created_at": int(time.time()),
            "output": output,
            "usage": usage_body(usage),
        }
        return resource, headers
