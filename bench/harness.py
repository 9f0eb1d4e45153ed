"""What bench/hot_path.py and bench/instructions.py share: the fake upstream on a free port, and one chat
completion through an ASGI app in-process (no server, no socket). Imports nothing of genui, so it runs
against any checkout."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson

SHARED = Path(os.environ.get("SHARED", Path(__file__).resolve().parent.parent.parent / "shared" / "bench"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def fake_upstream(content_file: Path) -> Iterator[int]:
    """The shared fake upstream (SHARED/fake_upstream.py) answering `content_file`; yields its port."""
    port = free_port()
    command = [sys.executable, str(SHARED / "fake_upstream.py"), "--port", str(port)]
    upstream = subprocess.Popen(
        [*command, "--content-file", str(content_file)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.05)
        yield port
    finally:
        upstream.terminate()
        upstream.wait()


def chat_completion(key: str, model: str) -> Callable[[Any], Awaitable[None]]:
    """A coroutine function: POST /v1/chat/completions ("Say hello.") to the app given, asserting a 200."""
    body = orjson.dumps({"model": model, "messages": [{"role": "user", "content": "Say hello."}]})
    headers = [
        (b"host", b"bench"),
        (b"content-type", b"application/json"),
        (b"authorization", f"Bearer {key}".encode()),
        (b"content-length", str(len(body)).encode()),
    ]

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def call(app: Any) -> None:
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
            "scheme": "http", "path": "/v1/chat/completions", "raw_path": b"/v1/chat/completions",
            "query_string": b"", "root_path": "", "headers": headers, "client": ("127.0.0.1", 1),
            "server": ("127.0.0.1", 80), "state": {},
        }  # fmt: skip
        status: list[int] = []

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])

        await app(scope, receive, send)
        assert status == [200], status

    return call
