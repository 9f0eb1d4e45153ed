"""The Responses API routes (Open Responses): parse, call `ResponseService`, frame as JSON or SSE."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import aclosing
from typing import Any

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import Response

from genui.api.access import note_run
from genui.api.body import read_json, validated
from genui.api.deps import PageParams, Who, authenticate, get_state
from genui.api.errors import json_response
from genui.api.openapi import MODEL_CALL, READ, errors, json_body
from genui.api.sse import EventStream
from genui.service.responses import CreateResponse, ResponseRun, check_create_request, check_tool_types

router = APIRouter(tags=["responses"])


async def read_request(request: Request) -> CreateResponse:
    data = await read_json(request)
    check_tool_types(data)
    return check_create_request(validated(CreateResponse, data))


def sse(event: dict[str, Any]) -> bytes:
    return b"event: " + str(event["type"]).encode() + b"\ndata: " + orjson.dumps(event) + b"\n\n"


@router.post("/v1/embed/responses", openapi_extra=json_body(CreateResponse), responses=errors(*MODEL_CALL))
@router.post("/v1/responses", include_in_schema=False)
async def create_response(request: Request) -> Response:
    """Served by `FastLane` (it takes only the request: the key is checked here, not by a dependency)."""
    caller = await authenticate(request)
    req = await read_request(request)
    state = get_state(request)
    run = await state.responses.create(req, caller)
    note_run(request, run)
    if req.stream:
        # Accepted (key, body, limits, model, history): the stream opens now; a later failure, even before
        # the model's first event, ends it with `error` and `response.failed`.
        return EventStream(
            _stream(run), keepalive=state.settings.stream_keepalive_seconds, headers=run.headers
        )
    return json_response(await run.complete(), headers=run.headers)


async def _stream(run: ResponseRun) -> AsyncIterator[bytes]:
    async with aclosing(run.stream()) as events:
        async for event in events:
            yield sse(event)
    yield b"data: [DONE]\n\n"


@router.get("/v1/embed/responses/{response_id}", responses=errors(*READ))
@router.get("/v1/responses/{response_id}", include_in_schema=False)
async def get_response(request: Request, response_id: str, who: Who) -> Response:
    return json_response(await get_state(request).responses.get(response_id, who))


@router.delete("/v1/embed/responses/{response_id}", responses=errors(*READ))
@router.delete("/v1/responses/{response_id}", include_in_schema=False)
async def delete_response(request: Request, response_id: str, who: Who) -> Response:
    await get_state(request).responses.delete(response_id, who)
    return json_response({"id": response_id, "object": "response.deleted", "deleted": True})


@router.get("/v1/embed/responses/{response_id}/input_items", responses=errors(400, *READ))
@router.get("/v1/responses/{response_id}/input_items", include_in_schema=False)
async def list_input_items(request: Request, response_id: str, who: Who, page: PageParams) -> Response:
    return json_response((await get_state(request).responses.input_items(response_id, who, page)).body())
