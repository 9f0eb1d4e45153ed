"""GET /v1/embed/models and /v1/models: the `c1-embed-latest` alias first, then every configured name (and, in
/v1/models, the artifact model); GET /v1/artifact/models: the artifact model."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from genui.api.deps import Who, get_state
from genui.api.errors import json_response
from genui.api.openapi import AUTHED, READ, errors
from genui.config import LATEST_ALIAS
from genui.errors import ApiError
from genui.service.artifacts import ARTIFACT_MODEL, is_artifact_model

router = APIRouter(tags=["models"])


def _model(name: str, owned_by: str) -> dict[str, object]:
    return {"id": name, "object": "model", "created": 0, "owned_by": owned_by}


@router.get("/v1/embed/models", responses=errors(*AUTHED))
@router.get("/v1/models", include_in_schema=False)
async def list_models(request: Request, who: Who) -> Response:
    # registry.list() holds every configured model and the alias once; a stable sort puts the alias first
    listed = sorted(get_state(request).registry.list(), key=lambda m: m.name != LATEST_ALIAS)
    data = [_model(m.name, "genui" if m.name == LATEST_ALIAS else m.provider_name) for m in listed]
    # the whole API's list (and /v1/artifact's) holds the artifact model; embed and visualize take the rest
    if not request.url.path.startswith(("/v1/embed/", "/v1/visualize/")):
        data.append(_model(ARTIFACT_MODEL, "genui"))
    return json_response({"object": "list", "data": data})


@router.get("/v1/artifact/models", responses=errors(*AUTHED))
async def list_artifact_models(who: Who) -> Response:
    """The artifact endpoint's model (every `c1/artifact/v-<date>`, and configured names, are accepted)."""
    return json_response({"object": "list", "data": [_model(ARTIFACT_MODEL, "genui")]})


@router.get("/v1/embed/models/{model_id:path}", responses=errors(*READ))
@router.get("/v1/models/{model_id:path}", include_in_schema=False)
async def get_model(request: Request, model_id: str, who: Who) -> Response:
    if is_artifact_model(model_id):
        return json_response(_model(model_id, "genui"))
    try:
        resolved = get_state(request).registry.resolve(model_id)
    except ApiError:
        raise ApiError(
            404, f"The model '{model_id}' does not exist.", param="model", code="model_not_found"
        ) from None
    return json_response(_model(model_id, resolved.provider_name))
