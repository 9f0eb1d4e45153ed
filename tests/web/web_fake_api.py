"""Test double of the genui API for the playground: the web router plus scripted models, conversations and
a Responses stream (the real routes are built elsewhere; here the page logic is what is under test)."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse

from genui.api.deps import authenticate
from genui.api.playground import router_for
from genui.config import Settings
from genui.errors import ApiError
from genui.service.accounting import Caller


@dataclass
class FakeState:
    answer: str = ""  # the C1 text the next assistant turn streams
    chunk_size: int = 7
    chunk_delay: float = 0.0
    requests: list[dict[str, Any]] = field(default_factory=list)  # bodies of POST /v1/embed/responses
    conversations: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    auth_headers: list[str] = field(default_factory=list)


def make_app(state: FakeState) -> FastAPI:
    app = FastAPI()
    app.include_router(router_for(Settings()))
    app.dependency_overrides[authenticate] = lambda: Caller(org_id="test", key_id=None)

    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status)

    @app.get("/v1/models")
    async def models(request: Request) -> dict[str, Any]:
        state.auth_headers.append(request.headers.get("authorization", ""))
        return {
            "object": "list",
            "data": [
                {"id": "c1/fake/model/v-20261121", "object": "model"},
                {"id": "c1-embed-latest", "object": "model"},
            ],
        }

    @app.post("/v1/conversations")
    async def create_conversation() -> dict[str, Any]:
        conv_id = f"conv_{len(state.conversations) + 1}"
        state.conversations[conv_id] = []
        return {"id": conv_id, "object": "conversation", "created_at": int(time.time()), "metadata": {}}

    @app.get("/v1/conversations/{conv_id}/items")
    async def items(conv_id: str, order: str = "desc") -> Any:
        if conv_id not in state.conversations:
            raise ApiError(404, "No conversation found", code="not_found")
        data = list(state.conversations[conv_id])
        if order == "desc":
            data.reverse()
        return {
            "object": "list",
            "data": data,
            "first_id": data[0]["id"] if data else None,
            "last_id": data[-1]["id"] if data else None,
            "has_more": False,
        }

    @app.post("/v1/embed/responses")
    async def responses(request: Request) -> StreamingResponse:
        body = await request.json()
        state.requests.append(body)
        conv = state.conversations.setdefault(body.get("conversation") or "conv_x", [])
        answer = state.answer

        async def events() -> AsyncIterator[str]:
            seq = 0

            def frame(kind: str, **data: Any) -> str:
                nonlocal seq
                payload = {"type": kind, "sequence_number": seq, **data}
                seq += 1
                return f"event: {kind}\ndata: {json.dumps(payload)}\n\n"

            yield frame("response.created", response={"id": "resp_1", "status": "in_progress"})
            for i in range(0, len(answer), state.chunk_size):
                yield frame(
                    "response.output_text.delta",
                    item_id="msg_1",
                    output_index=0,
                    content_index=0,
                    delta=answer[i : i + state.chunk_size],
                )
                if state.chunk_delay:
                    await asyncio.sleep(state.chunk_delay)
            yield frame("response.output_text.done", text=answer)
            yield frame("response.completed", response={"id": "resp_1", "status": "completed"})
            yield "data: [DONE]\n\n"
            n = len(conv)
            conv.append(
                {
                    "id": f"msg_{n}",
                    "type": "message",
                    "role": "user",
                    "content": [{"type": "input_text", "text": body.get("input", "")}],
                }
            )
            conv.append(
                {
                    "id": f"msg_{n + 1}",
                    "type": "message",
                    "role": "assistant",
                    "content": [{"type": "output_text", "text": answer, "annotations": []}],
                }
            )

        return StreamingResponse(events(), media_type="text/event-stream")

    return app


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serve(state: FakeState) -> Iterator[str]:
    """Run the fake app with uvicorn in a thread; yields its base URL."""
    port = _free_port()
    config = uvicorn.Config(make_app(state), host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
