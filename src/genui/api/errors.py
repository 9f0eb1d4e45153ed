"""Every failure path answers with the OpenAI error body; no stack trace ever reaches a client."""

from __future__ import annotations

import logging
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from genui.errors import ApiError
from genui.models.base import UpstreamError

log = logging.getLogger("genui.api")


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """orjson-encoded JSON (FastAPI's ORJSONResponse is deprecated; this is the same in one line)."""
    return Response(orjson.dumps(data), status_code=status, headers=headers, media_type="application/json")


def error_response(error: ApiError) -> Response:
    return json_response(error.body(), error.status, error.headers)


def from_upstream(exc: UpstreamError) -> ApiError:
    return ApiError(exc.status, exc.message, code=exc.code)


def validation_param(loc: tuple[Any, ...]) -> str | None:
    """`("body", "messages", 0, "role")` -> `messages[0].role`."""
    parts = [p for p in loc if p not in ("body", "query", "path")]
    out = ""
    for p in parts:
        if isinstance(p, int):
            out += f"[{p}]"
        else:
            out += ("." if out else "") + str(p)
    return out or None


def from_validation(errors: list[Any]) -> ApiError:
    first = errors[0] if errors else {}
    param = validation_param(tuple(first.get("loc", ())))
    msg = first.get("msg", "Invalid request")
    text = f"Invalid value for '{param}': {msg}" if param else f"Invalid request: {msg}"
    return ApiError(400, text, param=param, code="invalid_value")


async def response_for(request: Request, exc: Exception) -> Response:
    """The OpenAI error answer for any exception a route raised; unexpected ones are logged as 500s."""
    if isinstance(exc, ApiError):
        return error_response(exc)
    if isinstance(exc, UpstreamError):
        return error_response(from_upstream(exc))
    if isinstance(exc, RequestValidationError):
        return error_response(from_validation(list(exc.errors())))
    if isinstance(exc, StarletteHTTPException):
        if exc.status_code == 404:
            err = ApiError(404, f"Unknown path: {request.method} {request.url.path}", code="not_found")
        elif exc.status_code == 405:
            err = ApiError(
                405,
                f"Method {request.method} not allowed on {request.url.path}",
                type="invalid_request_error",
                code="method_not_allowed",
            )
        else:
            err = ApiError(exc.status_code, str(exc.detail))
        return error_response(err)
    log.exception("unhandled error", extra={"path": request.url.path}, exc_info=exc)
    return error_response(
        ApiError(
            500,
            "The server had an error while processing your request.",
            type="server_error",
            code="internal_error",
        )
    )


def install_error_handlers(app: FastAPI) -> None:
    for kind in (ApiError, UpstreamError, RequestValidationError, StarletteHTTPException, Exception):
        app.add_exception_handler(kind, response_for)
