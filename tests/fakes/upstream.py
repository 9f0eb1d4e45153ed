"""A scripted fake OpenAI-compatible upstream: a real HTTP server on loopback that misbehaves on demand.

Real upstreams can't produce faults (429, 500, resets, stalls) or hostile output on demand, hence this fake.
Each request to `POST /v1/chat/completions` pops the next queued `Step`; an empty queue asks `responder` (if
set) for a step fitting the request, else serves `default`.

    with ScriptedUpstream() as up:
        up.push(Step(status=429), Step(text='{"component": "Card", ...}'))
        client = AsyncOpenAI(base_url=up.base_url, api_key="x")
"""

from __future__ import annotations

import asyncio
import collections
import json
import math
import socket
import struct
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

DEFAULT_UI_TEXT = (
    '{"component":"Card","props":{"children":['
    '{"component":"Header","props":{"title":"Hello"}},'
    '{"component":"TextContent","props":{"textMarkdown":"Hi from the scripted upstream."}}]}}'
)
_STALL_SECONDS = 3600.0
_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_denied_error",
    404: "not_found_error",
    429: "rate_limit_error",
}


@dataclass
class Step:
    """What the fake does for one request."""

    status: int = 200  # non-200 -> OpenAI error body with this status (429 adds retry-after: 0)
    text: str | None = None  # the assistant content (a UI JSON or anything hostile)
    chunks: list[str] | None = None  # explicit stream pieces (else text split in ~20 pieces)
    tool_calls: list[dict[str, Any]] | None = None  # [{"id","name","arguments"}]
    usage: tuple[int, int] = (12, 34)  # prompt, completion tokens
    delay: float = 0.0  # before headers
    chunk_delay: float = 0.0
    stall_after: int | None = None  # stream this many chunks then hang -> timeout tests
    reset_after: int | None = None  # stream this many chunks then drop the TCP connection (RST)
    finish_reason: str | None = None
    error_message: str = "scripted upstream error"
    error_code: str | None = None  # the error body's `code` (e.g. "context_length_exceeded")
    headers: dict[str, str] = field(default_factory=dict)


class ScriptedUpstream:
    """Starlette app served by uvicorn in a background thread on a free loopback port."""

    def __init__(self, default: Step | None = None, model_ids: tuple[str, ...] = ("fake-model",)) -> None:
        self.default: Step = default or Step(text=DEFAULT_UI_TEXT)
        # Unqueued requests: the step this returns for the request body (None: `default`).
        self.responder: Callable[[dict[str, Any]], Step | None] | None = None
        self.model_ids = model_ids
        self.requests: list[dict[str, Any]] = []
        # Streams the client hung up on before the end (the gateway cancelled its upstream call).
        self.abandoned_streams = 0
        self.request_headers: list[dict[str, str]] = []
        self._steps: collections.deque[Step] = collections.deque()
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.port = 0
        self.base_url = ""

    # -- scripting -------------------------------------------------------------------------------------------
    def push(self, *steps: Step) -> None:
        with self._lock:
            self._steps.extend(steps)

    def _next_step(self, body: dict[str, Any]) -> Step:
        with self._lock:
            if self._steps:
                return self._steps.popleft()
        answer = self.responder(body) if self.responder is not None else None
        return answer or self.default

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._steps)

    # -- lifecycle -------------------------------------------------------------------------------------------
    def start(self) -> ScriptedUpstream:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        config = uvicorn.Config(
            self._asgi,
            log_level="error",
            log_config=None,
            lifespan="off",
            access_log=False,
            interface="asgi3",
            timeout_graceful_shutdown=1,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]}, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("scripted upstream did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._closing.set()
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)

    def __enter__(self) -> ScriptedUpstream:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- ASGI ------------------------------------------------------------------------------------------------
    async def _asgi(self, scope: Scope, receive: Receive, send: Send) -> None:
        # uvicorn's `send` is a bound method of the connection cycle: keep its transport to reset TCP.
        scope["fake.transport"] = getattr(getattr(send, "__self__", None), "transport", None)
        await self._app(scope, receive, send)

    @property
    def _app(self) -> Starlette:
        app: Starlette | None = getattr(self, "_starlette", None)
        if app is None:
            app = Starlette(
                routes=[
                    Route("/v1/chat/completions", self._chat, methods=["POST"]),
                    Route("/v1/models", self._models, methods=["GET"]),
                ]
            )
            self._starlette = app
        return app

    async def _models(self, request: Request) -> Response:
        data = [{"id": m, "object": "model", "created": 0, "owned_by": "scripted"} for m in self.model_ids]
        return JSONResponse({"object": "list", "data": data})

    async def _chat(self, request: Request) -> Response:
        try:
            body = json.loads(await request.body())
        except ValueError:
            return _error(400, "request body is not JSON")
        self.requests.append(body)
        self.request_headers.append(dict(request.headers))
        step = self._next_step(body)
        if step.delay:
            await self._sleep(step.delay)
        if step.status != 200:
            return _error(step.status, step.error_message, step.headers, step.error_code)
        transport = request.scope.get("fake.transport")
        if body.get("stream"):
            include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
            frames = self._stream(step, str(body.get("model", "")), include_usage, transport)
            return StreamingResponse(frames, media_type="text/event-stream", headers=step.headers)
        if step.stall_after is not None:
            await self._sleep(_STALL_SECONDS)
        if step.reset_after is not None:
            await asyncio.sleep(0)
            _reset(transport)
            await self._sleep(_STALL_SECONDS)
        return JSONResponse(_completion(step, str(body.get("model", ""))), headers=step.headers)

    async def _stream(
        self, step: Step, model: str, include_usage: bool, transport: Any
    ) -> AsyncIterator[bytes]:
        cid, created = f"chatcmpl-{uuid.uuid4().hex[:24]}", int(time.time())

        def frame(choices: list[dict[str, Any]], usage: dict[str, Any] | None = None) -> bytes:
            chunk: dict[str, Any] = {
                "id": cid,
                "object": "chat.completion.chunk",
                "created": created,
                "model": model,
                "system_fingerprint": "fp_scripted",
                "choices": choices,
            }
            if include_usage:
                chunk["usage"] = usage
            return b"data: " + json.dumps(chunk).encode() + b"\n\n"

        def choice(delta: dict[str, Any], finish: str | None = None) -> list[dict[str, Any]]:
            return [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]

        try:
            async for piece in self._frames(step, frame, choice, include_usage, transport):
                yield piece
        except (asyncio.CancelledError, GeneratorExit):
            self.abandoned_streams += 1
            raise

    async def _frames(
        self, step: Step, frame: Any, choice: Any, include_usage: bool, transport: Any
    ) -> AsyncIterator[bytes]:
        yield frame(choice({"role": "assistant", "content": "", "refusal": None}))
        for n, delta in enumerate(_deltas(step)):
            if step.stall_after is not None and n >= step.stall_after:
                await self._sleep(_STALL_SECONDS)
            if step.reset_after is not None and n >= step.reset_after:
                await asyncio.sleep(0.05)  # let the client read what was sent before the RST discards it
                _reset(transport)
                await self._sleep(_STALL_SECONDS)
            if step.chunk_delay:
                await self._sleep(step.chunk_delay)
            yield frame(choice(delta))
        if step.stall_after is not None:
            await self._sleep(_STALL_SECONDS)
        if step.reset_after is not None:
            await asyncio.sleep(0.05)
            _reset(transport)
            await self._sleep(_STALL_SECONDS)
        yield frame(choice({}, _finish_reason(step)))
        if include_usage:
            yield frame([], _usage(step))
        yield b"data: [DONE]\n\n"

    async def _sleep(self, seconds: float) -> None:
        # Sleep in slices so stopping the server never waits for a stalled handler.
        end = time.monotonic() + seconds
        while not self._closing.is_set() and time.monotonic() < end:
            await asyncio.sleep(min(0.05, max(0.0, end - time.monotonic())))


def _reset(transport: Any) -> None:
    """Close the connection with a TCP RST (SO_LINGER 0), the most abrupt drop a peer can do."""
    if transport is None:
        raise ConnectionResetError("scripted reset")  # uvicorn then closes the connection mid-body
    sock = transport.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()


def _deltas(step: Step) -> list[dict[str, Any]]:
    deltas: list[dict[str, Any]] = []
    if step.chunks is not None:
        deltas.extend({"content": piece} for piece in step.chunks)
    elif step.text:
        size = max(1, math.ceil(len(step.text) / 20))
        deltas.extend({"content": step.text[i : i + size]} for i in range(0, len(step.text), size))
    for index, call in enumerate(step.tool_calls or []):
        deltas.append(
            {
                "tool_calls": [
                    {
                        "index": index,
                        "id": call["id"],
                        "type": "function",
                        "function": {"name": call["name"], "arguments": ""},
                    }
                ]
            }
        )
        args = str(call.get("arguments", ""))
        size = max(1, math.ceil(len(args) / 4))
        deltas.extend(
            {"tool_calls": [{"index": index, "function": {"arguments": args[i : i + size]}}]}
            for i in range(0, len(args), size)
        )
    return deltas


def _finish_reason(step: Step) -> str:
    return step.finish_reason or ("tool_calls" if step.tool_calls else "stop")


def _usage(step: Step) -> dict[str, Any]:
    prompt, completion = step.usage
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "prompt_tokens_details": {"cached_tokens": 0},
        "completion_tokens_details": {"reasoning_tokens": 0},
    }


def _completion(step: Step, model: str) -> dict[str, Any]:
    text = "".join(step.chunks) if step.chunks is not None else step.text
    message: dict[str, Any] = {"role": "assistant", "content": text, "refusal": None}
    if step.tool_calls:
        message["tool_calls"] = [
            {
                "id": c["id"],
                "type": "function",
                "function": {"name": c["name"], "arguments": c.get("arguments", "")},
            }
            for c in step.tool_calls
        ]
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:24]}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "system_fingerprint": "fp_scripted",
        "choices": [
            {"index": 0, "message": message, "logprobs": None, "finish_reason": _finish_reason(step)}
        ],
        "usage": _usage(step),
    }


def _error(
    status: int, message: str, headers: dict[str, str] | None = None, code: str | None = None
) -> Response:
    extra = dict(headers or {})
    if status == 429:
        extra.setdefault("retry-after", "0")
    error_type = _ERROR_TYPES.get(status, "server_error" if status >= 500 else "invalid_request_error")
    body = {"error": {"message": message, "type": error_type, "param": None, "code": code}}
    return JSONResponse(body, status_code=status, headers=extra)
