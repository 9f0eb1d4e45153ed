"""Server-sent events that never fall silent: a comment line goes out whenever a stream has sent nothing for
`keepalive` seconds (a slow or stalled upstream), so clients and proxies keep the connection open. Comments
are not events: every client skips them, and they change no prefix of the content."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterable, Mapping

from starlette.responses import StreamingResponse
from starlette.types import Send

KEEPALIVE = b": keep-alive\n\n"
STREAM_HEADERS = {"cache-control": "no-cache", "x-accel-buffering": "no"}


class EventStream(StreamingResponse):
    def __init__(
        self, content: AsyncIterable[bytes], *, keepalive: float, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(
            content, media_type="text/event-stream", headers={**(headers or {}), **STREAM_HEADERS}
        )
        self.keepalive = keepalive

    async def stream_response(self, send: Send) -> None:
        await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
        loop = asyncio.get_running_loop()
        lock = asyncio.Lock()  # one writer at a time: a frame and a comment never interleave
        last_sent = loop.time()

        async def ping() -> None:
            nonlocal last_sent
            while True:
                await asyncio.sleep(max(0.0, last_sent + self.keepalive - loop.time()))
                if loop.time() - last_sent >= self.keepalive:
                    async with lock:
                        await send({"type": "http.response.body", "body": KEEPALIVE, "more_body": True})
                    last_sent = loop.time()

        pinger = asyncio.create_task(ping())
        try:
            async for chunk in self.body_iterator:
                body = chunk.encode(self.charset) if isinstance(chunk, str) else chunk
                async with lock:
                    await send({"type": "http.response.body", "body": body, "more_body": True})
                last_sent = loop.time()
        finally:
            pinger.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):  # a failed ping ends only pinging
                await pinger
        await send({"type": "http.response.body", "body": b"", "more_body": False})
