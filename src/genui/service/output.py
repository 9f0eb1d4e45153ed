"""The Responses resource and its output: `OutputBuilder` turns a turn's events (C1 text, tool-call deltas,
usage, finish) into output items and the exact Open Responses event sequence; the non-stream path uses the
same builder and drops the events.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from genui.models.events import Finish, ToolCallDelta, Usage
from genui.service.items import text_part
from genui.store.ids import new_id


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
        "truncation": "auto",  # stored history is cut to the model's context (service.history)
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
    def open_message(self) -> None:
        """Open the assistant message now (a stream announces it before the model's first words)."""
        if self.message_index is None and not self.calls:
            self._open_message()

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
            part=text_part("assistant", ""),
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
        part = text_part("assistant", text)
        where = {"item_id": item["id"], "output_index": self.message_index, "content_index": 0}
        self._emit("response.output_text.done", **where, text=text, logprobs=[])
        self._emit("response.content_part.done", **where, part=part)
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

    def partial_items(self) -> list[dict[str, Any]]:
        """Copies of the output items so far, as they would be stored now (what a checkpoint keeps): the items
        in output order, the message with its text so far, then the buffered calls and text."""
        items: list[dict[str, Any]] = []
        for index, item in enumerate(self.output):
            if index == self.message_index:
                item = {**item, "content": [text_part("assistant", "".join(self.message_text))]}
            items.append(dict(item))
        items.extend(dict(call.item) for call in self.calls.values() if not call.live)
        if self.pending_text:
            content = [text_part("assistant", "".join(self.pending_text))]
            message = {"type": "message", "id": new_id("msg"), "status": "in_progress", "role": "assistant"}
            items.append({**message, "content": content})
        return items

    def end(
        self, status: str, *, error: dict[str, Any] | None = None, reason: str | None = None
    ) -> dict[str, Any]:
        """Set the final status on the resource, emit the terminal event, and return the final resource;
        `reason` overrides the `incomplete_details` reason derived from the model's finish."""
        self.resource["status"] = status
        self.resource["completed_at"] = int(time.time()) if status == "completed" else None
        self.resource["usage"] = usage_body(self.usage)
        self.resource["error"] = stored_error(error)
        if status == "incomplete":
            finish = self.finish.reason if self.finish else ""
            reason = reason or INCOMPLETE_REASONS.get(finish, "interrupted")
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
