"""What keeps no-auth mode local: without keys, the server answers only requests that arrived on a loopback
address of its own (the real socket, whatever the settings say), name a loopback host (so DNS rebinding cannot
read anything), and come from no other web origin (so a web page cannot drive the server)."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.types import ASGIApp, Receive, Scope, Send

from genui.api.access import SCOPE_KEY, AccessRecord
from genui.api.errors import error_response
from genui.config import is_loopback
from genui.errors import ApiError

DEFAULT_PORTS = {"http": 80, "https": 443}


def _forbidden(message: str, code: str) -> ApiError:
    return ApiError(403, message, type="permission_denied_error", code=code)


def loopback_name(host: str) -> bool:
    """A name that can only mean this machine: a loopback address, `localhost` or a `*.localhost` name."""
    host = host.lower().rstrip(".")
    return is_loopback(host) or host.endswith(".localhost")


def split_host(value: str, default_port: int) -> tuple[str, int] | None:
    """`"[::1]:8000"` -> ("::1", 8000); None when it does not parse."""
    parsed = urlsplit("//" + value)
    try:
        port = parsed.port
    except ValueError:
        return None
    if not parsed.hostname:
        return None
    return parsed.hostname, port if port is not None else default_port


def refusal(scope: Scope) -> ApiError | None:
    """Why this request may not be served without a key, or None."""
    server = scope.get("server")
    if server is not None and server[1] is not None and not is_loopback(str(server[0])):
        return _forbidden(
            "No-auth mode serves only connections to a loopback address of this server.", "not_loopback"
        )
    headers = dict(scope.get("headers") or [])
    host = split_host(headers.get(b"host", b"").decode("latin-1"), DEFAULT_PORTS["http"])
    if host is None or not loopback_name(host[0]):
        return _forbidden("No-auth mode answers only requests for a loopback host name.", "host_not_allowed")
    origin = headers.get(b"origin")
    if origin is not None:
        parsed = urlsplit(origin.decode("latin-1"))
        where = split_host(parsed.netloc, DEFAULT_PORTS.get(parsed.scheme, -1)) if parsed.netloc else None
        if where is None or where != host:
            return _forbidden(
                "No-auth mode answers only its own pages: this request comes from another web origin.",
                "origin_not_allowed",
            )
    return None


class LocalOnly:
    """ASGI middleware of no-auth mode (see the module doc); refusals are OpenAI-shaped 403s."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):  # a web page may open a WebSocket to anyone: guard it too
            refused = refusal(scope)
            if refused is not None:
                record = scope.get(SCOPE_KEY)
                if isinstance(record, AccessRecord):
                    record.error_code = refused.code
                await error_response(refused)(scope, receive, send)
                return
        await self.app(scope, receive, send)
