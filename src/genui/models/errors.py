"""Map upstream HTTP outcomes to `UpstreamError` (what the gateway answers, and whether a retry may help)."""

from __future__ import annotations

import email.utils
import time
from collections.abc import Mapping
from typing import Any

from genui.models.base import UpstreamError

MAX_UPSTREAM_MESSAGE = 500
# Upstream refusals of the request itself (too long a context, a bad tool schema, an unknown upstream model):
# the client gets the same status class with the upstream's code and message; no retry, no fallback.
CLIENT_ERROR_STATUSES = frozenset({400, 404, 413, 422})


def retry_after_seconds(headers: Mapping[str, str] | None) -> float | None:
    """Seconds from `retry-after-ms` / `retry-after` (delta seconds or an HTTP date), if present and sane."""
    if not headers:
        return None
    raw_ms = headers.get("retry-after-ms")
    if raw_ms:
        try:
            return max(0.0, float(raw_ms) / 1000)
        except ValueError:
            pass
    raw = headers.get("retry-after")
    if not raw:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(raw) if raw else None
        return max(0.0, parsed.timestamp() - time.time()) if parsed is not None else None


def upstream_message(body: Any, fallback: str) -> str:
    """What the upstream said, from an OpenAI/Anthropic-style error body, trimmed."""
    message: Any = None
    if isinstance(body, dict):
        error = body.get("error", body)
        message = error.get("message") if isinstance(error, dict) else error
    text = str(message or fallback)
    return text[:MAX_UPSTREAM_MESSAGE]


def upstream_code(body: Any) -> str | None:
    """The `error.code` of an OpenAI-style error body, else its `error.type` (Anthropic sends no code)."""
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return None
    code = error.get("code") or error.get("type")
    return str(code)[:64] if code else None


def is_client_error(exc: UpstreamError) -> bool:
    """An upstream refusal of this request (CLIENT_ERROR_STATUSES): another try or model would not help."""
    return 400 <= exc.status < 500 and exc.status != 429


def from_status(
    provider: str, status: int, message: str, headers: Mapping[str, str] | None, code: str | None = None
) -> UpstreamError:
    """429 -> 429 retryable; 5xx (and 408/409) -> 502 retryable; 400/404/413/422 -> the same status (422 ->
    400, genui's validation status) with the upstream's code and message; other 4xx (401, 403: genui's own
    upstream credentials) -> 502 not retryable."""
    if status in CLIENT_ERROR_STATUSES:
        return UpstreamError(
            message, status=400 if status == 422 else status, code=code or "upstream_invalid_request"
        )
    detail = f"{provider} upstream returned {status}: {message}"
    if status == 429:
        return UpstreamError(
            detail,
            status=429,
            code="upstream_rate_limited",
            retryable=True,
            retry_after=retry_after_seconds(headers),
        )
    if status >= 500 or status in (408, 409):
        return UpstreamError(detail, status=502, retryable=True, retry_after=retry_after_seconds(headers))
    return UpstreamError(detail, status=502, retryable=False)


def from_transport(provider: str, exc: BaseException) -> UpstreamError:
    """Timeouts -> 504 retryable; connection and protocol failures -> 502 retryable."""
    # by name, not by class: httpx's, httpx2's (the anthropic SDK's) and aiohttp's timeouts all say so, and
    # importing those libraries here would load them into every worker
    if isinstance(exc, TimeoutError) or "timeout" in type(exc).__name__.lower():
        return UpstreamError(
            f"{provider} upstream timed out", status=504, code="upstream_timeout", retryable=True
        )
    reason = str(exc) or type(exc).__name__
    return UpstreamError(
        f"{provider} upstream connection failed: {reason}"[:MAX_UPSTREAM_MESSAGE],
        status=502,
        code="upstream_connection_error",
        retryable=True,
    )
