"""POST /v1/responses/compact (and /v1/embed/responses/compact): parse, call `Compaction`, answer JSON."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from genui.api.body import parse_body
from genui.api.deps import authenticate, get_state
from genui.api.errors import json_response
from genui.service.accounting import Caller
from genui.service.compaction import Compaction, CompactRequest

router = APIRouter(tags=["responses"])
Who = Annotated[Caller, Depends(authenticate)]


@router.post("/v1/embed/responses/compact")
@router.post("/v1/responses/compact", include_in_schema=False)
async def compact_response(request: Request, who: Who) -> Response:
    body = parse_body(CompactRequest, await request.body())
    resource, headers = await Compaction(get_state(request).responses).compact(body, who)
    return json_response(resource, headers=headers)
