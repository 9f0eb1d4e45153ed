"""The published contract (`/openapi.json`): the request model of every JSON body, also of the routes that
read their body themselves (the fast lane's, which FastAPI would otherwise leave without one), and the error
statuses the server really sends, in the OpenAI error shape (never FastAPI's 422, which is never sent)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

REF = "#/components/schemas/{model}"
# Every model a route names as its JSON body: their schemas go into the document's components.
BODY_MODELS: dict[str, type[BaseModel]] = {}

DESCRIPTIONS = {
    400: "Invalid request (the `param` names what is wrong)",
    403: "Missing, unknown or revoked API key; or refused in no-auth mode",
    404: "Unknown path, or an id that does not exist for this organization",
    413: "Request body too large",
    415: "The body is not sent as `application/json`",
    429: "Rate limited (`retry-after` and `x-ratelimit-*` headers)",
    500: "Unexpected server error",
    502: "The upstream model failed",
    503: "The upstream model or the rate-limit storage is unavailable",
    504: "The upstream model timed out",
}


class ErrorDetail(BaseModel):
    message: str
    type: str
    param: str | None
    code: str | None


class ErrorBody(BaseModel):
    """Every error answer: `{"error": {"message", "type", "param", "code"}}`."""

    error: ErrorDetail


def json_body(model: type[BaseModel], *, required: bool = True) -> dict[str, Any]:
    """`openapi_extra` of a route whose JSON body is `model` (a route taking only the Request)."""
    BODY_MODELS[model.__name__] = model
    schema = {"$ref": REF.format(model=model.__name__)}
    return {"requestBody": {"required": required, "content": {"application/json": {"schema": schema}}}}


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses` of a route: these error statuses, each with the error body."""
    return {status: {"model": ErrorBody, "description": DESCRIPTIONS[status]} for status in statuses}


AUTHED = (403, 500)
READ = (*AUTHED, 404)
WRITE = (400, *READ, 413, 415)
MODEL_CALL = (*WRITE, 429, 502, 503, 504)


def install_openapi(app: FastAPI) -> None:
    """Serve the document built by `build_openapi` (once, then cached)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build_openapi(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to replace it


def build_openapi(app: FastAPI) -> dict[str, Any]:
    schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    components: dict[str, Any] = schema.setdefault("components", {}).setdefault("schemas", {})
    _, defs = models_json_schema([(model, "validation") for model in BODY_MODELS.values()], ref_template=REF)
    components.update(defs.get("$defs", {}))
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            operation.get("responses", {}).pop("422", None)
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    return schema
