"""Test support shared by the API, store and web tests: a genui server wired to a scripted upstream."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI

from fakes.upstream import ScriptedUpstream
from genui.config import Settings
from genui.models.config import ModelConfig, ProviderConfig

# A model pinned before v-20260331 answers in C1 v1 (the JSON these tests read); v2 tests pin a later version.
FAKE_MODEL = "c1/fake/ui-model/v-20251230"
NODE_DIR = Path(__file__).resolve().parent / "node"


def run_node(script: str, *args: str) -> str:
    """Run a script of tests/node with its pinned npm packages (installed on first use); its stdout."""
    assert shutil.which("node") and shutil.which("npm"), "node and npm are needed (Debian packages)"
    if not (NODE_DIR / "node_modules" / "openai").exists():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=NODE_DIR, check=True, timeout=500
        )
    done = subprocess.run(
        ["node", script, *args], cwd=NODE_DIR, capture_output=True, text=True, timeout=120, check=True
    )
    return done.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def upstream_settings(
    data_dir: Path, upstream: ScriptedUpstream, *, provider: dict[str, Any] | None = None, **overrides: Any
) -> Settings:
    """Settings whose only model goes to the scripted upstream through the real OpenAI-compatible provider
    (`provider` overrides fields of its ProviderConfig, e.g. timeouts)."""
    options: dict[str, Any] = {"constrain": "none", "max_retries": 1, "timeout": 10, **(provider or {})}
    base: dict[str, Any] = {
        "data_dir": data_dir,
        "providers": {
            "fake": ProviderConfig(
                kind="openai", base_url=upstream.base_url, api_key="sk-upstream", **options
            ),
        },
        "models": [ModelConfig(name=FAKE_MODEL, provider="fake", upstream_model="fake-model")],
        "log_level": "warning",
    }
    base.update(overrides)
    return Settings(**base)


def write_config(path: Path, upstream: ScriptedUpstream, data_dir: Path, extra: str = "") -> Path:
    """A `genui serve --config` file whose only model goes to the scripted upstream."""
    path.write_text(
        f"""
data_dir = "{data_dir}"
log_level = "warning"
{extra}

[providers.fake]
kind = "openai"
base_url = "{upstream.base_url}"
api_key = "sk-upstream"
constrain = "none"

[[models]]
name = "{FAKE_MODEL}"
provider = "fake"
upstream_model = "fake-model"
"""
    )
    return path


async def _create_key(settings: Settings, name: str, org: str) -> str:
    from genui.store.db import Database
    from genui.store.keys import KeyRepository

    db = Database(settings.resolved_database_url)
    try:
        await db.migrate()
        _, raw = await KeyRepository(db).create(name, org=org)
        return raw
    finally:
        await db.dispose()


def create_key(settings: Settings, name: str = "test", org: str = "default") -> str:
    # In a thread of its own: the caller's thread may already run an event loop (playwright's sync API does).
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, _create_key(settings, name, org)).result()


@dataclass
class LiveServer:
    settings: Settings
    url: str  # server root, e.g. http://127.0.0.1:PORT
    key: str

    @property
    def embed_url(self) -> str:
        return self.url + "/v1/embed"

    def new_key(self, name: str = "other", org: str = "default") -> str:
        return create_key(self.settings, name, org)


class AppServerThread:
    """uvicorn running an ASGI app in a thread; the real HTTP stack, in-process for speed."""

    def __init__(self, app: Any) -> None:
        self.port = free_port()
        config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=self.port,
            log_config=None,
            access_log=False,
            lifespan="on",
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("test server did not start")
            time.sleep(0.02)
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


class ServerThread(AppServerThread):
    """`create_app(settings)` served by uvicorn in a thread."""

    def __init__(self, settings: Settings) -> None:
        from genui.api.app import create_app

        super().__init__(create_app(settings))


class ServeProcess:
    """`genui serve` as a real process on a free loopback port (stop() it, or use the fixtures that do)."""

    def __init__(
        self, *args: str, env: dict[str, str] | None = None, stdout: int = subprocess.DEVNULL
    ) -> None:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "genui.cli", "serve", "--port", str(port), *args],
            stdout=stdout,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, **(env or {})},
        )

    def wait_ready(self, timeout: float = 60) -> ServeProcess:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(self.url + "/readyz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(
                    f"genui serve did not start: {self.proc.stderr.read() if self.proc.stderr else ''}"
                )
            time.sleep(0.1)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def fastapi_of(app: Any) -> FastAPI:
    while not isinstance(app, FastAPI):
        app = app.app
    return app


@asynccontextmanager
async def asgi_client(
    settings: Settings,
    *,
    base_url: str = "http://127.0.0.1:8000",
    client: tuple[str, int] = ("127.0.0.1", 50000),
) -> AsyncIterator[httpx.AsyncClient]:
    """The whole app in-process with its lifespan; `base_url` sets the Host header and the ASGI `server`
    address, `client` the peer address (what a socket would report)."""
    from genui.api.app import create_app

    app = create_app(settings)
    api = fastapi_of(app)
    async with api.router.lifespan_context(api):
        transport = httpx.ASGITransport(app=app, client=client)
        async with httpx.AsyncClient(transport=transport, base_url=base_url) as http:
            yield http
