"""The Conversations API at the server root (`/conversations`, `/conversations/{id}`, `.../items`, ...).

The C1 docs build the conversation client with `OpenAI(base_url="https://HOST")`, no `/v1`, and the SDK
appends `/conversations` to it. These routes are the `/v1/conversations` ones (the same endpoints, derived,
not copied) at the root; only the `/v1` paths are in the OpenAPI description.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.routing import APIRoute

from genui.api import conversations

PREFIX = "/v1/conversations"

router = APIRouter(tags=["conversations"])
for route in conversations.router.routes:
    if isinstance(route, APIRoute) and route.path.startswith(PREFIX):
        router.add_api_route(
            route.path.removeprefix("/v1"),
            route.endpoint,
            methods=sorted(route.methods or ()),
            include_in_schema=False,
        )
