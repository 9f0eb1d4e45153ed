"""The ASGI application: `create_app(settings)` wires store, models, limits and the routers."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.types import ASGIApp

from genui import __version__
from genui.api import admin, chat, conversations, docs, models, playground, repair, responses, visualize
from genui.api.deps import LOCAL_ORG, AppState
from genui.api.errors import install_error_handlers
from genui.api.fastlane import FastLane
from genui.api.guard import LocalOnly
from genui.api.middleware import RequestContext
from genui.api.openapi import install_openapi
from genui.config import Settings, check_no_auth
from genui.errors import ApiError
from genui.limits.ratelimit import RateLimiter
from genui.limits.usage import UsageRecorder
from genui.models.registry import ModelRegistry
from genui.models.router import Router
from genui.service.accounting import Accounting
from genui.service.chat import ChatService
from genui.service.compose import ComposeRunner
from genui.service.conversations import ConversationService
from genui.service.repair import RepairService
from genui.service.responses import ResponseService
from genui.store import (
    ConversationRepository,
    Database,
    KeyRepository,
    ResponseRepository,
    UsageRepository,
)


async def build_state(settings: Settings) -> AppState:
    db = Database(settings.resolved_database_url)
    await db.migrate()
    keys = KeyRepository(db)
    registry = ModelRegistry.from_settings(settings)
    router = Router.from_settings(settings, registry)
    limiter = RateLimiter(
        settings.rate_limit_storage,
        requests_per_minute=settings.requests_per_minute,
        input_tokens_per_minute=settings.input_tokens_per_minute,
        output_tokens_per_minute=settings.output_tokens_per_minute,
        fallback_to_local=settings.rate_limit_fallback_local,
    )
    recorder = UsageRecorder(UsageRepository(db).record_many)
    runner = ComposeRunner(registry, router)
    accounting = Accounting(limiter, recorder)
    conversations = ConversationRepository(db)
    state = AppState(
        settings=settings,
        db=db,
        keys=keys,
        registry=registry,
        router=router,
        limiter=limiter,
        recorder=recorder,
        accounting=accounting,
        chat=ChatService(runner, accounting),
        responses=ResponseService(
            runner,
            accounting,
            ResponseRepository(db),
            conversations,
            max_conversation_items=settings.max_conversation_items,
        ),
        conversations=ConversationService(conversations, max_items=settings.max_conversation_items),
        repair=repair_service(settings, registry, router, accounting),
    )
    if settings.no_auth:
        state.local_org_id = await keys.ensure_org(LOCAL_ORG)
    return state


def repair_service(
    settings: Settings, registry: ModelRegistry, router: Router, accounting: Accounting
) -> RepairService:
    """The repair service; a `repair_model` that names no configured model stops the start-up."""
    try:
        return RepairService.from_settings(settings.repair_model, registry, router, accounting)
    except ApiError as exc:
        raise ValueError(f"the repair_model setting is not usable: {exc.message}") from None


async def close_state(state: AppState) -> None:
    await state.recorder.aclose()
    await state.router.aclose()
    await state.limiter.aclose()
    await state.db.dispose()


def create_app(settings: Settings | None = None) -> ASGIApp:
    """The FastAPI app behind the fast lane for the hot routes, inside the request-context middleware."""
    settings = settings or Settings()
    api = create_api(settings)
    hot = [chat.create_chat_completion, responses.create_response]
    lane = FastLane(api, [chat.router, responses.router], hot)
    # Without keys, only this machine's own requests are served (see api.guard).
    inner: ASGIApp = LocalOnly(lane) if settings.no_auth else lane
    return RequestContext(inner, max_body_bytes=settings.max_body_bytes)


def create_api(settings: Settings) -> FastAPI:
    check_no_auth(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state = await build_state(settings)
        app.state.genui = state
        # What startup built lives as long as the process: keep it out of the collector's full passes, which
        # otherwise walk it all (bench/gateway.sh at concurrency 64: p99 181 -> 30 to 45 ms).
        gc.freeze()
        try:
            yield
        finally:
            gc.unfreeze()
            await close_state(state)

    app = FastAPI(
        title="genui",
        version=__version__,
        description="Open Generative UI API server, wire-compatible with the Thesys C1 API.",
        lifespan=lifespan,
        docs_url=None,  # served by api.docs from local assets; no ReDoc (it would load from a CDN)
        redoc_url=None,
    )
    install_error_handlers(app)
    for module in (chat, responses, conversations, models, admin, docs, repair, visualize):
        app.include_router(module.router)
    app.include_router(playground.router_for(settings))
    install_openapi(app)
    return app
