"""Health, readiness and Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import text

from genui.api.deps import get_state
from genui.api.errors import json_response
from genui.api.metrics import CONTENT_TYPE, exposition

router = APIRouter(tags=["admin"])


@router.get("/healthz")
async def healthz() -> Response:
    return json_response({"status": "ok"})


@router.get("/readyz")
async def readyz(request: Request) -> Response:
    state = get_state(request)
    try:
        async with state.db.transaction() as session:
            await session.execute(text("SELECT 1"))
    except Exception as exc:  # any database failure means not ready
        return json_response({"status": "unavailable", "database": str(exc)[:200]}, status=503)
    return json_response({"status": "ready"})


@router.get("/metrics")
async def metrics() -> Response:
    return Response(exposition(), media_type=CONTENT_TYPE)
