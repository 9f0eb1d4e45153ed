"""The hot routes (creating a chat completion or a response) served straight from the ASGI call.

FastAPI's router, middleware layers and dependency solving cost about 0.1 ms per request, a tenth of the
gateway's latency budget (`bench/hot_path.py`). These endpoints take only the `Request`, so `FastLane` calls
them directly and renders their errors with the same handlers as the app; every other path, and the OpenAPI
description of these, stays FastAPI's.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable

from fastapi import FastAPI
from fastapi.routing import APIRoute, APIRouter
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Message, Receive, Scope, Send

from genui.api.errors import response_for

Endpoint = Callable[[Request], Awaitable[Response]]


class FastLane:
    """ASGI app in front of a FastAPI app: the routes of the listed endpoints (found in `routers`, included in
    `app` without a prefix) are dispatched by exact method and path."""

    def __init__(self, app: FastAPI, routers: Iterable[APIRouter], endpoints: Iterable[Endpoint]) -> None:
        self.app = app
        wanted = set(endpoints)
        self.routes: dict[tuple[str, str], APIRoute] = {}
        for route in (route for router in routers for route in router.routes):
            if isinstance(route, APIRoute) and route.endpoint in wanted:
                for method in route.methods or ():
                    self.routes[(method, route.path)] = route
        missing = wanted - {route.endpoint for route in self.routes.values()}
        assert not missing, f"endpoints without a route: {missing}"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            route = self.routes.get((scope["method"], scope["path"]))
            if route is not None:
                scope["app"] = self.app
                scope["route"] = route
                request = Request(scope, receive)
                try:
                    response = await route.endpoint(request)
                except Exception as exc:
                    response = await response_for(request, exc)
                await response(scope, receive, send)
                return
        await self._routed(scope, receive, send)

    async def _routed(self, scope: Scope, receive: Receive, send: Send) -> None:
        """FastAPI's routing. Starlette re-raises an unexpected error after its handler sent the 500, and the
        server then drops the connection: the error ends here instead, and the connection stays usable."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            if started:
                return  # answered already (the 500 was logged by `response_for`)
            response = await response_for(Request(scope, receive), exc)
            await response(scope, receive, send)
