"""Per-organization rate limits on requests, input tokens and output tokens per minute (the `limits` library).

Input tokens are charged on an estimate before the model call; output tokens are settled after it, so an
organization over its output budget is refused on its next request. A `redis://` storage shares the counters
between server processes.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, RateLimitItemPerMinute
from limits.aio.storage import Storage
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from limits.storage import storage_from_string

from genui.errors import ApiError


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


def _storage_uri(uri: str) -> tuple[str, dict[str, str]]:
    if uri.startswith("async+"):
        return uri, {}
    if uri.startswith(("redis://", "rediss://")):
        return "async+" + uri, {"implementation": "redispy"}
    return "async+" + uri, {}


class RateLimiter:
    """Requests, input and output tokens per minute, per organization; a limit of 0 is off."""

    def __init__(
        self,
        storage_uri: str = "memory://",
        *,
        requests_per_minute: int = 0,
        input_tokens_per_minute: int = 0,
        output_tokens_per_minute: int = 0,
    ) -> None:
        uri, options = _storage_uri(storage_uri)
        storage = storage_from_string(uri, **options)
        assert isinstance(storage, Storage), "an async storage"
        self.storage = storage
        # Sliding window counters cost O(1) per hit even for large token costs (a moving window stores one
        # entry per unit).
        self.strategy = SlidingWindowCounterRateLimiter(self.storage)
        self.requests = _budget("requests", requests_per_minute)
        self.input_tokens = _budget("input-tokens", input_tokens_per_minute)
        self.output_tokens = _budget("output-tokens", output_tokens_per_minute)

    @property
    def enabled(self) -> bool:
        return bool(self.requests or self.input_tokens or self.output_tokens)

    async def acquire(self, org_id: str, estimated_input_tokens: int) -> dict[str, str]:
        """Charge one request and the estimated input; raise a 429 ApiError when a budget is spent.

        Returns the `x-ratelimit-*` headers to send with the answer.
        """
        if not self.enabled:
            return {}
        headers: dict[str, str] = {}
        checks: list[tuple[Budget, int]] = []
        if self.requests:
            checks.append((self.requests, 1))
        if self.input_tokens:
            # A request larger than the whole budget could never pass: charge at most the limit.
            checks.append((self.input_tokens, min(estimated_input_tokens, self.input_tokens.item.amount)))
        for budget, cost in checks:
            if not await self.strategy.hit(budget.item, org_id, cost=max(cost, 1)):
                raise await self._refusal(budget, org_id)
        if self.output_tokens and not await self.strategy.test(self.output_tokens.item, org_id, cost=1):
            raise await self._refusal(self.output_tokens, org_id)
        for active in (self.requests, self.input_tokens, self.output_tokens):
            if active:
                headers.update(await self._headers(active, org_id))
        return headers

    async def settle(self, org_id: str, output_tokens: int) -> None:
        """Charge the output tokens the model actually produced (may overdraw: the next request waits)."""
        if self.output_tokens and output_tokens > 0:
            item = self.output_tokens.item
            remaining = output_tokens
            # hit() refuses a cost above what is left; charge what fits, the window then reads as spent.
            while remaining > 0:
                stats = await self.strategy.get_window_stats(item, org_id)
                cost = min(remaining, max(stats.remaining, 0))
                if cost <= 0:
                    break
                await self.strategy.hit(item, org_id, cost=cost)
                remaining -= cost

    async def _headers(self, budget: Budget, org_id: str) -> dict[str, str]:
        stats = await self.strategy.get_window_stats(budget.item, org_id)
        reset = max(0.0, stats.reset_time - time.time())
        return {
            f"x-ratelimit-limit-{budget.name}": str(budget.item.amount),
            f"x-ratelimit-remaining-{budget.name}": str(max(stats.remaining, 0)),
            f"x-ratelimit-reset-{budget.name}": f"{reset:.3f}s",
        }

    async def _refusal(self, budget: Budget, org_id: str) -> ApiError:
        headers = await self._headers(budget, org_id)
        stats = await self.strategy.get_window_stats(budget.item, org_id)
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
