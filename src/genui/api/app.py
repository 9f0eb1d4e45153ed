"""The ASGI application: `create_app(settings)` wires store, models, limits and the routers."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from starlette.types import ASGIApp

from genui import __version__, telemetry
from genui.api import (
    admin,
    artifacts,
    chat,
    conversations,
    conversations_root,
    docs,
    models,
    playground,
    repair,
    responses,
    responses_compact,
    responses_ws,
    visualize,
)
from genui.api.deps import LOCAL_ORG, AppState
from genui.api.errors import install_error_handlers
from genui.api.fastlane import FastLane
from genui.api.guard import LocalOnly
from genui.api.middleware import RequestContext
from genui.api.openapi import install_openapi
from genui.api.telemetry import RequestSpans, drain_on_signals
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
from genui.service.lifecycle import Drain
from genui.service.repair import RepairService
from genui.service.responses import ResponseService
from genui.store import (
    ConversationRepository,
    Database,
    KeyRepository,
    LeaseKeeper,
    UsageRepository,
)

log = logging.getLogger("genui.app")


async def build_state(settings: Settings) -> AppState:
    db = Database(settings.resolved_database_url)
    await db.migrate()
    telemetry.instrument_engine(db.engine.sync_engine)
    # This process's lease: the responses it starts name it, and it finishes those of dead processes.
    keeper = LeaseKeeper(
        db, heartbeat_seconds=settings.lease_heartbeat_seconds, ttl_seconds=settings.lease_ttl_seconds
    )
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
    recorder = UsageRecorder(UsageRepository(db).record_many, journal_dir=usage_journal_dir(settings))
    runner = ComposeRunner(registry, router)
    accounting = Accounting(limiter, recorder)
    conversations = ConversationRepository(db)
    drain = Drain()
    state = AppState(
        settings=settings,
        db=db,
        keys=keys,
        registry=registry,
        router=router,
        limiter=limiter,
        recorder=recorder,
        accounting=accounting,
        chat=ChatService(runner, accounting, drain),
        responses=ResponseService(
            runner,
            accounting,
            keeper.responses,
            conversations,
            max_conversation_items=settings.max_conversation_items,
            drain=drain,
            checkpoint_seconds=settings.checkpoint_seconds,
        ),
        conversations=ConversationService(conversations, max_items=settings.max_conversation_items),
        repair=repair_service(settings, registry, router, accounting),
        keeper=keeper,
        drain=drain,
    )
    if settings.no_auth:
        state.local_org_id = await keys.ensure_org(LOCAL_ORG)
    await keeper.start()
    return state


def repair_service(
    settings: Settings, registry: ModelRegistry, router: Router, accounting: Accounting
) -> RepairService:
    """The repair service; a `repair_model` that names no configured model stops the start-up."""
    try:
        return RepairService.from_settings(settings.repair_model, registry, router, accounting)
    except ApiError as exc:
        raise ValueError(f"the repair_model setting is not usable: {exc.message}") from None


def usage_journal_dir(settings: Settings) -> Path | None:
    if not settings.usage_journal:
        return None
    settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    return settings.data_dir / "usage-journal"


async def close_state(state: AppState) -> None:
    # The server has drained: finish what this process still owns (`incomplete`) and give up its lease.
    try:
        await state.keeper.stop()
    except Exception:  # the database is gone: the others finish them once the lease expires
        log.exception("could not finish this process's responses at shutdown")
    await state.recorder.aclose()
    await state.router.aclose()
    await state.limiter.aclose()
    await state.db.dispose()
    telemetry.shutdown()


def create_app(settings: Settings | None = None) -> ASGIApp:
    """The FastAPI app behind the fast lane for the hot routes, inside the request-context middleware."""
    settings = settings or Settings()
    api = create_api(settings)
    hot = [chat.create_chat_completion, responses.create_response]
    lane = FastLane(api, [chat.router, responses.router], hot)
    # Without keys, only this machine's own requests are served (see api.guard).
    inner: ASGIApp = LocalOnly(lane) if settings.no_auth else lane
    app: ASGIApp = RequestContext(inner, max_body_bytes=settings.max_body_bytes)
    if telemetry.configure(settings.otlp_endpoint):
        app = RequestSpans(app)  # outermost: the span sees the request id and the final status
    return app


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
            with drain_on_signals(state.drain, settings.shutdown_grace_seconds):
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
    for module in (chat, responses, conversations, models, admin, docs, repair, artifacts, visualize):
        app.include_router(module.router)
    # the Responses extras (compaction, WebSocket mode) and the Conversations API at the root (C1's client)
    for module in (responses_compact, responses_ws, conversations_root):
        app.include_router(module.router)
    app.include_router(playground.router_for(settings))
    install_openapi(app)
    return app
