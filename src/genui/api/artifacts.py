"""POST /v1/artifact/chat/completions: reports and slide decks (SDK `base_url=HOST/v1/artifact`). Same key,
limits, body checks, SSE and error framing as the embed chat completion; `service.artifacts` does the rest."""

from __future__ import annotations

import secrets
import time

from fastapi import APIRouter, Request
from fastapi.responses import Response

from genui.api.access import note_run
from genui.api.body import read_body
from genui.api.chat import _completion, _stream
from genui.api.deps import authenticate, get_state
from genui.api.errors import json_response
from genui.api.openapi import MODEL_CALL, errors, json_body
from genui.api.sse import EventStream
from genui.service.artifacts import ArtifactService
from genui.service.chat import ChatRequest, check_chat_request

router = APIRouter(tags=["artifacts"])


@router.post(
    "/v1/artifact/chat/completions", openapi_extra=json_body(ChatRequest), responses=errors(*MODEL_CALL)
)
async def create_artifact_completion(request: Request) -> Response:
    caller = await authenticate(request)
    req = check_chat_request(await read_body(request, ChatRequest))
    state = get_state(request)
    run = await ArtifactService(state.chat.runner, state.accounting).start(req, caller)
    note_run(request, run)
    completion_id = "chatcmpl-" + secrets.token_urlsafe(18)
    created = int(time.time())
    if req.stream:
        include_usage = bool(req.stream_options and req.stream_options.include_usage)
        stream = _stream(run, completion_id, created, include_usage)
        return EventStream(stream, keepalive=state.settings.stream_keepalive_seconds, headers=run.headers)
    result = await run.complete()
    return json_response(_completion(result, completion_id, created, run.model_name), headers=run.headers)
