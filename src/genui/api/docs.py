"""`/docs`: Swagger UI served from this server, its assets from the pinned `swagger-ui-py` package (no CDN,
so nothing unverified is loaded and the page works offline)."""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

from fastapi import APIRouter
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, Response

from genui.errors import ApiError

ASSETS = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "favicon-32x32.png": "image/png",
}
# The page's inline script starts Swagger UI; everything else comes from this server.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
router = APIRouter(include_in_schema=False)


@cache
def _asset(name: str) -> bytes:
    spec = importlib.util.find_spec("swagger_ui")  # located, not imported: only its static files are used
    if spec is None or spec.origin is None:
        raise ApiError(404, "Swagger UI is not installed.", code="not_found")
    return (Path(spec.origin).parent / "static" / name).read_bytes()


@router.get("/docs")
def docs() -> HTMLResponse:
    page = get_swagger_ui_html(
        openapi_url="/openapi.json",
        title="genui API",
        swagger_js_url="/docs/assets/swagger-ui-bundle.js",
        swagger_css_url="/docs/assets/swagger-ui.css",
        swagger_favicon_url="/docs/assets/favicon-32x32.png",
    )
    page.headers["content-security-policy"] = DOCS_CSP
    return page


@router.get("/docs/assets/{name}")
def docs_asset(name: str) -> Response:
    if name not in ASSETS:
        raise ApiError(404, f"No docs asset named {name!r}", code="not_found")
    return Response(_asset(name), media_type=ASSETS[name], headers={"cache-control": "public, max-age=86400"})
