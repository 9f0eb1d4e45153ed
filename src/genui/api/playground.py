"""The renderer over HTTP: the playground page, its static assets and `POST /v1/render` (the renderer itself,
`genui.web`, knows nothing of HTTP).

`POST /v1/render` needs a key like every `/v1` route (the playground sends the one it is given; no-auth mode
needs none). Its cost is bounded: the body by `render_max_bytes` (413), the nesting of the C1 text by
`MAX_C1_DEPTH` (400 naming the field), and the CPU by `render_concurrency` renders at once, each in a worker
thread so the event loop stays free.
"""

from __future__ import annotations

import re
from functools import partial
from typing import Annotated

import anyio
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from genui.api.body import check_content_type, json_object, validated
from genui.api.deps import authenticate
from genui.api.errors import json_response
from genui.api.openapi import WRITE, errors, json_body
from genui.config import Settings
from genui.errors import ApiError
from genui.service.accounting import Caller
from genui.service.params import STRICT
from genui.web.assets import PUBLIC_ASSETS, asset
from genui.web.page import playground_html
from genui.web.render import render_result

LONG_CACHE = "public, max-age=31536000, immutable"
# Brackets counted in the C1 text, strings included (an over-count only refuses sooner): the renderer walks
# a tree recursively, and our repairer never writes more than about 40 levels.
MAX_C1_DEPTH = 128
_BRACKET = re.compile(r"[\[\]{}]")


class RenderRequest(BaseModel):
    model_config = STRICT
    c1: str
    partial: bool = False
    fallback: str | None = Field(default=None, description="last C1 text that rendered validly (streaming)")


class RenderResponse(BaseModel):
    html: str
    valid: bool


def playground_csp(image_origins: list[str]) -> str:
    """Images only from this server, `data:` URLs and the configured origins: a rendered answer cannot make
    the browser fetch from anywhere else."""
    images = " ".join(["'self'", "data:", *image_origins])
    return (
        f"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src {images}; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'self'"
    )


def nests_deeper(text: str, limit: int = MAX_C1_DEPTH) -> bool:
    if text.count("[") + text.count("{") <= limit:
        return False
    depth = 0
    for match in _BRACKET.finditer(text):
        if match.group() in "[{":
            depth += 1
            if depth > limit:
                return True
        elif depth:
            depth -= 1
    return False


def router_for(settings: Settings) -> APIRouter:
    router = APIRouter(tags=["playground"])
    csp = playground_csp(settings.playground_image_origins)
    limiter: anyio.CapacityLimiter | None = None  # made on first use, inside the app's event loop

    @router.get("/", response_class=HTMLResponse, include_in_schema=False)
    def playground() -> HTMLResponse:
        return HTMLResponse(
            playground_html(), headers={"Content-Security-Policy": csp, "Cache-Control": "no-cache"}
        )

    @router.get("/static/{name}", include_in_schema=False)
    def static_asset(name: str, request: Request) -> Response:
        if name not in PUBLIC_ASSETS:
            raise ApiError(404, f"No static asset named {name!r}", code="not_found")
        item = asset(name)
        # only a URL pinned to this exact content may be cached forever; an unversioned one revalidates
        cache = LONG_CACHE if request.query_params.get("v") == item.version else "no-cache"
        return Response(
            item.body,
            media_type=item.media_type,
            headers={"Cache-Control": cache, "ETag": f'"{item.version}"'},
        )

    @router.post(
        "/v1/render",
        response_model=RenderResponse,
        openapi_extra=json_body(RenderRequest),
        responses=errors(*WRITE),
    )
    async def render(request: Request, who: Annotated[Caller, Depends(authenticate)]) -> Response:
        """Render C1 text (a whole C1 Response, or a streamed prefix with `partial`) to HTML."""
        nonlocal limiter
        raw = await request.body()
        if len(raw) > settings.render_max_bytes:
            raise ApiError(
                413,
                f"Render requests are limited to {settings.render_max_bytes} bytes.",
                code="request_too_large",
            )
        check_content_type(request, raw)
        body = validated(RenderRequest, json_object(raw))
        for name, text in (("c1", body.c1), ("fallback", body.fallback or "")):
            if nests_deeper(text):
                raise ApiError(
                    400,
                    f"'{name}' nests deeper than {MAX_C1_DEPTH} levels.",
                    param=name,
                    code="invalid_value",
                )
        limiter = limiter or anyio.CapacityLimiter(settings.render_concurrency)
        work = partial(render_result, body.c1, partial=body.partial, fallback=body.fallback)
        result = await anyio.to_thread.run_sync(work, limiter=limiter)
        return json_response({"html": result.html, "valid": result.valid})

    return router
