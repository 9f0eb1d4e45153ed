"""POST /v1/artifact/chat/completions: reports and slide decks (SDK `base_url=HOST/v1/artifact`). Same key,
limits, body checks, SSE and error framing as the embed chat completion; `service.artifacts` does the rest."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from genui.api.body import read_body
from genui.api.chat import answer
from genui.api.deps import authenticate, get_state
from genui.api.openapi import MODEL_CALL, errors, json_body
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
    run = await ArtifactService(state.chat.runner, state.accounting, state.drain).start(req, caller)
    return await answer(request, req, run)
