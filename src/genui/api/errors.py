"""Every failure path answers with the OpenAI error body; no stack trace ever reaches a client."""

from __future__ import annotations

import logging
import re
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.routing import iter_route_contexts
from starlette.exceptions import HTTPException as StarletteHTTPException

from genui.api.access import access_record
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


# What pydantic puts in an error's location for the member of a union it tried (`str`, `list[str]`,
# `function-after[...]`): a type, not a parameter name.
_UNION_MEMBER = re.compile(r"^(str|int|float|bool|bytes|none|[a-z-]+\[.*\]|[a-z]+(-[a-z]+)+)$")


def validation_param(loc: tuple[Any, ...]) -> str | None:
    """`("body", "messages", 0, "role")` -> `messages[0].role`."""
    parts = [
        p
        for p in loc
        if p not in ("body", "query", "path") and not (isinstance(p, str) and _UNION_MEMBER.match(p))
    ]
    out = ""
    for p in parts:
        if isinstance(p, int):
            out += f"[{p}]"
        else:
            out += ("." if out else "") + str(p)
    return out or None


def from_validation(errors: list[Any]) -> ApiError:
    """The most specific error (the longest location: of a union's members, the one that got furthest)."""
    first: dict[str, Any] = max(errors, key=lambda e: len(e.get("loc", ())), default={})
    param = validation_param(tuple(first.get("loc", ())))
    msg = first.get("msg", "Invalid request")
    text = f"Invalid value for '{param}': {msg}" if param else f"Invalid request: {msg}"
    return ApiError(400, text, param=param, code="invalid_value")


def allowed_methods(request: Request) -> str:
    """Every method some route serves at this path (for a 405's `Allow`; one route answers only its own)."""
    methods: set[str] = set()
    for route in iter_route_contexts(request.app.routes):
        pattern = getattr(route, "path_regex", None)
        if pattern is not None and pattern.match(request.url.path):
            methods.update(route.methods or ())
    return ", ".join(sorted(methods))


def _http_error(request: Request, exc: StarletteHTTPException) -> ApiError:
    if exc.status_code == 404:
        return ApiError(404, f"Unknown path: {request.method} {request.url.path}", code="not_found")
    if exc.status_code == 405:
        return ApiError(
            405,
            f"Method {request.method} not allowed on {request.url.path}",
            type="invalid_request_error",
            code="method_not_allowed",
            headers={"Allow": allowed_methods(request)},
        )
    return ApiError(exc.status_code, str(exc.detail))


async def response_for(request: Request, exc: Exception) -> Response:
    """The OpenAI error answer for any exception a route raised; unexpected ones are logged as 500s (one JSON
    line with the request id and the traceback)."""
    record = access_record(request)
    if isinstance(exc, ApiError):
        err = exc
    elif isinstance(exc, UpstreamError):
        err = from_upstream(exc)
    elif isinstance(exc, RequestValidationError):
        err = from_validation(list(exc.errors()))
    elif isinstance(exc, StarletteHTTPException):
        err = _http_error(request, exc)
    else:
        log.error(
            "unhandled error",
            exc_info=exc,
            extra={"path": request.url.path, "request_id": record.request_id if record else None},
        )
        err = ApiError(
            500,
            "The server had an error while processing your request.",
            type="server_error",
            code="internal_error",
        )
    if record is not None:
        record.error_code = err.code
    return error_response(err)


def install_error_handlers(app: FastAPI) -> None:
    for kind in (ApiError, UpstreamError, RequestValidationError, StarletteHTTPException, Exception):
        app.add_exception_handler(kind, response_for)
