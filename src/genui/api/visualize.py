"""POST /v1/visualize/chat/completions (OpenAI SDKs with base_url `HOST/v1/visualize`): parse, run the
visualize service, frame the answer exactly as a chat completion (same auth, limits, usage, SSE, errors);
`/v1/visualize/models` lists the models as `/v1/embed/models` does (visualize takes the embed models)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from genui.api import models
from genui.api.body import read_body
from genui.api.chat import answer
from genui.api.deps import Who, get_state
from genui.api.openapi import MODEL_CALL, errors, json_body
from genui.service.chat import ChatRequest, check_chat_request
from genui.service.visualize import check_no_tools, visualize_service

router = APIRouter(tags=["visualize"])
router.add_api_route("/v1/visualize/models", models.list_models, methods=["GET"], include_in_schema=False)
router.add_api_route(
    "/v1/visualize/models/{model_id:path}", models.get_model, methods=["GET"], include_in_schema=False
)


@router.post(
    "/v1/visualize/chat/completions", openapi_extra=json_body(ChatRequest), responses=errors(*MODEL_CALL)
)
async def create_visualization(request: Request, caller: Who) -> Response:
    """The conversation's last message (another model's answer, a tool's output, any text or data) as UI."""
    req = await read_body(request, ChatRequest)
    check_no_tools(req)
    check_chat_request(req)
    run = await visualize_service(get_state(request).chat).start(req, caller)
    return await answer(request, req, run)
