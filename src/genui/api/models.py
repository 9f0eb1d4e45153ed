"""GET /v1/embed/models and /v1/models: the configured model names and the alias."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from genui.api.deps import Principal, get_state, principal
from genui.api.errors import json_response
from genui.config import LATEST_ALIAS
from genui.errors import ApiError

router = APIRouter(tags=["models"])


def _model(name: str, owned_by: str) -> dict[str, object]:
    return {"id": name, "object": "model", "created": 0, "owned_by": owned_by}


@router.get("/v1/embed/models")
@router.get("/v1/models", include_in_schema=False)
async def list_models(request: Request, who: Annotated[Principal, Depends(principal)]) -> Response:
    state = get_state(request)
    data = [_model(LATEST_ALIAS, "genui")]
    data += [_model(m.name, m.provider_name) for m in state.registry.list()]
    return json_response({"object": "list", "data": data})


@router.get("/v1/embed/models/{model_id:path}")
@router.get("/v1/models/{model_id:path}", include_in_schema=False)
async def get_model(
    request: Request, model_id: str, who: Annotated[Principal, Depends(principal)]
) -> Response:
    state = get_state(request)
    try:
        resolved = state.registry.resolve(model_id)
    except ApiError:
        raise ApiError(
            404, f"The model '{model_id}' does not exist.", param="model", code="model_not_found"
        ) from None
    return json_response(_model(model_id, resolved.provider_name))
