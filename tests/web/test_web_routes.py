"""The web router: playground page, versioned static assets, the render endpoint."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from web_c1_samples import REAL_ANSWER
from web_fake_api import FakeState, make_app

from genui.web.assets import asset


def client() -> TestClient:
    return TestClient(make_app(FakeState()))


def test_playground_page_links_versioned_assets_with_csp() -> None:
    response = client().get("/")
    assert response.status_code == 200
    assert "default-src 'self'" in response.headers["content-security-policy"]
    html = response.text
    for name in ("genui.css", "playground.css", "playground.js"):
        assert f"/static/{name}?v={asset(name).version}" in html
    # every control of the shell is labelled
    assert re.search(r"<label>Model <select id=\"model\"", html)
    assert re.search(r"<label>API key <input id=\"api-key\"", html)


def test_static_assets_cache_forever_only_when_versioned() -> None:
    c = client()
    version = asset("genui.js").version
    pinned = c.get(f"/static/genui.js?v={version}")
    assert pinned.status_code == 200
    assert pinned.headers["content-type"].startswith("text/javascript")
    assert "max-age=31536000" in pinned.headers["cache-control"]
    assert "export function actionMessage" in pinned.text
    assert c.get("/static/genui.js").headers["cache-control"] == "no-cache"


def test_unknown_static_asset_is_an_openai_404() -> None:
    response = client().get("/static/playground.html")
    assert response.status_code == 404
    assert response.json()["error"]["type"] == "not_found_error"


def test_render_endpoint() -> None:
    c = client()
    final = c.post("/v1/render", json={"c1": REAL_ANSWER})
    assert final.status_code == 200
    body = final.json()
    assert body["valid"] is True and "Quarterly revenue vs cost" in body["html"]
    cut = REAL_ANSWER[: REAL_ANSWER.index("TextContent") + 4]
    partial = c.post("/v1/render", json={"c1": cut, "partial": True, "fallback": REAL_ANSWER[:2000]}).json()
    assert partial["valid"] is False and "Could not render" not in partial["html"]
    assert c.post("/v1/render", json={"partial": True}).status_code == 422
