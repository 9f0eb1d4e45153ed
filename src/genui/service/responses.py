"""Responses API translation: input items <-> chat messages, the ResponseResource, and streamed events.

`OutputBuilder` turns the turn's events (C1 text, tool-call deltas, usage, finish) into output items and the
exact Open Responses event sequence; the non-stream path uses the same builder and drops the events.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from genui.errors import ApiError
from genui.models.base import Finish, ToolCallDelta, Usage
from genui.store.ids import new_id

MESSAGE_ROLES = ("user", "assistant", "system", "developer")
INPUT_TEXT_TYPES = ("input_text", "output_text", "text")


# --- input items


def _bad(message: str, param: str) -> ApiError:
    return ApiError(400, message, param=param, code="invalid_value")


def _text_part(role: str, text: str) -> dict[str, Any]:
    if role == "assistant":
        return {"type": "output_text", "text": text, "annotations": [], "logprobs": []}
    return {"type": "input_text", "text": text}


def _normalize_part(role: str, part: Any, param: str) -> dict[str, Any]:
    if not isinstance(part, dict):
        raise _bad("A content part must be an object.", param)
    kind = part.get("type")
    if kind in INPUT_TEXT_TYPES:
        if not isinstance(part.get("text"), str):
            raise _bad("A text content part needs a string 'text'.", param + ".text")
        return _text_part(role, part["text"])
    if kind == "refusal" and role == "assistant" and isinstance(part.get("refusal"), str):
        return {"type": "refusal", "refusal": part["refusal"]}
    if kind == "input_image" and role == "user":
        url = part.get("image_url")
        if not isinstance(url, str):
            raise _bad("input_image needs an 'image_url' (file ids are not supported).", param + ".image_url")
        return {"type": "input_image", "image_url": url, "detail": part.get("detail") or "auto"}
    raise _bad(f"Unsupported content part type {kind!r} for role {role!r}.", param + ".type")


def normalize_item(raw: Any, param: str) -> dict[str, Any]:
    """One client input item -> the stored item shape (with `id` and `status`), or a 400."""
    if not isinstance(raw, dict):
        raise _bad("Each input item must be an object.", param)
    kind = raw.get("type", "message" if "role" in raw else None)
    item_id = raw.get("id")
    if item_id is not None and (not isinstance(item_id, str) or not item_id or len(item_id) > 64):
        raise _bad("An item 'id' must be a non-empty string of at most 64 characters.", param + ".id")
    if kind == "message":
        role = raw.get("role")
        if role not in MESSAGE_ROLES:
            raise _bad(f"Message role must be one of {', '.join(MESSAGE_ROLES)}.", param + ".role")
        content = raw.get("content")
        if isinstance(content, str):
            parts = [_text_part(role, content)]
        elif isinstance(content, list):
            parts = [_normalize_part(role, p, f"{param}.content[{i}]") for i, p in enumerate(content)]
        else:
            raise _bad("Message 'content' must be a string or a list of parts.", param + ".content")
        return {
            "type": "message",
            "id": item_id or new_id("msg"),
            "status": "completed",
            "role": role,
            "content": parts,
        }
    if kind == "function_call":
        for key in ("call_id", "name", "arguments"):
            if not isinstance(raw.get(key), str):
                raise _bad(f"function_call needs a string '{key}'.", f"{param}.{key}")
        return {
            "type": "function_call",
            "id": item_id or new_id("fc"),
            "call_id": raw["call_id"],
            "name": raw["name"],
            "arguments": raw["arguments"],
            "status": "completed",
        }
    if kind == "function_call_output":
        output = raw.get("output")
        if not isinstance(raw.get("call_id"), str):
            raise _bad("function_call_output needs a string 'call_id'.", param + ".call_id")
        if isinstance(output, list):
            output = [_normalize_part("user", p, f"{param}.output[{i}]") for i, p in enumerate(output)]
        elif not isinstance(output, str):
            raise _bad(
                "function_call_output 'output' must be a string or a list of parts.", param + ".output"
            )
        return {
            "type": "function_call_output",
            "id": item_id or new_id("fco"),
            "call_id": raw["call_id"],
            "output": output,
            "status": "completed",
        }
    raise _bad(
        f"Unsupported input item type {kind!r}: use message, function_call or function_call_output.",
        param + ".type",
    )


def normalize_input(raw: str | list[Any] | None, param: str = "input") -> list[dict[str, Any]]:
    if raw is None:
        return []
    if isinstance(raw, str):
        return [normalize_item({"type": "message", "role": "user", "content": raw}, param)]
    return [normalize_item(item, f"{param}[{i}]") for i, item in enumerate(raw)]


def _chat_content(parts: list[dict[str, Any]]) -> str | list[dict[str, Any]]:
    if all(p.get("type") in INPUT_TEXT_TYPES or p.get("type") == "refusal" for p in parts):
        return "".join(str(p.get("text") or p.get("refusal") or "") for p in parts)
    out: list[dict[str, Any]] = []
    for p in parts:
        if p.get("type") == "input_image":
            out.append({"type": "image_url", "image_url": {"url": p["image_url"], "detail": p.get("detail")}})
        else:
            out.append({"type": "text", "text": str(p.get("text") or p.get("refusal") or "")})
    return out


def items_to_messages(items: list[dict[str, Any]], instructions: str | None = None) -> list[dict[str, Any]]:
    """Stored items -> OpenAI chat messages; consecutive function calls join the assistant turn before."""
    messages: list[dict[str, Any]] = []
    if instructions:
        messages.append({"role": "system", "content": instructions})
    for item in items:
        kind = item.get("type")
        if kind == "message":
            messages.append({"role": item["role"], "content": _chat_content(item["content"])})
        elif kind == "function_call":
            call = {
                "id": item["call_id"],
                "type": "function",
                "function": {"name": item["name"], "arguments": item["arguments"]},
            }
            last = messages[-1] if messages else None
            if last is not None and last["role"] == "assistant" and not last.get("_closed"):
                last.setdefault("tool_calls", []).append(call)
                if last.get("content") == "":
                    last["content"] = None
            else:
                messages.append({"role": "assistant", "content": None, "tool_calls": [call]})
        elif kind == "function_call_output":
            output = item["output"]
            text = output if isinstance(output, str) else str(_chat_content(output))
            if messages and messages[-1]["role"] == "assistant":
                messages[-1]["_closed"] = True
            messages.append({"role": "tool", "tool_call_id": item["call_id"], "content": text})
    for message in messages:
        message.pop("_closed", None)
    return messages


def tools_to_chat(tools: list[dict[str, Any]] | None) -> list[dict[str, Any]] | None:
    if not tools:
        return None
    return [
        {
            "type": "function",
            "function": {
                k: t[k] for k in ("name", "description", "parameters", "strict") if t.get(k) is not None
            },
        }
        for t in tools
    ]


def tool_choice_to_chat(choice: Any) -> Any:
    if isinstance(choice, dict):
        if choice.get("type") == "function" and choice.get("name"):
            return {"type": "function", "function": {"name": choice["name"]}}
        if choice.get("type") == "allowed_tools":
            return choice.get("mode") or "auto"
    return choice


# --- the resource


def usage_body(usage: Usage | None) -> dict[str, Any] | None:
    if usage is None:
        return None
    return {
        "input_tokens": usage.input_tokens,
        "output_tokens": usage.output_tokens,
        "total_tokens": usage.input_tokens + usage.output_tokens,
        "input_tokens_details": {"cached_tokens": usage.cached_tokens},
        "output_tokens_details": {"reasoning_tokens": usage.reasoning_tokens},
    }


@dataclass(slots=True)
class ResponseParams:
    """What a response echoes back from its request (the resource's configuration keys)."""

    model: str
    instructions: str | None = None
    tools: list[dict[str, Any]] = field(default_factory=list)
    tool_choice: Any = "auto"
    parallel_tool_calls: bool = True
    temperature: float | None = None
    top_p: float | None = None
    max_output_tokens: int | None = None
    max_tool_calls: int | None = None
    reasoning_effort: str | None = None
    reasoning_summary: str | None = None
    verbosity: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    store: bool = True
    previous_response_id: str | None = None
    prompt_cache_key: str | None = None
    safety_identifier: str | None = None
    top_logprobs: int = 0


def echo_tool(tool: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "function",
        "name": tool["name"],
        "description": tool.get("description"),
        "parameters": tool.get("parameters"),
        "strict": tool.get("strict"),
    }


def new_resource(response_id: str, params: ResponseParams, created_at: int | None = None) -> dict[str, Any]:
    """An `in_progress` ResponseResource with all 31 keys."""
    reasoning = None
    if params.reasoning_effort is not None or params.reasoning_summary is not None:
        reasoning = {"effort": params.reasoning_effort, "summary": params.reasoning_summary}
    return {
        "id": response_id,
        "object": "response",
        "created_at": created_at if created_at is not None else int(time.time()),
        "completed_at": None,
        "status": "in_progress",
        "incomplete_details": None,
        "model": params.model,
        "previous_response_id": params.previous_response_id,
        "instructions": params.instructions,
        "output": [],
        "error": None,
        "tools": [echo_tool(t) for t in params.tools],
        "tool_choice": params.tool_choice if params.tool_choice is not None else "auto",
        "truncation": "disabled",
        "parallel_tool_calls": params.parallel_tool_calls,
        "text": {"format": {"type": "text"}, "verbosity": params.verbosity or "medium"},
        "top_p": float(params.top_p if params.top_p is not None else 1.0),
        "presence_penalty": 0.0,
        "frequency_penalty": 0.0,
        "top_logprobs": params.top_logprobs,
        "temperature": float(params.temperature if params.temperature is not None else 1.0),
        "reasoning": reasoning,
        "usage": None,
        "max_output_tokens": params.max_output_tokens,
        "max_tool_calls": params.max_tool_calls,
        "store": params.store,
        "background": False,
        "service_tier": "default",
        "metadata": dict(params.metadata),
        "safety_identifier": params.safety_identifier,
        "prompt_cache_key": params.prompt_cache_key,
    }


# --- output items and events

INCOMPLETE_REASONS = {"length": "max_output_tokens", "content_filter": "content_filter"}


@dataclass(slots=True)
class _Call:
    output_index: int
    item: dict[str, Any]
    live: bool


class OutputBuilder:
    """Builds output items and the event sequence; `events` collects them until `drain()`.

    Text streams live into one assistant message. Tool calls stream live while no message is open; a call
    that starts after the message opened is buffered and emitted whole once the message is done (and text
    arriving after live calls is buffered likewise), so each item's events stay contiguous and in order.
    """

    def __init__(self, resource: dict[str, Any]) -> None:
        self.resource = resource
        self.output: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []
        self.sequence = 0
        self.message_index: int | None = None
        self.message_text: list[str] = []
        self.pending_text: list[str] = []
        self.calls: dict[int, _Call] = {}
        self.usage: Usage | None = None
        self.finish: Finish | None = None
        self.closed = False

    def _emit(self, event_type: str, **payload: Any) -> None:
        self.events.append({"type": event_type, "sequence_number": self.sequence, **payload})
        self.sequence += 1

    def drain(self) -> list[dict[str, Any]]:
        out, self.events = self.events, []
        return out

    def snapshot(self) -> dict[str, Any]:
        return {**self.resource, "output": [dict(item) for item in self.output]}

    # lifecycle events
    def created(self) -> None:
        self._emit("response.created", response=self.snapshot())
        self._emit("response.in_progress", response=self.snapshot())

    # text
    def _open_message(self) -> None:
        self.message_index = len(self.output)
        item = {
            "type": "message",
            "id": new_id("msg"),
            "status": "in_progress",
            "role": "assistant",
            "content": [],
        }
        self.output.append(item)
        self._emit("response.output_item.added", output_index=self.message_index, item=dict(item, content=[]))
        self._emit(
            "response.content_part.added",
            item_id=item["id"],
            output_index=self.message_index,
            content_index=0,
            part=_text_part("assistant", ""),
        )

    def text(self, delta: str) -> None:
        if not delta:
            return
        if any(call.live for call in self.calls.values()) and self.message_index is None:
            self.pending_text.append(delta)
            return
        if self.message_index is None:
            self._open_message()
        self._append_text(delta)

    def _append_text(self, delta: str) -> None:
        assert self.message_index is not None
        self.message_text.append(delta)
        self._emit(
            "response.output_text.delta",
            item_id=self.output[self.message_index]["id"],
            output_index=self.message_index,
            content_index=0,
            delta=delta,
            logprobs=[],
        )

    def _close_message(self, status: str) -> None:
        if self.message_index is None:
            return
        item = self.output[self.message_index]
        text = "".join(self.message_text)
        part = _text_part("assistant", text)
        self._emit(
            "response.output_text.done",
            item_id=item["id"],
            output_index=self.message_index,
            content_index=0,
            text=text,
            logprobs=[],
        )
        self._emit(
            "response.content_part.done",
            item_id=item["id"],
            output_index=self.message_index,
            content_index=0,
            part=part,
        )
        item["content"] = [part]
        item["status"] = status
        self._emit("response.output_item.done", output_index=self.message_index, item=dict(item))

    # tool calls
    def tool_call(self, delta: ToolCallDelta) -> None:
        call = self.calls.get(delta.index)
        if call is None:
            live = self.message_index is None
            item = {
                "type": "function_call",
                "id": new_id("fc"),
                "call_id": delta.id or new_id("call"),
                "name": delta.name or "",
                "arguments": "",
                "status": "in_progress",
            }
            call = self.calls[delta.index] = _Call(output_index=-1, item=item, live=live)
            if live:
                call.output_index = len(self.output)
                self.output.append(item)
                self._emit("response.output_item.added", output_index=call.output_index, item=dict(item))
        else:
            if delta.id and not call.item["call_id"]:
                call.item["call_id"] = delta.id
            if delta.name and not call.item["name"]:
                call.item["name"] = delta.name
        if delta.arguments:
            call.item["arguments"] += delta.arguments
            if call.live:
                self._emit(
                    "response.function_call_arguments.delta",
                    item_id=call.item["id"],
                    output_index=call.output_index,
                    delta=delta.arguments,
                )

    def _close_call(self, call: _Call, status: str) -> None:
        if not call.live:
            call.output_index = len(self.output)
            self.output.append(call.item)
            self._emit(
                "response.output_item.added",
                output_index=call.output_index,
                item=dict(call.item, arguments="", status="in_progress"),
            )
            if call.item["arguments"]:
                self._emit(
                    "response.function_call_arguments.delta",
                    item_id=call.item["id"],
                    output_index=call.output_index,
                    delta=call.item["arguments"],
                )
        self._emit(
            "response.function_call_arguments.done",
            item_id=call.item["id"],
            output_index=call.output_index,
            arguments=call.item["arguments"],
        )
        call.item["status"] = status
        self._emit("response.output_item.done", output_index=call.output_index, item=dict(call.item))

    def close_items(self, status: str = "completed") -> None:
        """Close every open item in output order, then emit what was buffered (once)."""
        if self.closed:
            return
        self.closed = True
        # Live calls exist only if they began before any text (later text is pending), and vice versa.
        self._close_message(status)
        for call in sorted((c for c in self.calls.values() if c.live), key=lambda c: c.output_index):
            self._close_call(call, status)
        if self.pending_text:
            self.message_index = None
            self.message_text = []
            pending, self.pending_text = self.pending_text, []
            self._open_message()
            for delta in pending:
                self._append_text(delta)
            self._close_message(status)
        for call in (c for c in self.calls.values() if not c.live):
            self._close_call(call, status)

    def end(self, status: str, *, error: dict[str, Any] | None = None) -> dict[str, Any]:
        """Set the final status on the resource, emit the terminal event, and return the final resource."""
        self.resource["status"] = status
        self.resource["completed_at"] = int(time.time()) if status == "completed" else None
        self.resource["usage"] = usage_body(self.usage)
        self.resource["error"] = stored_error(error)
        if status == "incomplete":
            reason = INCOMPLETE_REASONS.get(self.finish.reason if self.finish else "", "interrupted")
            self.resource["incomplete_details"] = {"reason": reason}
        final = self.snapshot()
        if error is not None:
            self._emit(
                "error",
                error={
                    "type": error.get("type", "server_error"),
                    "code": error["code"],
                    "message": error["message"],
                    "param": None,
                },
            )
        event_type = {
            "completed": "response.completed",
            "incomplete": "response.incomplete",
            "failed": "response.failed",
        }[status]
        self._emit(event_type, response=final)
        return final

    def final_status(self) -> str:
        if self.finish is not None and self.finish.reason in INCOMPLETE_REASONS:
            return "incomplete"
        return "completed"


def error_body(status: int, message: str, code: str | None, type_: str) -> dict[str, Any]:
    """The resource's `error` ({code, message}); `type` is kept for the stream's `error` event only."""
    return {"code": code or "server_error", "message": message, "type": type_, "status": status}


def stored_error(error: dict[str, Any] | None) -> dict[str, Any] | None:
    return {"code": error["code"], "message": error["message"]} if error else None
