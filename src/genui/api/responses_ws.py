"""The Open Responses WebSocket mode on /v1/responses and /v1/embed/responses: frame `ResponseSession` turns.

The upgrade is authenticated like HTTP (the `Authorization` header); a refused key gets the HTTP 403 error
body instead of the upgrade. Each client message is one `response.create` event (the create body plus `type`;
`stream`, `stream_options` and `background` must not be sent); each server message is one streaming event,
with the same schemas and order as the SSE stream. A turn ends at its terminal `response.*` event, or at one
`error` envelope `{type: "error", status, error: {type, code, message, param}}` when it could not start (bad
JSON, an unknown event type, a message over the body limit, a refused request, a model failing before any
output). A failure after `response.created` ends the turn with `response.failed` alone: the SSE stream's
`error` event before it would read as a second terminal message here. The socket stays open after any of
these; turns are served one at a time, in order; a client going away cancels the turn in flight (the
response ends `incomplete`).
"""

from __future__ import annotations

import logging
from contextlib import aclosing
from typing import Any

import anyio
import orjson
from anyio.streams.memory import MemoryObjectSendStream
from fastapi import APIRouter, WebSocket
from starlette.websockets import WebSocketDisconnect

from genui.api.body import json_object, validated
from genui.api.deps import authenticate, get_state
from genui.api.errors import error_response, from_upstream
from genui.errors import ApiError
from genui.models.base import UpstreamError
from genui.service.response_session import ResponseSession
from genui.service.responses import CreateResponse, check_create_request, check_tool_types

router = APIRouter(tags=["responses"])
log = logging.getLogger("genui.responses")
# Client messages read ahead while a turn runs (reading on is how a hang-up is noticed mid-turn).
READ_AHEAD = 8
# Create-body fields of the HTTP transport that the spec forbids in WebSocket `response.create` events.
HTTP_ONLY_FIELDS = ("stream", "stream_options", "background")


def envelope(error: ApiError) -> dict[str, Any]:
    """The spec's WebSocketErrorEvent for a turn that could not start."""
    return {"type": "error", "status": error.status, "error": error.body()["error"]}


def parse_event(raw: str | bytes, max_bytes: int) -> CreateResponse:
    data = raw.encode() if isinstance(raw, str) else raw
    if len(data) > max_bytes:
        raise ApiError(413, f"Message too large: the limit is {max_bytes} bytes.", code="request_too_large")
    event = json_object(data)
    kind = event.get("type")
    if kind != "response.create":
        raise ApiError(
            400,
            f"Unknown client event type {kind!r}: send 'response.create' events.",
            param="type",
            code="invalid_event_type",
        )
    for field in HTTP_ONLY_FIELDS:
        if field in event:
            raise ApiError(
                400,
                f"'{field}' is not sent over WebSocket: every turn streams its events on the socket.",
                param=field,
                code="unsupported_parameter",
            )
    del event["type"]
    check_tool_types(event)
    return check_create_request(validated(CreateResponse, event))


async def send(websocket: WebSocket, event: dict[str, Any]) -> None:
    await websocket.send_text(orjson.dumps(event).decode())


async def serve_turn(
    websocket: WebSocket, session: ResponseSession, raw: str | bytes, max_bytes: int
) -> None:
    try:
        req = parse_event(raw, max_bytes)
        dropped = 0
        async with aclosing(session.turn(req)) as events:
            async for event in events:
                if event["type"] == "error":
                    dropped += 1
                    continue
                event["sequence_number"] -= dropped
                await send(websocket, event)
    except ApiError as exc:
        await send(websocket, envelope(exc))
    except UpstreamError as exc:
        await send(websocket, envelope(from_upstream(exc)))


async def read_messages(
    websocket: WebSocket, messages: MemoryObjectSendStream[str | bytes], scope: anyio.CancelScope
) -> None:
    """Queue the client's messages; a hang-up cancels the connection's work (the turn in flight too)."""
    async with messages:
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                scope.cancel()
                return
            data = message.get("text")
            await messages.send(data if data is not None else message.get("bytes") or b"")


@router.websocket("/v1/responses")
@router.websocket("/v1/embed/responses")
async def responses_socket(websocket: WebSocket) -> None:
    try:
        caller = await authenticate(websocket)
    except ApiError as exc:
        if "websocket.http.response" in websocket.scope.get("extensions", {}):
            await websocket.send_denial_response(error_response(exc))
        else:
            await websocket.close(code=1008, reason=exc.message[:120])
        return
    state = get_state(websocket)
    session = ResponseSession(state.responses, caller)
    await websocket.accept()
    outgoing, incoming = anyio.create_memory_object_stream[str | bytes](READ_AHEAD)
    async with anyio.create_task_group() as tasks:
        tasks.start_soon(read_messages, websocket, outgoing, tasks.cancel_scope)
        async with incoming:
            async for raw in incoming:
                if not await serve_safely(websocket, session, raw, state.settings.max_body_bytes):
                    tasks.cancel_scope.cancel()  # the client is gone
                    break


async def serve_safely(
    websocket: WebSocket, session: ResponseSession, raw: str | bytes, max_bytes: int
) -> bool:
    """Serve one turn; False when the client went away. A bug answers the turn with a 500 envelope and the
    connection stays usable."""
    try:
        await serve_turn(websocket, session, raw, max_bytes)
    except (WebSocketDisconnect, OSError):
        return False
    except Exception:
        log.exception("websocket turn failed")
        error = ApiError(500, "The server had an error while processing your request.", code="internal_error")
        try:
            await send(websocket, envelope(error))
        except (WebSocketDisconnect, OSError):
            return False
    return True
