"""POST /v1/embed/chat/completions (and /v1/chat/completions): parse, run `ChatService`, frame the answer."""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import aclosing
from typing import Any

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import Response

from genui.api.access import note_run
from genui.api.body import read_body
from genui.api.deps import authenticate, get_state
from genui.api.errors import from_upstream, json_response
from genui.api.openapi import MODEL_CALL, errors, json_body
from genui.api.sse import EventStream
from genui.errors import ApiError
from genui.models.base import UpstreamError
from genui.models.events import Finish, ToolCallDelta, Usage
from genui.service.chat import ChatRequest, ChatResult, ChatRun, check_chat_request
from genui.service.lifecycle import ServerShuttingDown
from genui.service.turn import TextOut

log = logging.getLogger("genui.chat")
router = APIRouter(tags=["chat"])


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


@router.post(
    "/v1/embed/chat/completions", openapi_extra=json_body(ChatRequest), responses=errors(*MODEL_CALL)
)
@router.post("/v1/chat/completions", include_in_schema=False)
async def create_chat_completion(request: Request) -> Response:
    """Served by `FastLane` (it takes only the request: the key is checked here, not by a dependency)."""
    caller = await authenticate(request)
    req = check_chat_request(await read_body(request, ChatRequest))
    state = get_state(request)
    run = await state.chat.start(req, caller)
    return await answer(request, req, run)


async def answer(request: Request, req: ChatRequest, run: ChatRun) -> Response:
    """A started run as the chat completion: an SSE stream or one JSON body (also /v1/artifact's framing)."""
    state = get_state(request)
    note_run(request, run)
    completion_id = "chatcmpl-" + secrets.token_urlsafe(18)
    created = int(time.time())
    if req.stream:
        # Accepted (key, body, limits, model): the stream opens now; a later failure is its last frame.
        include_usage = bool(req.stream_options and req.stream_options.include_usage)
        stream = _stream(run, completion_id, created, include_usage)
        return EventStream(stream, keepalive=state.settings.stream_keepalive_seconds, headers=run.headers)
    result = await run.complete()
    return json_response(_completion(result, completion_id, created, run.model_name), headers=run.headers)


def _completion(result: ChatResult, completion_id: str, created: int, model: str) -> dict[str, Any]:
    message: dict[str, Any] = {
        "role": "assistant",
        "content": result.content,
        "refusal": None,
        "annotations": [],
    }
    if result.tool_calls:
        message["tool_calls"] = result.tool_calls
    return {
        "id": completion_id,
        "object": "chat.completion",
        "created": created,
        "model": model,
        "system_fingerprint": None,
        "service_tier": "default",
        "choices": [
            {"index": 0, "message": message, "logprobs": None, "finish_reason": result.finish_reason}
        ],
        "usage": usage_body(result.usage) if result.usage else None,
    }


async def _stream(
    run: ChatRun, completion_id: str, created: int, include_usage: bool
) -> AsyncIterator[bytes]:
    head = (
        b'{"id":'
        + orjson.dumps(completion_id)
        + b',"object":"chat.completion.chunk","created":'
        + str(created).encode()
        + b',"model":'
        + orjson.dumps(run.model_name)
        + b',"system_fingerprint":null,"choices":[{"index":0,"delta":'
    )
    tail = b',"logprobs":null,"finish_reason":null}]' + (b',"usage":null}' if include_usage else b"}")

    def frame(delta: dict[str, Any]) -> bytes:
        return b"data: " + head + orjson.dumps(delta) + tail + b"\n\n"

    yield frame({"role": "assistant", "content": ""})
    try:
        async with aclosing(run.events()) as events:
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
                elif isinstance(event, Finish):
                    finish = {
                        "id": completion_id,
                        "object": "chat.completion.chunk",
                        "created": created,
                        "model": run.model_name,
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
    except ServerShuttingDown as exc:  # the terminal frame of a drained stream, then the usual end
        yield b"data: " + orjson.dumps(exc.body()) + b"\n\n" + b"data: [DONE]\n\n"
        return
    except ApiError as exc:
        yield b"data: " + orjson.dumps(exc.body()) + b"\n\n"
        return
    except Exception:
        log.exception("turn failed mid-stream")
        err = ApiError(500, "The server had an error while processing your request.", type="server_error")
        yield b"data: " + orjson.dumps(err.body()) + b"\n\n"
        return
    if include_usage and run.usage is not None:
        last = {
            "id": completion_id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": run.model_name,
            "system_fingerprint": None,
            "choices": [],
            "usage": usage_body(run.usage),
        }
        yield b"data: " + orjson.dumps(last) + b"\n\n"
    yield b"data: [DONE]\n\n"
