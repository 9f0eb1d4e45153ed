"""The request span (OpenTelemetry), and the signal hook that starts the drain.

`RequestSpans` wraps the app only when tracing is on (`genui.telemetry`): off, it is not in the stack at all.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from genui import telemetry
from genui.api.middleware import _route
from genui.service.lifecycle import Drain

# uvicorn stops on these (`uvicorn.server.HANDLED_SIGNALS`).
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class RequestSpans:
    """One server span per HTTP request, named `METHOD /route/template`, continuing an incoming W3C
    `traceparent`; made current for the request, so the model call, repair and store spans nest under it."""

    def __init__(self, app: ASGIApp) -> None:
        from opentelemetry import context, trace
        from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

        self.app = app
        self._context = context
        self._trace = trace
        self._propagator = TraceContextTextMapPropagator()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        carrier = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers", [])}
        parent = self._propagator.extract(carrier)
        method = str(scope.get("method", ""))
        attributes = {"http.request.method": method, "url.path": str(scope.get("path", ""))}
        span = telemetry.start_span(method, attributes, parent=parent, server=True)
        assert span is not None, "RequestSpans is installed only when tracing is on"
        status = 500

        async def traced_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                for key, value in message.get("headers", []):
                    if key == b"x-request-id":
                        span.set_attribute("genui.request_id", value.decode("latin-1"))
            await send(message)

        token = self._context.attach(self._trace.set_span_in_context(span, parent))
        error: BaseException | None = None
        try:
            await self.app(scope, receive, traced_send)
        except BaseException as exc:
            error = exc
            raise
        finally:
            self._context.detach(token)
            route = _route(scope)
            span.update_name(f"{method} {route}")
            span.set_attribute("http.route", route)
            span.set_attribute("http.response.status_code", status)
            if error is None and status >= 500:
                error = RuntimeError(f"HTTP {status}")
            telemetry.end_span(span, error)


@contextlib.contextmanager
def drain_on_signals(drain: Drain, grace_seconds: float) -> Iterator[None]:
    """While the app runs under a server that stops on SIGTERM/SIGINT (uvicorn, in the main thread), also
    start `drain` on them: uvicorn's own handler still runs first (it stops accepting and waits for the
    streams up to the grace); the drain then ends what still runs shortly before the grace does."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signals reach only the main thread (an in-process test server runs elsewhere)
        return
    previous: dict[signal.Signals, Any] = {}

    def chained(handler: Callable[[int, FrameType | None], Any]) -> Callable[[int, FrameType | None], None]:
        def on_signal(sig: int, frame: FrameType | None) -> None:
            handler(sig, frame)
            drain.begin_threadsafe(grace_seconds)

        return on_signal

    for sig in STOP_SIGNALS:
        handler = signal.getsignal(sig)
        if callable(handler):  # a server's handler (default or ignored dispositions are left alone)
            previous[sig] = handler
            signal.signal(sig, chained(handler))
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        drain.close()
