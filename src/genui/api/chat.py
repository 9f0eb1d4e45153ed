"""POST /v1/embed/chat/completions (and /v1/chat/completions): the generative UI chat endpoint."""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import aclosing
from typing import Any, Literal

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, field_validator

from genui.api.body import parse_body, thesys_of
from genui.api.deps import AppState, Principal, get_state, principal, settle_usage
from genui.api.errors import from_upstream, json_response
from genui.errors import ApiError
from genui.limits.ratelimit import estimate_tokens
from genui.models.base import Finish, ToolCallDelta, UpstreamError, Usage
from genui.service.turn import TextOut, Turn, TurnEvent, TurnRequest, message_chars

log = logging.getLogger("genui.chat")
router = APIRouter(tags=["chat"])


class FunctionDef(BaseModel):
    model_config = ConfigDict(extra="allow")
    name: str = Field(min_length=1, max_length=64, pattern=r"^[a-zA-Z0-9_-]+$")
    description: str | None = None
    parameters: dict[str, Any] | None = None
    strict: bool | None = None


class Tool(BaseModel):
    type: Literal["function"]
    function: FunctionDef


class StreamOptions(BaseModel):
    model_config = ConfigDict(extra="ignore")
    include_usage: bool = False


class Message(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[dict[str, Any]] | None = None
    name: str | None = None
    tool_calls: list[dict[str, Any]] | None = None
    tool_call_id: str | None = None

    @field_validator("content")
    @classmethod
    def _no_audio(cls, v: Any) -> Any:
        if isinstance(v, list):
            for part in v:
                kind = part.get("type")
                if kind in ("input_audio", "audio"):
                    raise ValueError("audio content is not supported")
                if kind not in ("text", "image_url", "file"):
                    raise ValueError(f"unsupported content part type {kind!r}")
        return v


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    model: str = Field(min_length=1, max_length=256)
    messages: list[Message] = Field(min_length=1, max_length=2048)
    max_tokens: int | None = Field(default=None, ge=1)
    max_completion_tokens: int | None = Field(default=None, ge=1)
    metadata: dict[str, str] | None = None
    n: int | None = None
    parallel_tool_calls: bool | None = None
    stop: str | list[str] | None = None
    stream: bool = False
    stream_options: StreamOptions | None = None
    temperature: float | None = Field(default=None, ge=0, le=2)
    top_p: float | None = Field(default=None, ge=0, le=1)
    tool_choice: Literal["none", "auto", "required"] | dict[str, Any] | None = None
    tools: list[Tool] | None = Field(default=None, max_length=128)
    prompt_cache_key: str | None = None
    reasoning_effort: Literal["none", "minimal", "low", "medium", "high", "xhigh"] | None = None
    verbosity: Literal["low", "medium", "high"] | None = None
    functions: Any = None
    function_call: Any = None

    @field_validator("stop")
    @classmethod
    def _stop(cls, v: str | list[str] | None) -> str | list[str] | None:
        if isinstance(v, list) and len(v) > 4:
            raise ValueError("at most 4 stop sequences")
        return v


def parse_chat_request(raw: bytes) -> ChatRequest:
    req = parse_body(ChatRequest, raw)
    if req.n not in (None, 1):
        raise ApiError(400, "Only n=1 is supported.", param="n", code="invalid_value")
    if req.functions is not None or req.function_call is not None:
        param = "functions" if req.functions is not None else "function_call"
        raise ApiError(
            400,
            f"'{param}' is deprecated: use 'tools' and 'tool_choice'.",
            param=param,
            code="unsupported_parameter",
        )
    if req.stream_options is not None and not req.stream:
        raise ApiError(
            400,
            "'stream_options' is only allowed when 'stream' is true.",
            param="stream_options",
            code="invalid_value",
        )
    return req


def turn_request(req: ChatRequest, org_id: str) -> TurnRequest:
    stop = [req.stop] if isinstance(req.stop, str) else req.stop
    return TurnRequest(
        model=req.model,
        messages=[m.model_dump(exclude_none=True) for m in req.messages],
        tools=[t.model_dump(exclude_none=True) for t in req.tools] if req.tools else None,
        tool_choice=req.tool_choice,
        parallel_tool_calls=req.parallel_tool_calls,
        max_tokens=req.max_completion_tokens or req.max_tokens,
        temperature=req.temperature,
        top_p=req.top_p,
        stop=stop,
        thesys=thesys_of(req.metadata),
        reasoning_effort=req.reasoning_effort,
        verbosity=req.verbosity,
        prompt_cache_key=req.prompt_cache_key,
        org_id=org_id,
        stream=req.stream,
    )


def usage_body(usage: Usage) -> dict[str, Any]:
    return {
        "prompt_tokens": usage.input_tokens,
        "completion_tokens": usage.output_tokens,
        "total_tokens": usage.input_tokens + usage.output_tokens,
        "prompt_tokens_details": {"cached_tokens": usage.cached_tokens, "audio_tokens": 0},
        "completion_tokens_details": {
            "reasoning_tokens": usage.reasoning_tokens,
            "audio_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0,
        },
    }


@router.post("/v1/embed/chat/completions")
@router.post("/v1/chat/completions", include_in_schema=False)
async def create_chat_completion(request: Request) -> Response:
    """Served by `FastLane` (it takes only the request: the key is checked here, not by a dependency)."""
    who = await principal(request)
    state = get_state(request)
    req = parse_chat_request(await request.body())
    turn_req = turn_request(req, who.org_id)
    headers = await state.limiter.acquire(who.org_id, estimate_tokens(message_chars(turn_req.messages)))
    turn = await state.runner.start(turn_req)
    completion_id = "chatcmpl-" + secrets.token_urlsafe(18)
    created = int(time.time())
    if req.stream:
        include_usage = bool(req.stream_options and req.stream_options.include_usage)
        # An upstream failure before any output propagates to the app's handler: a real 502/503/504.
        events = await turn.opened_events()
        stream = _stream(state, who, turn, events, completion_id, created, include_usage)
        headers.update({"cache-control": "no-cache", "x-accel-buffering": "no"})
        return StreamingResponse(stream, media_type="text/event-stream", headers=headers)
    return await _complete(state, who, turn, completion_id, created, headers)


async def _complete(
    state: AppState, who: Principal, turn: Turn, completion_id: str, created: int, headers: dict[str, str]
) -> Response:
    text: list[str] = []
    calls: dict[int, dict[str, Any]] = {}
    usage: Usage | None = None
    finish = "stop"
    async with aclosing(turn.events()) as events:
        async for event in events:
            if isinstance(event, TextOut):
                text.append(event.text)
            elif isinstance(event, ToolCallDelta):
                call = calls.setdefault(
                    event.index, {"id": "", "type": "function", "function": {"name": "", "arguments": ""}}
                )
                if event.id:
                    call["id"] = event.id
                if event.name:
                    call["function"]["name"] = event.name
                call["function"]["arguments"] += event.arguments
            elif isinstance(event, Usage):
                usage = event
            elif isinstance(event, Finish):
                finish = event.reason
    await settle_usage(state, who, turn.model_name, usage)
    message: dict[str, Any] = {
        "role": "assistant",
        "content": "".join(text) if text else None,
        "refusal": None,
        "annotations": [],
    }
    if calls:
        message["tool_calls"] = [calls[i] for i in sorted(calls)]
    body = {
        "id": completion_id,
        "object": "chat.completion",
        "created": created,
        "model": turn.model_name,
        "system_fingerprint": None,
        "service_tier": "default",
        "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": finish}],
        "usage": usage_body(usage) if usage else None,
    }
    return json_response(body, headers=headers)


async def _stream(
    state: AppState,
    who: Principal,
    turn: Turn,
    events: AsyncGenerator[TurnEvent, None],
    completion_id: str,
    created: int,
    include_usage: bool,
) -> AsyncIterator[bytes]:
    head = (
        b'{"id":'
        + orjson.dumps(completion_id)
        + b',"object":"chat.completion.chunk","created":'
        + str(created).encode()
        + b',"model":'
        + orjson.dumps(turn.model_name)
        + b',"system_fingerprint":null,"choices":[{"index":0,"delta":'
    )
    tail = b',"logprobs":null,"finish_reason":null}]' + (b',"usage":null}' if include_usage else b"}")

    def frame(delta: dict[str, Any]) -> bytes:
        return b"data: " + head + orjson.dumps(delta) + tail + b"\n\n"

    usage: Usage | None = None
    yield frame({"role": "assistant", "content": ""})
    try:
        async with aclosing(events):
            async for event in events:
                if isinstance(event, TextOut):
                    yield frame({"content": event.text})
                elif isinstance(event, ToolCallDelta):
                    call: dict[str, Any] = {"index": event.index}
                    if event.id is not None:
                        call["id"] = event.id
                        call["type"] = "function"
                        call["function"] = {"name": event.name or "", "arguments": event.arguments}
                    else:
                        call["function"] = {"arguments": event.arguments}
                    yield frame({"tool_calls": [call]})
                elif isinstance(event, Usage):
                    usage = event
                elif isinstance(event, Finish):
                    finish = {
                        "id": completion_id,
                        "object": "chat.completion.chunk",
                        "created": created,
                        "model": turn.model_name,
                        "system_fingerprint": None,
                        "choices": [
                            {"index": 0, "delta": {}, "logprobs": None, "finish_reason": event.reason}
                        ],
                    }
                    if include_usage:
                        finish["usage"] = None
                    yield b"data: " + orjson.dumps(finish) + b"\n\n"
    except UpstreamError as exc:
        log.warning("upstream failed mid-stream: %s", exc.message)
        yield b"data: " + orjson.dumps(from_upstream(exc).body()) + b"\n\n"
        return
    except ApiError as exc:
        yield b"data: " + orjson.dumps(exc.body()) + b"\n\n"
        return
    except Exception:
        log.exception("turn failed mid-stream")
        err = ApiError(500, "The server had an error while processing your request.", type="server_error")
        yield b"data: " + orjson.dumps(err.body()) + b"\n\n"
        return
    await settle_usage(state, who, turn.model_name, usage)
    if include_usage and usage is not None:
        last = {
            "id": completion_id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": turn.model_name,
            "system_fingerprint": None,
            "choices": [],
            "usage": usage_body(usage),
        }
        yield b"data: " + orjson.dumps(last) + b"\n\n"
    yield b"data: [DONE]\n\n"
