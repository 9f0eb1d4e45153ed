"""`@with_c1_response()`: a FastAPI route whose handler writes a C1 Response that streams to the client."""

from __future__ import annotations

import asyncio
import functools
import inspect
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import ParamSpec

from starlette.responses import StreamingResponse

from .c1_response import C1Response
from .context import bind_c1_response

__all__ = ["with_c1_response"]

P = ParamSpec("P")
# The C1 React client reads raw C1 text pieces from a text/event-stream body; proxies must not hold them back.
_HEADERS = {"Cache-Control": "no-cache, no-transform", "X-Accel-Buffering": "no"}


def with_c1_response() -> Callable[
    [Callable[P, Awaitable[object]]], Callable[P, Awaitable[StreamingResponse]]
]:
    """Decorate an async route handler (below `@app.post(...)`): inside it, `genui.sdk.context`'s writers
    write to this request's C1 Response, which streams to the client as `text/event-stream`.

    The handler runs in a task of its own. The response starts at its first write: a handler that raises
    before writing anything (e.g. `HTTPException(404)`) gets FastAPI's ordinary error response; an error
    after that breaks the stream off (the server logs it). A client that hangs up cancels the handler.
    """

    def decorate(handler: Callable[P, Awaitable[object]]) -> Callable[P, Awaitable[StreamingResponse]]:
        @functools.wraps(handler)
        async def endpoint(*args: P.args, **kwargs: P.kwargs) -> StreamingResponse:
            response = C1Response()
            writer = asyncio.create_task(_write(response, handler(*args, **kwargs)))
            pieces = response.stream()
            try:
                first = await anext(pieces, None)
                if first is None:
                    await writer  # nothing written: the handler's error, if any, is the route's
            except BaseException:
                writer.cancel()
                raise
            return StreamingResponse(
                _relay(first, pieces, writer), media_type="text/event-stream", headers=_HEADERS
            )

        # FastAPI takes the handler's parameters from here (resolving them in its module via __wrapped__);
        # the route returns a Response, so FastAPI infers no response model from the handler's `-> None`.
        endpoint.__signature__ = inspect.signature(handler).replace(  # type: ignore[attr-defined]
            return_annotation=StreamingResponse
        )
        return endpoint

    return decorate


async def _write(response: C1Response, body: Awaitable[object]) -> None:
    bind_c1_response(response)
    try:
        await body
    finally:
        await response.end()


async def _relay(
    first: str | None, pieces: AsyncIterator[str], writer: asyncio.Task[None]
) -> AsyncIterator[str]:
    try:
        if first is not None:
            yield first
        async for piece in pieces:
            yield piece
        await writer  # re-raises the handler's error: the stream breaks off instead of ending as if complete
    finally:
        if not writer.done():
            writer.cancel()  # the client went away: stop the handler and the model call it is reading
