"""Pure ASGI middleware (cheaper than BaseHTTPMiddleware on the hot path): request id, the request body limit,
security headers, metrics, and one JSON access-log line per request."""

from __future__ import annotations

import logging
import secrets
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from genui.api.access import SCOPE_KEY, AccessRecord
from genui.api.errors import error_response
from genui.api.metrics import latency_histogram, request_counter
from genui.errors import ApiError

access_log = logging.getLogger("genui.access")
# On every answer: a browser must never guess another content type than the one sent.
SECURITY_HEADERS = [(b"x-content-type-options", b"nosniff")]


class RequestContext:
    """Sets `x-request-id` and the security headers, enforces the body limit (413), counts each request and
    logs one JSON line for it."""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        record = AccessRecord(request_id=_header(scope, b"x-request-id") or "req_" + secrets.token_hex(12))
        scope[SCOPE_KEY] = record
        status = 500
        limit = self.max_body_bytes
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _too_large(limit)  # an ApiError: the app's handler answers 413
            return message

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", record.request_id.encode()),
                    *SECURITY_HEADERS,
                ]
                latency_histogram(_route(scope)).observe(time.perf_counter() - started)
            await send(message)

        try:
            declared = _header(scope, b"content-length")
            if declared is not None and declared.isdigit() and int(declared) > limit:
                record.error_code = "request_too_large"
                await error_response(_too_large(limit))(scope, receive, send_with_id)
            else:
                await self.app(scope, limited_receive, send_with_id)
        finally:
            self._done(scope, status, started, record)

    def _done(self, scope: Scope, status: int, started: float, record: AccessRecord) -> None:
        request_counter(_route(scope), scope.get("method", ""), status).inc()
        if not access_log.isEnabledFor(logging.INFO):
            return
        run = record.run
        usage = run.usage if run is not None else None
        access_log.info(
            "request",
            extra={
                "request_id": record.request_id,
                "org": record.org_id,
                "key_id": record.key_id,
                "model": run.model_name if run is not None else None,
                "method": scope.get("method"),
                "path": scope.get("path"),
                "status": status,
                "input_tokens": usage.input_tokens if usage is not None else None,
                "output_tokens": usage.output_tokens if usage is not None else None,
                "ms": round((time.perf_counter() - started) * 1000, 2),
                "repairs": run.repairs if run is not None else None,
                "error": record.error_code or (run.error_code if run is not None else None),
            },
        )


def _route(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    return str(path) if path else "unmatched"


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return None


def _too_large(limit: int) -> ApiError:
    return ApiError(413, f"Request body too large: the limit is {limit} bytes.", code="request_too_large")
