"""The playground routes (genui.api.playground) on the real app: page, versioned static assets, the render
endpoint."""

from __future__ import annotations

import re

import httpx

from genui.web.assets import asset
from support import LiveServer
from web.web_c1_samples import REAL_ANSWER


def test_playground_page_links_versioned_assets_with_csp(server: LiveServer) -> None:
    response = httpx.get(server.url + "/")
    assert response.status_code == 200
    assert "default-src 'self'" in response.headers["content-security-policy"]
    html = response.text
    for name in ("genui.css", "playground.css", "playground.js"):
        assert f"/static/{name}?v={asset(name).version}" in html
    # every control of the shell is labelled
    assert re.search(r"<label>Model <select id=\"model\"", html)
    assert re.search(r"<label>API key <input id=\"api-key\"", html)


def test_static_assets_cache_forever_only_when_versioned(server: LiveServer) -> None:
    c = httpx.Client(base_url=server.url)
    version = asset("genui.js").version
    pinned = c.get(f"/static/genui.js?v={version}")
    assert pinned.status_code == 200
    assert pinned.headers["content-type"].startswith("text/javascript")
    assert "max-age=31536000" in pinned.headers["cache-control"]
    assert "export function actionMessage" in pinned.text
    assert c.get("/static/genui.js").headers["cache-control"] == "no-cache"


def test_unknown_static_asset_is_an_openai_404(server: LiveServer) -> None:
    response = httpx.get(server.url + "/static/playground.html")
    assert response.status_code == 404
    assert response.json()["error"]["type"] == "not_found_error"


def test_render_endpoint(server: LiveServer) -> None:
    c = httpx.Client(base_url=server.url, headers={"authorization": f"Bearer {server.key}"})
    final = c.post("/v1/render", json={"c1": REAL_ANSWER})
    assert final.status_code == 200
    body = final.json()
    assert body["valid"] is True and "Quarterly revenue vs cost" in body["html"]
    cut = REAL_ANSWER[: REAL_ANSWER.index("TextContent") + 4]
    partial = c.post("/v1/render", json={"c1": cut, "partial": True, "fallback": REAL_ANSWER[:2000]}).json()
    assert partial["valid"] is False and "Could not render" not in partial["html"]
    missing = c.post("/v1/render", json={"partial": True})
    assert missing.status_code == 400 and missing.json()["error"]["param"] == "c1"  # never a 422


def test_render_needs_a_key(server: LiveServer) -> None:
    answer = httpx.post(server.url + "/v1/render", json={"c1": REAL_ANSWER})
    assert answer.status_code == 403 and answer.json()["error"]["code"] == "missing_api_key"
