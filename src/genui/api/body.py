"""Request bodies: JSON parsing and pydantic validation that fail as OpenAI 400s, never as 422s."""

from __future__ import annotations

from typing import Any, TypeVar

import orjson
from pydantic import BaseModel, ValidationError

from genui.api.errors import from_validation
from genui.errors import ApiError

M = TypeVar("M", bound=BaseModel)


def json_object(raw: bytes, *, allow_empty: bool = False) -> dict[str, Any]:
    if allow_empty and not raw.strip():
        return {}
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise ApiError(400, f"The request body is not valid JSON: {exc}", code="invalid_json") from None
    if not isinstance(data, dict):
        raise ApiError(400, "The request body must be a JSON object.", code="invalid_json")
    return data


def validated(model: type[M], data: dict[str, Any]) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise from_validation(list(exc.errors())) from None


def parse_body(model: type[M], raw: bytes, *, allow_empty: bool = False) -> M:
    return validated(model, json_object(raw, allow_empty=allow_empty))
