"""One WebSocket connection's Responses turns (the Open Responses WebSocket mode), one after another.

The connection keeps the most recent response in memory when it was not stored (`store: false`): its whole
context (the chain before it, its input and its output), so the next `response.create` may continue it with
`previous_response_id` and only new input. A stored response is continued from the store, as over HTTP. Any
other id, an id from another connection, or an id older than the most recent response is
`previous_response_not_found`. A turn that fails (an error before it starts, or `response.failed`) evicts the
response it continued, so a retry of the same continuation is `previous_response_not_found` too.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing
from typing import Any

from genui.service.accounting import Caller
from genui.service.responses import CreateResponse, ResponseService

TERMINAL_EVENTS = frozenset({"response.completed", "response.incomplete", "response.failed"})


class ResponseSession:
    def __init__(self, service: ResponseService, caller: Caller) -> None:
        self.service = service
        self.caller = caller
        # the most recent unstored response on this connection: (id, its whole context)
        self.cached: tuple[str, list[dict[str, Any]]] | None = None

    def _history(self, previous_id: str | None) -> list[dict[str, Any]] | None:
        """The context of the cached response `previous_id`, or None (the store is asked, as over HTTP)."""
        if previous_id is not None and self.cached is not None and self.cached[0] == previous_id:
            return self.cached[1]
        return None

    def _evict(self, previous_id: str | None) -> None:
        if self.cached is not None and self.cached[0] == previous_id:
            self.cached = None

    async def turn(self, req: CreateResponse) -> AsyncGenerator[dict[str, Any], None]:
        """The turn's streaming events, ending with its terminal event; a refusal raises ApiError before the
        first event (a model failure, even before its first event, ends the stream with `response.failed`)."""
        previous_id = req.previous_response_id
        req.stream = True
        try:
            run = await self.service.create(req, self.caller, unstored_history=self._history(previous_id))
        except BaseException:
            self._evict(previous_id)
            raise
        final: dict[str, Any] | None = None
        async with aclosing(run.stream()) as events:
            async for event in events:
                if event["type"] in TERMINAL_EVENTS:
                    final = event["response"]
                yield event
        if final is None or final["status"] == "failed":
            self._evict(previous_id)
        elif final["store"]:
            self.cached = None  # the most recent response is the stored one: the store serves it
        else:
            self.cached = (final["id"], run.history + run.input_items + list(final["output"]))
