"""Route a resolved model to its provider: retries, timeouts, fallbacks.

- Retries with exponential backoff and full jitter (base 0.2 s, cap 5 s; an upstream `retry-after` is honoured
  up to the cap) on retryable `UpstreamError`s (429, 5xx, connection errors, timeouts) while nothing has been
  streamed yet; once a TextDelta/ToolCallDelta went out, an error propagates as is. An upstream refusal of the
  request itself (400/404/413/422, `models.errors.is_client_error`) propagates at once: no retry, no fallback.
- Per attempt: a total timeout (`ProviderConfig.timeout`) and an idle timeout between events
  (`ProviderConfig.idle_timeout`); either one ends the attempt with UpstreamError(504).
- After a model's attempts are exhausted, its `fallbacks` are tried in order (with their own retries).
- `Router.stream(...)` is an async generator; closing it closes the provider's stream (cancelling the call).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Mapping
from typing import TypeVar

from genui import telemetry
from genui.config import Settings
from genui.models.base import ModelRequest, Provider, UpstreamError
from genui.models.config import ProviderConfig
from genui.models.errors import is_client_error
from genui.models.events import ModelEvent, TextDelta, ToolCallDelta
from genui.models.metrics import UPSTREAM_ERRORS
from genui.models.registry import ModelRegistry, ResolvedModel

logger = logging.getLogger(__name__)

T = TypeVar("T")
BACKOFF_BASE = 0.2
BACKOFF_CAP = 5.0


def backoff_delay(
    attempt: int, retry_after: float | None, *, base: float = BACKOFF_BASE, cap: float = BACKOFF_CAP
) -> float:
    """Seconds before retry number `attempt` (0-based): full jitter, at least `retry_after` (capped)."""
    delay = random.uniform(0, min(cap, base * 2**attempt))
    if retry_after is not None:
        delay = max(delay, min(retry_after, cap))
    return delay


class Router:
    def __init__(
        self,
        registry: ModelRegistry,
        providers: Mapping[str, Provider],
        configs: Mapping[str, ProviderConfig] | None = None,
        *,
        backoff_base: float = BACKOFF_BASE,
        backoff_cap: float = BACKOFF_CAP,
    ) -> None:
        self.registry = registry
        self.providers = dict(providers)
        self.configs = dict(configs or {})
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap

    @classmethod
    def from_settings(cls, settings: Settings, registry: ModelRegistry | None = None) -> Router:
        """Build every configured provider once (see `genui.models.providers`)."""
        from genui.models.providers import build_providers

        return cls(
            registry or ModelRegistry.from_settings(settings), build_providers(settings), settings.providers
        )

    def _config(self, provider_name: str) -> ProviderConfig:
        config = self.configs.get(provider_name)
        if config is None:
            provider_config = getattr(self.providers.get(provider_name), "config", None)
            config = (
                provider_config
                if isinstance(provider_config, ProviderConfig)
                else ProviderConfig(kind="openai")
            )
        return config

    async def stream(
        self, resolved: ResolvedModel, request: ModelRequest
    ) -> AsyncGenerator[ModelEvent, None]:
        chain = [resolved] + [self.registry.resolve(name) for name in resolved.fallbacks]
        last_error: UpstreamError | None = None
        for model in chain:
            provider = self.providers.get(model.provider_name)
            if provider is None:
                last_error = UpstreamError(f"provider `{model.provider_name}` is not available", status=503)
                continue
            config = self._config(model.provider_name)
            for attempt in range(config.max_retries + 1):
                streamed = False
                span = telemetry.start_span("model call", _span_attributes(model, attempt))
                failure: BaseException | None = None
                try:
                    async with contextlib.aclosing(self._attempt(provider, model, request, config)) as events:
                        async for event in events:
                            if isinstance(event, TextDelta | ToolCallDelta):
                                streamed = True
                            yield event
                    return
                except UpstreamError as exc:
                    failure = exc
                    UPSTREAM_ERRORS.labels(model.provider_name, exc.code or "upstream_error").inc()
                    if streamed or is_client_error(exc):
                        raise
                    last_error = exc
                    logger.warning("model %s attempt %d failed: %s", model.name, attempt + 1, exc.message)
                    if not exc.retryable or attempt == config.max_retries:
                        break
                    await asyncio.sleep(
                        backoff_delay(attempt, exc.retry_after, base=self.backoff_base, cap=self.backoff_cap)
                    )
                finally:
                    telemetry.end_span(span, failure)
        assert last_error is not None
        raise last_error

    async def _attempt(
        self, provider: Provider, model: ResolvedModel, request: ModelRequest, config: ProviderConfig
    ) -> AsyncGenerator[ModelEvent, None]:
        events = provider.stream(model.upstream_model, request)
        timer = AttemptTimer(config.idle_timeout, config.timeout)
        try:
            while True:
                try:
                    event = await timer.wait(anext(events))
                except StopAsyncIteration:
                    return
                except AttemptTimeout as exc:
                    seconds = config.timeout if exc.which == "total" else config.idle_timeout
                    raise UpstreamError(
                        f"model `{model.name}` did not answer in time ({exc.which} timeout {seconds:g}s)",
                        status=504,
                        code="upstream_timeout",
                        retryable=True,
                    ) from None
                yield event
        finally:
            timer.stop()
            await _close(events)

    async def aclose(self) -> None:
        for provider in self.providers.values():
            try:
                await provider.aclose()
            except Exception:  # closing must go on for the others
                logger.exception("closing provider %s failed", provider.name)


def _span_attributes(model: ResolvedModel, attempt: int) -> dict[str, str | int] | None:
    if not telemetry.enabled():
        return None
    return {
        "genui.model": model.name,
        "genui.provider": model.provider_name,
        "genui.upstream_model": model.upstream_model,
        "genui.attempt": attempt + 1,
    }


class AttemptTimeout(Exception):
    def __init__(self, which: str) -> None:
        super().__init__(which)
        self.which = which


class AttemptTimer:
    """Idle and total timeouts over the waits of one attempt; the time between waits (the caller at work) is
    not idle time.

    One timer per attempt, moved lazily when it fires: `asyncio.timeout` around each event costs 9 µs,
    half a millisecond per streamed answer."""

    def __init__(self, idle: float, total: float) -> None:
        self.loop = asyncio.get_running_loop()
        self.idle = idle
        self.end = self.loop.time() + total
        self.due = self.end
        self.waiting: asyncio.Task[object] | None = None
        self.expired: str | None = None
        self.handle: asyncio.TimerHandle | None = None

    async def wait(self, awaitable: Awaitable[T]) -> T:
        self.due = min(self.loop.time() + self.idle, self.end)
        if self.handle is None:
            self.handle = self.loop.call_at(self.due, self._fire)
        self.waiting = asyncio.current_task()
        try:
            return await awaitable
        except asyncio.CancelledError:
            task, which = self.waiting, self.expired
            self.expired = None
            if which is not None and task is not None and task.uncancel() == 0:
                raise AttemptTimeout(which) from None
            raise
        finally:
            self.waiting = None

    def _fire(self) -> None:
        self.handle = None
        if self.waiting is None:
            return  # between waits: the next wait arms the timer again
        if self.loop.time() < self.due:
            self.handle = self.loop.call_at(self.due, self._fire)
            return
        self.expired = "total" if self.due >= self.end else "idle"
        self.waiting.cancel()

    def stop(self) -> None:
        if self.handle is not None:
            self.handle.cancel()
            self.handle = None


async def _close(events: AsyncIterator[ModelEvent]) -> None:
    close = getattr(events, "aclose", None)
    if close is not None:
        try:
            await close()
        except Exception:  # the provider already failed; its close error adds nothing
            logger.debug("closing a provider stream failed", exc_info=True)
