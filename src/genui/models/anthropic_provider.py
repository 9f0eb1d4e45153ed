"""Anthropic through the official `anthropic` SDK (AsyncAnthropic, Messages API, streamed).

OpenAI chat-format requests are translated: system/developer messages become the `system` prompt, assistant
`tool_calls` become `tool_use` blocks, `tool` messages become `tool_result` blocks in a user turn (consecutive
turns of one role are merged, as the API requires alternation), OpenAI tools/tool_choice map to Anthropic's.
Stream events map back: text deltas, `tool_use` blocks as OpenAI-style tool-call deltas (`input_json_delta`
pieces are the arguments), usage from `message_start` + `message_delta`. `temperature`/`top_p` are not sent:
the SDK (2.x) no longer accepts them, as current Claude models fix their sampling. Output is
constrained by prompt only (`supports_json_schema = False`). The SDK's own retries are off: the router
retries.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import anthropic
import httpx2

from genui.models.base import ModelRequest, UpstreamError
from genui.models.config import ProviderConfig
from genui.models.errors import from_status, from_transport, upstream_code, upstream_message
from genui.models.events import Finish, FinishReason, ModelEvent, TextDelta, ToolCallDelta, Usage
from genui.models.messages import content_text
from genui.models.openai_compat import resolve_api_key

DEFAULT_MAX_TOKENS = 4096
_FINISH: dict[str, FinishReason] = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "pause_turn": "stop",
    "max_tokens": "length",
    "tool_use": "tool_calls",
    "refusal": "content_filter",
}


def to_anthropic_messages(messages: list[dict[str, Any]]) -> tuple[str | None, list[dict[str, Any]]]:
    """(system prompt, Anthropic messages) from OpenAI chat-format messages."""
    system: list[str] = []
    out: list[dict[str, Any]] = []

    def add(role: str, blocks: list[dict[str, Any]]) -> None:
        if not blocks:
            return
        if out and out[-1]["role"] == role:
            out[-1]["content"].extend(blocks)
        else:
            out.append({"role": role, "content": blocks})

    for message in messages:
        role = message.get("role")
        if role in ("system", "developer"):
            system.append(content_text(message.get("content")))
        elif role == "tool":
            add(
                "user",
                [
                    {
                        "type": "tool_result",
                        "tool_use_id": str(message.get("tool_call_id", "")),
                        "content": content_text(message.get("content")),
                    }
                ],
            )
        elif role == "assistant":
            blocks = _text_blocks(message.get("content"))
            for call in message.get("tool_calls") or []:
                function = call.get("function") or {}
                blocks.append(
                    {
                        "type": "tool_use",
                        "id": str(call.get("id", "")),
                        "name": str(function.get("name")),
                        "input": _arguments(function.get("arguments")),
                    }
                )
            add("assistant", blocks)
        else:
            add("user", _text_blocks(message.get("content")) or [{"type": "text", "text": "(empty)"}])
    return ("\n\n".join(s for s in system if s) or None), out


def to_anthropic_tools(tools: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for tool in tools:
        function = tool.get("function", tool)
        entry: dict[str, Any] = {
            "name": function["name"],
            "input_schema": function.get("parameters") or {"type": "object", "properties": {}},
        }
        if function.get("description"):
            entry["description"] = function["description"]
        out.append(entry)
    return out


def to_anthropic_tool_choice(choice: Any, parallel: bool | None) -> dict[str, Any] | None:
    result: dict[str, Any] | None = None
    if choice in (None, "auto"):
        result = {"type": "auto"} if parallel is False else None
    elif choice == "none":
        return {"type": "none"}
    elif choice == "required":
        result = {"type": "any"}
    elif isinstance(choice, dict):
        name = (choice.get("function") or {}).get("name") or choice.get("name")
        result = {"type": "tool", "name": name}
    if result is not None and parallel is False:
        result["disable_parallel_tool_use"] = True
    return result


def _text_blocks(content: Any) -> list[dict[str, Any]]:
    if isinstance(content, list):
        blocks: list[dict[str, Any]] = []
        for part in content:
            if isinstance(part, dict) and part.get("type") == "image_url":
                url = (part.get("image_url") or {}).get("url")
                if url:
                    blocks.append({"type": "image", "source": {"type": "url", "url": url}})
            else:
                text = content_text([part])
                if text:
                    blocks.append({"type": "text", "text": text})
        return blocks
    text = content_text(content)
    return [{"type": "text", "text": text}] if text else []


def _arguments(raw: Any) -> dict[str, Any]:
    if isinstance(raw, dict):
        return raw
    try:
        parsed = json.loads(raw or "{}")
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


class AnthropicProvider:
    """Anthropic Messages API behind the Provider interface (see module docstring)."""

    supports_json_schema = False

    def __init__(
        self, config: ProviderConfig, name: str = "anthropic", http_client: httpx2.AsyncClient | None = None
    ) -> None:
        self.name = name
        self.config = config
        timeout = httpx2.Timeout(config.timeout, connect=min(10.0, config.timeout), read=config.idle_timeout)
        kwargs: dict[str, Any] = {
            "api_key": resolve_api_key(config, "ANTHROPIC_API_KEY") or "no-key",
            "timeout": timeout,
            "max_retries": 0,
            "default_headers": config.headers or None,
        }
        if config.base_url:
            kwargs["base_url"] = config.base_url
        if http_client is not None:
            kwargs["http_client"] = http_client
        self.client = anthropic.AsyncAnthropic(**kwargs)

    def build_params(self, model: str, request: ModelRequest) -> dict[str, Any]:
        system, messages = to_anthropic_messages(request.messages)
        params: dict[str, Any] = {
            "model": model,
            "messages": messages,
            "max_tokens": request.max_tokens or DEFAULT_MAX_TOKENS,
            "stream": True,
        }
        if system:
            params["system"] = system
        if request.tools:
            params["tools"] = to_anthropic_tools(request.tools)
            choice = to_anthropic_tool_choice(request.tool_choice, request.parallel_tool_calls)
            if choice is not None:
                params["tool_choice"] = choice
        if request.stop:
            params["stop_sequences"] = request.stop
        return params

    async def stream(self, model: str, request: ModelRequest) -> AsyncIterator[ModelEvent]:
        params = self.build_params(model, request)
        try:
            response = await self.client.messages.create(**params)
        except Exception as exc:
            raise self._map(exc) from exc
        input_tokens = cached = output_tokens = 0
        finish: FinishReason = "stop"
        tool_index: dict[int, int] = {}  # Anthropic content block index -> OpenAI tool call index
        try:
            async for event in response:
                kind = getattr(event, "type", None)
                if kind == "message_start":
                    usage = event.message.usage
                    cached = int(getattr(usage, "cache_read_input_tokens", 0) or 0)
                    created = int(getattr(usage, "cache_creation_input_tokens", 0) or 0)
                    input_tokens = int(usage.input_tokens or 0) + cached + created
                    output_tokens = int(getattr(usage, "output_tokens", 0) or 0)
                elif kind == "content_block_start":
                    block = event.content_block
                    if block.type == "tool_use":
                        tool_index[event.index] = len(tool_index)
                        yield ToolCallDelta(index=tool_index[event.index], id=block.id, name=block.name)
                    elif block.type == "text" and block.text:
                        yield TextDelta(block.text)
                elif kind == "content_block_delta":
                    delta = event.delta
                    if delta.type == "text_delta" and delta.text:
                        yield TextDelta(delta.text)
                    elif (
                        delta.type == "input_json_delta" and event.index in tool_index and delta.partial_json
                    ):
                        yield ToolCallDelta(index=tool_index[event.index], arguments=delta.partial_json)
                elif kind == "message_delta":
                    if event.delta.stop_reason:
                        finish = _FINISH.get(event.delta.stop_reason, "stop")
                    if event.usage is not None and event.usage.output_tokens is not None:
                        output_tokens = int(event.usage.output_tokens)
        except UpstreamError:
            raise
        except Exception as exc:
            raise self._map(exc) from exc
        finally:
            await response.close()
        yield Usage(input_tokens=input_tokens, output_tokens=output_tokens, cached_tokens=cached)
        yield Finish(finish)

    def _map(self, exc: BaseException) -> UpstreamError:
        if isinstance(exc, anthropic.APIStatusError):
            message = upstream_message(exc.body, exc.message)
            status = exc.status_code
            if status == 529:  # Anthropic "overloaded": a transient upstream failure
                status = 503
            return from_status(self.name, status, message, exc.response.headers, upstream_code(exc.body))
        if isinstance(exc, anthropic.APITimeoutError):
            return from_transport(self.name, TimeoutError())
        if isinstance(exc, anthropic.APIConnectionError | httpx2.HTTPError | OSError | TimeoutError):
            return from_transport(self.name, exc.__cause__ or exc)
        if isinstance(exc, anthropic.APIError):  # e.g. an `error` event in the middle of the stream
            message = upstream_message(getattr(exc, "body", None), str(exc))
            return UpstreamError(f"{self.name} upstream error: {message}", status=502, retryable=True)
        return UpstreamError(f"{self.name} upstream failed: {type(exc).__name__}: {exc}"[:500], status=502)

    async def aclose(self) -> None:
        await self.client.close()
