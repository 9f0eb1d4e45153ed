"""Per-organization rate limits on requests, input tokens and output tokens per minute (the `limits` library).

Input tokens are charged on an estimate before the model call; output tokens are settled after it, so an
organization over its output budget is refused on its next request. A `redis://` storage shares the counters
between server processes.

A request whose estimated input alone exceeds the whole per-minute input budget could never pass: it is
refused up front with a 429 (`rate_limit_exceeded`, as OpenAI answers a request larger than a TPM limit) that
gives both numbers, with `x-should-retry: false` so the official SDKs do not retry it.

When the storage fails (Redis down), a request gets a 503 `RateLimitUnavailable` (`retry-after`), or, with
`fallback_to_local`, is counted by in-process limits until the storage answers again: each process then
applies the whole budget on its own (N processes admit up to N times the budget).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from limits import RateLimitItem, RateLimitItemPerMinute
from limits.aio.storage import MemoryStorage, Storage
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from limits.errors import StorageError
from limits.storage import storage_from_string

from genui.errors import ApiError

log = logging.getLogger("genui.ratelimit")
# Seconds a failed storage is left alone (its requests go to the fallback) before it is tried again; also
# the `retry-after` of the 503.
STORAGE_RETRY_SECONDS = 5
# Redis socket timeouts (seconds) unless the URI sets its own: a blackholed Redis fails fast, not after
# the kernel's TCP timeout.
REDIS_TIMEOUT_SECONDS = 1.0
# What a failing storage raises through `limits` (wrapped) or before reaching it (connecting).
STORAGE_FAILURES = (StorageError, OSError, TimeoutError)
T = TypeVar("T")


class RateLimitUnavailable(ApiError):
    """The rate limit storage cannot be reached and there is no local fallback: a 503 the client may retry."""

    def __init__(self) -> None:
        super().__init__(
            503,
            "Rate limiting is temporarily unavailable, so the request was not run. "
            f"Try again in {STORAGE_RETRY_SECONDS}s.",
            type="server_error",
            code="rate_limit_unavailable",
            headers={"retry-after": str(STORAGE_RETRY_SECONDS)},
        )


@dataclass(frozen=True, slots=True)
class Budget:
    """One limited quantity: its header suffix and its per-minute limit."""

    name: str
    item: RateLimitItem


def _budget(name: str, per_minute: int) -> Budget | None:
    """A per-minute budget, or None when the limit is 0 (off)."""
    if not per_minute:
        return None
    return Budget(name, RateLimitItemPerMinute(per_minute, namespace=f"genui-{name}"))


def _storage(uri: str) -> Storage:
    options: dict[str, Any] = {"wrap_exceptions": True}
    if not uri.startswith("async+"):
        if uri.startswith(("redis://", "rediss://")):
            options |= {
                "implementation": "redispy",
                "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
                "socket_timeout": REDIS_TIMEOUT_SECONDS,
            }
        uri = "async+" + uri
    storage = storage_from_string(uri, **options)
    assert isinstance(storage, Storage), "an async storage"
    return storage


def request_too_large(estimated: int, budget: Budget) -> ApiError:
    return ApiError(
        429,
        f"Request too large: about {estimated} input tokens (estimated), more than this organization's whole "
        f"budget of {budget.item.amount} input tokens per minute, so it could never run. Reduce the input.",
        code="rate_limit_exceeded",
        headers={f"x-ratelimit-limit-{budget.name}": str(budget.item.amount), "x-should-retry": "false"},
    )


class RateLimiter:
    """Requests, input and output tokens per minute, per organization; a limit of 0 is off.

    `fallback_to_local`: when the storage fails, count in this process instead of refusing with a 503."""

    def __init__(
        self,
        storage_uri: str = "memory://",
        *,
        requests_per_minute: int = 0,
        input_tokens_per_minute: int = 0,
        output_tokens_per_minute: int = 0,
        fallback_to_local: bool = False,
    ) -> None:
        self.storage = _storage(storage_uri)
        # Sliding window counters cost O(1) per hit even for large token costs (a moving window stores one
        # entry per unit).
        self.strategy = SlidingWindowCounterRateLimiter(self.storage)
        self.local = SlidingWindowCounterRateLimiter(MemoryStorage()) if fallback_to_local else None
        self.requests = _budget("requests", requests_per_minute)
        self.input_tokens = _budget("input-tokens", input_tokens_per_minute)
        self.output_tokens = _budget("output-tokens", output_tokens_per_minute)
        # monotonic time until which the storage is considered down (only with a fallback)
        self._down_until = 0.0
        self._warned_at = float("-inf")

    @property
    def enabled(self) -> bool:
        return bool(self.requests or self.input_tokens or self.output_tokens)

    async def acquire(self, org_id: str, estimated_input_tokens: int) -> dict[str, str]:
        """Charge one request and the estimated input; raise a 429 ApiError when a budget is spent (or could
        never cover this request), a 503 `RateLimitUnavailable` when the storage fails and there is no
        fallback. Returns the `x-ratelimit-*` headers to send with the answer.
        """
        if not self.enabled:
            return {}
        if self.input_tokens and estimated_input_tokens > self.input_tokens.item.amount:
            raise request_too_large(estimated_input_tokens, self.input_tokens)
        return await self._with_storage(lambda s: self._acquire(s, org_id, estimated_input_tokens))

    async def _acquire(
        self, strategy: SlidingWindowCounterRateLimiter, org_id: str, estimated_input_tokens: int
    ) -> dict[str, str]:
        checks: list[tuple[Budget, int]] = []
        if self.requests:
            checks.append((self.requests, 1))
        if self.input_tokens:
            checks.append((self.input_tokens, estimated_input_tokens))
        for budget, cost in checks:
            if not await strategy.hit(budget.item, org_id, cost=max(cost, 1)):
                raise await self._refusal(strategy, budget, org_id)
        if self.output_tokens and not await strategy.test(self.output_tokens.item, org_id, cost=1):
            raise await self._refusal(strategy, self.output_tokens, org_id)
        headers: dict[str, str] = {}
        for active in (self.requests, self.input_tokens, self.output_tokens):
            if active:
                headers.update(await self._headers(strategy, active, org_id))
        return headers

    async def settle(self, org_id: str, output_tokens: int) -> None:
        """Charge the output tokens the model actually produced (may overdraw: the next request waits).
        Never raises for a failing storage: the answer is already out; the charge is lost and logged."""
        if not self.output_tokens or output_tokens <= 0:
            return
        try:
            await self._with_storage(lambda s: self._settle(s, org_id, output_tokens))
        except RateLimitUnavailable:
            log.warning("could not charge %d output tokens of %s: storage unavailable", output_tokens, org_id)

    async def _settle(
        self, strategy: SlidingWindowCounterRateLimiter, org_id: str, output_tokens: int
    ) -> None:
        assert self.output_tokens is not None
        item = self.output_tokens.item
        remaining = output_tokens
        # hit() refuses a cost above what is left; charge what fits, the window then reads as spent.
        while remaining > 0:
            stats = await strategy.get_window_stats(item, org_id)
            cost = min(remaining, max(stats.remaining, 0))
            if cost <= 0:
                break
            await strategy.hit(item, org_id, cost=cost)
            remaining -= cost

    async def _with_storage(self, run: Callable[[SlidingWindowCounterRateLimiter], Awaitable[T]]) -> T:
        """`run` on the shared storage; on its failure, on the local fallback (kept for a while) or a 503."""
        if self.local is not None and time.monotonic() < self._down_until:
            return await run(self.local)
        try:
            return await run(self.strategy)
        except STORAGE_FAILURES as exc:
            now = time.monotonic()
            if now - self._warned_at >= STORAGE_RETRY_SECONDS:  # one line per outage period, not per request
                self._warned_at = now
                fallback = "counting in this process" if self.local else "refusing requests with a 503"
                log.warning("rate limit storage failed (%s), %s: %s", type(exc).__name__, fallback, exc)
            if self.local is None:
                raise RateLimitUnavailable() from exc
            self._down_until = now + STORAGE_RETRY_SECONDS
            return await run(self.local)

    async def healthy(self) -> bool:
        """Whether the shared storage answers (a PING for Redis); for readiness checks."""
        try:
            return bool(await self.storage.check())
        except Exception:
            return False

    async def _headers(
        self, strategy: SlidingWindowCounterRateLimiter, budget: Budget, org_id: str
    ) -> dict[str, str]:
        stats = await strategy.get_window_stats(budget.item, org_id)
        reset = max(0.0, stats.reset_time - time.time())
        return {
            f"x-ratelimit-limit-{budget.name}": str(budget.item.amount),
            f"x-ratelimit-remaining-{budget.name}": str(max(stats.remaining, 0)),
            f"x-ratelimit-reset-{budget.name}": f"{reset:.3f}s",
        }

    async def _refusal(
        self, strategy: SlidingWindowCounterRateLimiter, budget: Budget, org_id: str
    ) -> ApiError:
        headers = await self._headers(strategy, budget, org_id)
        stats = await strategy.get_window_stats(budget.item, org_id)
        retry_after = max(1, math.ceil(stats.reset_time - time.time()))
        headers["retry-after"] = str(retry_after)
        return ApiError(
            429,
            f"Rate limit reached for {budget.name} per minute: limit {budget.item.amount}. "
            f"Try again in {retry_after}s.",
            code="rate_limit_exceeded",
            headers=headers,
        )

    async def aclose(self) -> None:
        # Storages hold connection pools for redis; memory needs nothing.
        reset = getattr(self.storage, "close", None)
        if reset is not None:
            result = reset()
            if hasattr(result, "__await__"):
                await result


def estimate_tokens(text_length: int) -> int:
    """Cheap estimate used before the call: about 4 characters per token."""
    return max(1, text_length // 4)
