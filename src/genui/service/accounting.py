"""Who a turn is for and what it costs them: admission by the rate limits before the call, and after it the
token metrics, the output-token budget and the usage row.

When the shared rate-limit storage (Redis) cannot be reached, model calls are refused with a clear 503, or,
with a `local` limiter given, counted in this process's memory until the storage answers again.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any, Literal

from genui.errors import ApiError
from genui.limits.ratelimit import RateLimiter, estimate_tokens
from genui.limits.usage import UsageRecorder
from genui.models.base import Usage
from genui.service.metrics import REPAIRS, TOKENS
from genui.service.turn import message_chars

log = logging.getLogger("genui.usage")
# A storage that neither answers nor refuses within this time counts as unreachable.
STORAGE_TIMEOUT_SECONDS = 2.0
RETRY_AFTER_SECONDS = 5
StorageState = Literal["ok", "unreachable", "counting locally", "unused"]


@dataclass(frozen=True, slots=True)
class Caller:
    """The organization (and key, None in no-auth mode) a request acts for; every stored object is scoped by
    `org_id`."""

    org_id: str
    key_id: str | None


def storage_unavailable() -> ApiError:
    return ApiError(
        503,
        "The rate-limit storage is unavailable, so no model call can be admitted. Try again shortly.",
        type="server_error",
        code="service_unavailable",
        headers={"retry-after": str(RETRY_AFTER_SECONDS)},
    )


class Accounting:
    def __init__(
        self, limiter: RateLimiter, recorder: UsageRecorder, local: RateLimiter | None = None
    ) -> None:
        self.limiter = limiter
        self.recorder = recorder
        self.local = local  # counts in memory while the shared storage is unreachable; None: refuse
        self.degraded = False

    async def admit(self, caller: Caller, messages: list[dict[str, Any]]) -> dict[str, str]:
        """Charge one request and its estimated input (a 429 ApiError when a budget is spent, a 503 when the
        storage is unreachable and nothing stands in); returns the `x-ratelimit-*` headers for the answer."""
        if not self.limiter.enabled:
            return {}
        tokens = estimate_tokens(message_chars(messages))
        try:
            async with asyncio.timeout(STORAGE_TIMEOUT_SECONDS):
                headers = await self.limiter.acquire(caller.org_id, tokens)
        except ApiError:
            raise
        except Exception as exc:  # the storage's own errors (connection refused, timeout, ...)
            self._storage_failed(exc)
            if self.local is None:
                raise storage_unavailable() from None
            return await self.local.acquire(caller.org_id, tokens)
        if self.degraded:
            self.degraded = False
            log.warning("the rate-limit storage answers again")
        return headers

    def _storage_failed(self, exc: BaseException) -> None:
        if not self.degraded:  # once per outage, not once per request
            self.degraded = True
            fallback = "counting locally" if self.local is not None else "refusing model calls with 503"
            log.error("the rate-limit storage is unreachable: %s", fallback, exc_info=exc)

    async def storage_state(self) -> StorageState:
        """For readiness: can the rate-limit storage be reached (a memory storage always can)?"""
        if not self.limiter.enabled:
            return "unused"
        try:
            async with asyncio.timeout(STORAGE_TIMEOUT_SECONDS):
                healthy = await self.limiter.storage.check()
        except Exception:
            healthy = False
        if healthy:
            return "ok"
        return "counting locally" if self.local is not None else "unreachable"

    async def settle(self, caller: Caller, model: str, usage: Usage | None, repairs: int = 0) -> None:
        """After a turn: count tokens and repairs, charge the output to the rate limit, queue the usage row.
        Never raises: accounting must not fail an answer that was produced."""
        if repairs:
            REPAIRS.inc(repairs)
        if usage is None:
            return
        TOKENS.labels("input").inc(usage.input_tokens)
        TOKENS.labels("output").inc(usage.output_tokens)
        self.recorder.record(caller.org_id, caller.key_id, model, usage.input_tokens, usage.output_tokens)
        if not self.limiter.output_tokens:
            return
        try:
            async with asyncio.timeout(STORAGE_TIMEOUT_SECONDS):
                await self.limiter.settle(caller.org_id, usage.output_tokens)
        except Exception as exc:
            self._storage_failed(exc)
            if self.local is not None:
                await self.local.settle(caller.org_id, usage.output_tokens)
