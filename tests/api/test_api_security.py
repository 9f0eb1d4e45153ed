"""Safe by default: no-auth mode serves only this machine (real socket, Host, Origin), every answer says
`nosniff`, /docs loads nothing from elsewhere, the playground loads images only from itself, /metrics is
exposed as configured, and renders run off the event loop under a concurrency cap."""

from __future__ import annotations

import asyncio
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from fakes.upstream import ScriptedUpstream
from genui.api import playground
from genui.config import Settings
from support import FAKE_MODEL, LiveServer, asgi_client, free_port, upstream_settings
from web.web_c1_samples import REAL_ANSWER

ASK = {"model": FAKE_MODEL, "messages": [{"role": "user", "content": "Show revenue"}]}


@pytest.fixture
def no_auth(tmp_path: Path, scripted_upstream: ScriptedUpstream) -> Settings:
    return upstream_settings(tmp_path / "local", scripted_upstream, no_auth=True)


async def test_no_auth_serves_this_machine_without_a_key(no_auth: Settings) -> None:
    async with asgi_client(no_auth) as http:
        assert (await http.get("/v1/embed/models")).status_code == 200
        same_origin = {"origin": "http://127.0.0.1:8000"}
        answer = await http.post("/v1/embed/chat/completions", json=ASK, headers=same_origin)
        assert answer.status_code == 200, answer.text
    async with asgi_client(no_auth, base_url="http://localhost:8000") as http:
        assert (
            await http.get("/v1/conversations/conv_x", headers={"origin": "http://localhost:8000"})
        ).status_code == 404


@pytest.mark.parametrize(
    ("base_url", "headers", "code"),
    [
        ("http://192.0.2.2:8000", {}, "not_loopback"),  # arrived on a non-loopback address of the server
        ("http://127.0.0.1:8000", {"host": "attacker.example:8000"}, "host_not_allowed"),  # DNS rebinding
        ("http://127.0.0.1:8000", {"host": "127.0.0.1.nip.io"}, "host_not_allowed"),
        ("http://127.0.0.1:8000", {"origin": "https://attacker.example"}, "origin_not_allowed"),  # a web page
        ("http://127.0.0.1:8000", {"origin": "http://127.0.0.1:9999"}, "origin_not_allowed"),  # another port
        ("http://127.0.0.1:8000", {"origin": "null"}, "origin_not_allowed"),  # a sandboxed or file:// page
    ],
)
async def test_no_auth_refuses_what_is_not_this_machine(
    no_auth: Settings, base_url: str, headers: dict[str, str], code: str
) -> None:
    async with asgi_client(no_auth, base_url=base_url) as http:
        for method, path, body in (
            ("GET", "/v1/conversations/conv_x", None),
            ("POST", "/v1/embed/chat/completions", ASK),
            ("GET", "/", None),
        ):
            answer = await http.request(method, path, json=body, headers=headers)
            assert answer.status_code == 403, (method, path, answer.text)
            assert answer.json()["error"]["code"] == code


async def test_a_cross_site_form_post_is_refused_before_it_is_read(no_auth: Settings) -> None:
    """What a web page may send without asking: text/plain bodies. They are not JSON: 415, no model call."""
    async with asgi_client(no_auth) as http:
        answer = await http.post(
            "/v1/embed/chat/completions",
            content=b'{"model": "x", "messages": [{"role": "user", "content": "hi"}]}',
            headers={"content-type": "text/plain"},
        )
    assert answer.status_code == 415 and answer.json()["error"]["code"] == "unsupported_media_type"


@pytest.mark.slow
def test_no_auth_on_a_public_socket_refuses_network_requests(tmp_path: Path) -> None:
    """`uvicorn genui.api.app:create_app --factory` with GENUI_NO_AUTH=true on 0.0.0.0: the settings say
    127.0.0.1, the socket does not; a request arriving on a non-loopback address is refused."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    probe.connect(("10.254.254.254", 1))  # picks the outgoing interface; sends nothing
    public_ip = probe.getsockname()[0]
    probe.close()
    assert not public_ip.startswith("127."), "this test needs a non-loopback interface"
    port = free_port()
    env = {"GENUI_NO_AUTH": "true", "GENUI_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    command = [sys.executable, "-m", "uvicorn", "genui.api.app:create_app", "--factory", "--host", "0.0.0.0"]
    proc = subprocess.Popen(
        [*command, "--port", str(port)], env={**env, **_python_env()}, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                assert time.monotonic() < deadline and proc.poll() is None, "uvicorn did not start"
                time.sleep(0.1)
        local = httpx.get(f"http://127.0.0.1:{port}/v1/embed/models")
        assert local.status_code == 200
        remote = httpx.get(f"http://{public_ip}:{port}/v1/embed/models", headers={"host": "127.0.0.1"})
        assert remote.status_code == 403 and remote.json()["error"]["code"] == "not_loopback"
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def _python_env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k in ("PYTHONPATH", "HOME", "VIRTUAL_ENV")}


def test_every_answer_says_nosniff(server: LiveServer) -> None:
    http = httpx.Client(base_url=server.url)
    answers = [
        http.get("/"),
        http.get("/healthz"),
        http.get("/docs"),
        http.get("/openapi.json"),
        http.get("/v1/embed/models"),  # 403
        http.get("/nowhere"),  # 404
        http.post("/v1/embed/chat/completions", json={}),  # 403
        http.post("/v1/embed/chat/completions", json=ASK, headers={"authorization": f"Bearer {server.key}"}),
        http.post(
            "/v1/render", content=b"x" * 3_000_000, headers={"content-type": "application/json"}
        ),  # 413
    ]
    for answer in answers:
        assert answer.headers["x-content-type-options"] == "nosniff", answer.request.url


def test_docs_load_nothing_from_elsewhere(server: LiveServer) -> None:
    http = httpx.Client(base_url=server.url)
    page = http.get("/docs")
    assert page.status_code == 200 and "SwaggerUIBundle" in page.text
    urls = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert urls and all(url.startswith("/docs/assets/") for url in urls), urls
    assert "default-src 'self'" in page.headers["content-security-policy"]
    for url in urls:
        asset = http.get(url)
        assert asset.status_code == 200 and len(asset.content) > 1000, url
    assert http.get("/docs/assets/swagger-editor.js").status_code == 404  # only the assets the page uses
    assert http.get("/redoc").status_code == 404  # ReDoc would load from a CDN
    spec = http.get("/openapi.json").json()
    assert spec["openapi"].startswith("3.1")


def _img_src(csp: str) -> list[str]:
    directive = next(d.strip() for d in csp.split(";") if d.strip().startswith("img-src"))
    return directive.split()[1:]


def test_the_playground_loads_images_only_from_itself(make_server: Callable[..., LiveServer]) -> None:
    default = httpx.get(make_server().url + "/")
    assert _img_src(default.headers["content-security-policy"]) == ["'self'", "data:"]
    allowed = make_server(playground_image_origins=["https://images.example.com"])
    csp = httpx.get(allowed.url + "/").headers["content-security-policy"]
    assert _img_src(csp) == ["'self'", "data:", "https://images.example.com"]


@pytest.mark.parametrize(
    ("access", "peer", "key", "status"),
    [
        ("loopback", "127.0.0.1", False, 200),
        ("loopback", "192.0.2.7", False, 403),
        ("loopback", "192.0.2.7", True, 403),
        ("key", "192.0.2.7", False, 403),
        ("key", "192.0.2.7", True, 200),
        ("open", "192.0.2.7", False, 200),
        ("off", "127.0.0.1", True, 404),
    ],
)
async def test_metrics_exposure_is_a_setting(
    tmp_path: Path, scripted_upstream: ScriptedUpstream, access: str, peer: str, key: bool, status: int
) -> None:
    from support import create_key

    settings = upstream_settings(tmp_path / "m", scripted_upstream, metrics_access=access)
    raw_key = await asyncio.to_thread(create_key, settings)
    headers = {"authorization": f"Bearer {raw_key}"} if key else {}
    async with asgi_client(settings, client=(peer, 40000)) as http:
        answer = await http.get("/metrics", headers=headers)
    assert answer.status_code == status, answer.text
    if status == 200:
        assert "genui_http_requests_total" in answer.text
    else:
        assert set(answer.json()["error"]) == {"message", "type", "param", "code"}


@pytest.fixture
def slow_render(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, int]]:
    """Renders that take 0.3 s each (in the worker thread), counting how many run at once."""
    seen = {"now": 0, "most": 0}
    lock = threading.Lock()
    real = playground.render_result

    def render(*args: Any, **kwargs: Any) -> Any:
        with lock:
            seen["now"] += 1
            seen["most"] = max(seen["most"], seen["now"])
        time.sleep(0.3)
        with lock:
            seen["now"] -= 1
        return real(*args, **kwargs)

    monkeypatch.setattr(playground, "render_result", render)
    yield seen


def test_renders_run_off_the_event_loop_under_a_cap(
    make_server: Callable[..., LiveServer], slow_render: dict[str, int]
) -> None:
    server = make_server(render_concurrency=2)
    headers = {"authorization": f"Bearer {server.key}"}

    async def main() -> tuple[list[int], float]:
        async with httpx.AsyncClient(base_url=server.url, headers=headers, timeout=30) as http:
            renders = [
                asyncio.create_task(http.post("/v1/render", json={"c1": REAL_ANSWER})) for _ in range(6)
            ]
            await asyncio.sleep(0.1)
            started = time.monotonic()
            assert (await http.get("/healthz")).status_code == 200
            loop_free = time.monotonic() - started
            return [(await r).status_code for r in renders], loop_free

    statuses, loop_free = asyncio.run(main())
    assert statuses == [200] * 6
    assert slow_render["most"] == 2  # six at once, two at a time
    assert loop_free < 0.25  # the event loop answered while renders ran
