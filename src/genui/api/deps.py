"""What every route needs: the application state and the authenticated principal."""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request

from genui.api.metrics import TOKENS
from genui.config import Settings
from genui.errors import ApiError
from genui.limits.ratelimit import RateLimiter
from genui.limits.usage import UsageRecorder
from genui.models.base import Usage
from genui.models.registry import ModelRegistry
from genui.models.router import Router
from genui.service.turn import TurnRunner
from genui.store import (
    ConversationRepository,
    Database,
    KeyRepository,
    ResponseRepository,
)

LOCAL_ORG = "local"
# Verified keys are remembered this long, so a revocation takes effect within this many seconds.
KEY_CACHE_SECONDS = 10.0


@dataclass(frozen=True, slots=True)
class Principal:
    org_id: str
    key_id: str | None


@dataclass
class KeyCache:
    """sha256(key) -> (principal or None, expiry); keeps the database off the hot path. Concurrent requests
    with a key not yet cached share one lookup (a cold start under load is one query, not one per request)."""

    entries: dict[str, tuple[Principal | None, float]] = field(default_factory=dict)
    pending: dict[str, asyncio.Task[Principal | None]] = field(default_factory=dict)

    async def lookup(self, digest: str, load: Callable[[], Awaitable[Principal | None]]) -> Principal | None:
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

    def _settle(self, digest: str, task: asyncio.Task[Principal | None]) -> None:
        self.pending.pop(digest, None)
        if task.cancelled() or task.exception() is not None:
            return
        if len(self.entries) > 10_000:
            self.entries.clear()
        self.entries[digest] = (task.result(), time.monotonic() + KEY_CACHE_SECONDS)


@dataclass
class AppState:
    settings: Settings
    db: Database
    keys: KeyRepository
    responses: ResponseRepository
    conversations: ConversationRepository
    registry: ModelRegistry
    router: Router
    runner: TurnRunner
    limiter: RateLimiter
    recorder: UsageRecorder
    local_org_id: str | None = None
    key_cache: KeyCache = field(default_factory=KeyCache)
    extra: dict[str, Any] = field(default_factory=dict)


def get_state(request: Request) -> AppState:
    state: AppState = request.app.state.genui
    return state


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


async def principal(request: Request) -> Principal:
    """The organization and key behind the request, or a 403 in the OpenAI shape (a FastAPI dependency; the
    fast-lane endpoints call it themselves)."""
    state = get_state(request)
    token = bearer_token(request)
    found: Principal | None = None
    if token is not None:

        async def load() -> Principal | None:
            record = await state.keys.verify(token)
            return Principal(org_id=record.org_id, key_id=record.id) if record is not None else None

        found = await state.key_cache.lookup(hashlib.sha256(token.encode()).hexdigest(), load)
    if found is not None:
        return found
    if state.settings.no_auth and state.local_org_id is not None:
        return Principal(org_id=state.local_org_id, key_id=None)
    if token is None:
        raise ApiError(
            403,
            "Missing API key. Pass it as 'Authorization: Bearer <key>'.",
            type="permission_denied_error",
            code="missing_api_key",
        )
    raise ApiError(403, "Invalid or revoked API key.", type="permission_denied_error", code="invalid_api_key")


async def settle_usage(state: AppState, who: Principal, model: str, usage: Usage | None) -> None:
    """After a turn: count the tokens, charge the output to the rate limit and queue the usage row."""
    if usage is None:
        return
    TOKENS.labels("input").inc(usage.input_tokens)
    TOKENS.labels("output").inc(usage.output_tokens)
    await state.limiter.settle(who.org_id, usage.output_tokens)
    state.recorder.record(who.org_id, who.key_id, model, usage.input_tokens, usage.output_tokens)
