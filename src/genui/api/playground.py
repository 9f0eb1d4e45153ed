"""The renderer over HTTP: the playground page, its static assets and `POST /v1/render` (the renderer itself,
`genui.web`, knows nothing of HTTP)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from genui.errors import ApiError
from genui.web.assets import PUBLIC_ASSETS, asset
from genui.web.page import playground_html
from genui.web.render import render_result

router = APIRouter()

PLAYGROUND_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' http: https:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'self'"
)
LONG_CACHE = "public, max-age=31536000, immutable"


class RenderRequest(BaseModel):
    c1: str
    partial: bool = False
    fallback: str | None = Field(default=None, description="last C1 text that rendered validly (streaming)")


class RenderResponse(BaseModel):
    html: str
    valid: bool


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def playground() -> HTMLResponse:
    return HTMLResponse(
        playground_html(), headers={"Content-Security-Policy": PLAYGROUND_CSP, "Cache-Control": "no-cache"}
    )


@router.get("/static/{name}", include_in_schema=False)
def static_asset(name: str, request: Request) -> Response:
    if name not in PUBLIC_ASSETS:
        raise ApiError(404, f"No static asset named {name!r}", code="not_found")
    item = asset(name)
    # only a URL pinned to this exact content may be cached forever; an unversioned one revalidates
    cache = LONG_CACHE if request.query_params.get("v") == item.version else "no-cache"
    return Response(
        item.body, media_type=item.media_type, headers={"Cache-Control": cache, "ETag": f'"{item.version}"'}
    )


@router.post("/v1/render", response_model=RenderResponse)
def render(body: RenderRequest) -> RenderResponse:
    """Render C1 text to HTML (pure; bounded by the app's body limit). Runs in the threadpool: CPU-bound."""
    result = render_result(body.c1, partial=body.partial, fallback=body.fallback)
    return RenderResponse(html=result.html, valid=result.valid)
