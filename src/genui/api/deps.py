"""What every route needs: the application state and the caller behind the request (its key checked)."""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Query
from starlette.requests import HTTPConnection

from genui.api.access import note_caller
from genui.config import Settings
from genui.errors import ApiError
from genui.limits.ratelimit import RateLimiter
from genui.limits.usage import UsageRecorder
from genui.models.registry import ModelRegistry
from genui.models.router import Router
from genui.service.accounting import Accounting, Caller
from genui.service.chat import ChatService
from genui.service.conversations import ConversationService
from genui.service.lifecycle import Drain
from genui.service.repair import RepairService
from genui.service.responses import ResponseService
from genui.store import Database, KeyRepository, LeaseKeeper, PageQuery
from genui.store.pages import Order

LOCAL_ORG = "local"
# Verified keys are remembered this long, so a revocation takes effect within this many seconds.
KEY_CACHE_SECONDS = 10.0


@dataclass
class KeyCache:
    """sha256(key) -> (principal or None, expiry); keeps the database off the hot path. Concurrent requests
    with a key not yet cached share one lookup (a cold start under load is one query, not one per request)."""

    entries: dict[str, tuple[Caller | None, float]] = field(default_factory=dict)
    pending: dict[str, asyncio.Task[Caller | None]] = field(default_factory=dict)

    async def lookup(self, digest: str, load: Callable[[], Awaitable[Caller | None]]) -> Caller | None:
        hit = self.entries.get(digest)
        if hit is not None and hit[1] >= time.monotonic():
            return hit[0]
        task = self.pending.get(digest)
        if task is None:
            task = asyncio.ensure_future(load())
            self.pending[digest] = task
            task.add_done_callback(lambda done: self._settle(digest, done))
        # shield: one waiter going away (a client hanging up) must not cancel the others' lookup
        return await asyncio.shield(task)

    def _settle(self, digest: str, task: asyncio.Task[Caller | None]) -> None:
        self.pending.pop(digest, None)
        if task.cancelled() or task.exception() is not None:
            return
        if len(self.entries) > 10_000:
            self.entries.clear()
        self.entries[digest] = (task.result(), time.monotonic() + KEY_CACHE_SECONDS)


@dataclass
class AppState:
    """What the routes reach: the services, and the parts the app owns (closed at shutdown)."""

    settings: Settings
    db: Database
    keys: KeyRepository
    registry: ModelRegistry
    router: Router
    limiter: RateLimiter
    recorder: UsageRecorder
    accounting: Accounting
    chat: ChatService
    responses: ResponseService
    conversations: ConversationService
    repair: RepairService
    keeper: LeaseKeeper
    drain: Drain
    local_org_id: str | None = None
    key_cache: KeyCache = field(default_factory=KeyCache)


def get_state(request: HTTPConnection) -> AppState:
    state: AppState = request.app.state.genui
    return state


def bearer_token(request: HTTPConnection) -> str | None:
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


async def authenticate(request: HTTPConnection) -> Caller:
    """The organization and key behind the request (noted for the access log), or a 403 in the OpenAI shape
    (a FastAPI dependency; the fast-lane endpoints and the WebSocket upgrade call it themselves)."""
    caller = await _caller(request)
    note_caller(request, caller)
    return caller


async def _caller(request: HTTPConnection) -> Caller:
    state = get_state(request)
    token = bearer_token(request)
    found: Caller | None = None
    if token is not None:

        async def load() -> Caller | None:
            record = await state.keys.verify(token)
            return Caller(org_id=record.org_id, key_id=record.id) if record is not None else None

        found = await state.key_cache.lookup(hashlib.sha256(token.encode()).hexdigest(), load)
    if found is not None:
        return found
    if state.settings.no_auth and state.local_org_id is not None:
        return Caller(org_id=state.local_org_id, key_id=None)
    if token is None:
        raise ApiError(
            403,
            "Missing API key. Pass it as 'Authorization: Bearer <key>'.",
            type="permission_denied_error",
            code="missing_api_key",
        )
    raise ApiError(403, "Invalid or revoked API key.", type="permission_denied_error", code="invalid_api_key")


Who = Annotated[Caller, Depends(authenticate)]  # a route's caller, its key checked


def page_query(
    after: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    order: Annotated[Order, Query()] = "desc",
) -> PageQuery:
    """A list route's page parameters, named and bounded as OpenAI's lists take them."""
    return PageQuery(after, limit, order)


PageParams = Annotated[PageQuery, Depends(page_query)]
