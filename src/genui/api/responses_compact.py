"""POST /v1/responses/compact (and /v1/embed/responses/compact): parse, call `Compaction`, answer JSON."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from genui.api.body import read_body
from genui.api.deps import Who, get_state
from genui.api.errors import json_response
from genui.api.openapi import WRITE, errors, json_body
from genui.service.compaction import Compaction, CompactRequest

router = APIRouter(tags=["responses"])


@router.post(
    "/v1/embed/responses/compact", openapi_extra=json_body(CompactRequest), responses=errors(*WRITE, 429, 503)
)
@router.post("/v1/responses/compact", include_in_schema=False)
async def compact_response(request: Request, who: Who) -> Response:
    body = await read_body(request, CompactRequest)
    resource, headers = await Compaction(get_state(request).responses).compact(body, who)
    return json_response(resource, headers=headers)
