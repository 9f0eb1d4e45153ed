"""Health, readiness (database and rate-limit storage) and Prometheus metrics (exposure set by
`metrics_access`)."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import text

from genui.api.deps import authenticate, get_state
from genui.api.errors import json_response
from genui.api.metrics import CONTENT_TYPE, exposition
from genui.api.openapi import errors
from genui.config import is_loopback
from genui.errors import ApiError

router = APIRouter(tags=["admin"])
CHECK_SECONDS = 2.0


@router.get("/healthz")
async def healthz() -> Response:
    return json_response({"status": "ok"})


@router.get("/readyz", responses=errors(503))
async def readyz(request: Request) -> Response:
    """Ready when the database answers and the rate-limit storage does (or, with `rate_limit_fallback_local`,
    when requests are counted in memory meanwhile)."""
    state = get_state(request)
    body: dict[str, str] = {"status": "ready", "database": "ok"}
    try:
        async with asyncio.timeout(CHECK_SECONDS), state.db.transaction() as session:
            await session.execute(text("SELECT 1"))
    except Exception as exc:  # any database failure means not ready
        return json_response({"status": "unavailable", "database": str(exc)[:200] or "timeout"}, status=503)
    storage = await state.accounting.storage_state()
    body["rate_limit_storage"] = storage
    if storage == "unreachable":
        return json_response({**body, "status": "unavailable"}, status=503)
    return json_response(body)


@router.get("/metrics", responses=errors(403, 404))
async def metrics(request: Request) -> Response:
    access = get_state(request).settings.metrics_access
    if access == "off":
        raise ApiError(404, 'Metrics are not exposed (metrics_access = "off").', code="not_found")
    if access == "loopback":
        client = request.scope.get("client")
        if client is None or not is_loopback(str(client[0])):
            raise ApiError(
                403,
                'Metrics are served to loopback clients only (metrics_access = "loopback").',
                type="permission_denied_error",
                code="metrics_not_exposed",
            )
    elif access == "key":
        await authenticate(request)
    return Response(exposition(), media_type=CONTENT_TYPE)
