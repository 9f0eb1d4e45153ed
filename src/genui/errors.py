"""The one error type every layer raises for a client-visible failure; the API renders the OpenAI body."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """An OpenAI-format error: {"error": {"message", "type", "param", "code"}} with an HTTP status."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str | None = None,
        param: str | None = None,
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type or default_type(status)
        self.param = param
        self.code = code
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return {"error": {"message": self.message, "type": self.type, "param": self.param, "code": self.code}}


def default_type(status: int) -> str:
    if status == 403:
        return "permission_denied_error"
    if status == 404:
        return "not_found_error"
    if status == 429:
        return "rate_limit_error"
    if status in (400, 413, 422):
        return "invalid_request_error"
    if status >= 500:
        return "api_error" if status == 500 else "upstream_error"
    return "invalid_request_error"
