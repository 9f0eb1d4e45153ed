"""Request bodies: JSON only (415 for another media type), parsed, bounded in depth and validated by pydantic,
every failure an OpenAI 400 naming the parameter (never a 422)."""

from __future__ import annotations

from typing import Any, TypeVar

import orjson
from fastapi import Request
from pydantic import BaseModel, ValidationError

from genui.api.errors import from_validation
from genui.errors import ApiError
from genui.service.nesting import MAX_JSON_DEPTH, may_nest_deeper, too_deep

M = TypeVar("M", bound=BaseModel)


def is_json(content_type: str | None) -> bool:
    """`application/json`, with parameters (`; charset=utf-8`) or not."""
    if not content_type:
        return False
    return content_type.partition(";")[0].strip().lower() == "application/json"


def check_content_type(request: Request, raw: bytes) -> None:
    """A body must say it is JSON: a form or `text/plain` post (what a web page can send cross-site without
    asking) is refused before it is read as JSON."""
    if raw and not is_json(request.headers.get("content-type")):
        raise ApiError(
            415,
            "The request body must be JSON, sent with 'Content-Type: application/json'.",
            type="invalid_request_error",
            code="unsupported_media_type",
        )


def json_object(raw: bytes, *, allow_empty: bool = False) -> dict[str, Any]:
    if allow_empty and not raw.strip():
        return {}
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise ApiError(400, f"The request body is not valid JSON: {exc}", code="invalid_json") from None
    if not isinstance(data, dict):
        raise ApiError(400, "The request body must be a JSON object.", code="invalid_json")
    where = too_deep(data) if may_nest_deeper(raw) else None
    if where is not None:
        raise ApiError(
            400,
            f"The request body nests deeper than {MAX_JSON_DEPTH} levels (at '{where}').",
            param=where or None,
            code="invalid_value",
        )
    return data


def validated(model: type[M], data: dict[str, Any]) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise from_validation(list(exc.errors())) from None


async def read_json(request: Request, *, allow_empty: bool = False) -> dict[str, Any]:
    """The body as a JSON object: media type checked, parsed, depth bounded."""
    raw = await request.body()
    check_content_type(request, raw)
    return json_object(raw, allow_empty=allow_empty)


async def read_body(request: Request, model: type[M], *, allow_empty: bool = False) -> M:
    return validated(model, await read_json(request, allow_empty=allow_empty))
