"""Who a turn is for and what it costs them: admission by the rate limits before the call, and after it the
token metrics, the output-token budget and the usage row. (What happens when the shared rate-limit storage
fails, a 503 or in-process counting, is `genui.limits.ratelimit`'s.)"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Literal

import anyio

from genui.limits.ratelimit import RateLimiter, estimate_tokens
from genui.limits.usage import UsageRecorder
from genui.models.events import Usage
from genui.models.registry import ResolvedModel
from genui.service.metrics import repair_counter, token_counter
from genui.service.turn import message_chars

log = logging.getLogger("genui.usage")
StorageState = Literal["ok", "unreachable", "counting locally", "unused"]


@dataclass(frozen=True, slots=True)
class Caller:
    """The organization (and key, None in no-auth mode) a request acts for; every stored object is scoped by
    `org_id`."""

    org_id: str
    key_id: str | None


class Accounting:
    def __init__(self, limiter: RateLimiter, recorder: UsageRecorder) -> None:
        self.limiter = limiter
        self.recorder = recorder

    async def admit(self, caller: Caller, messages: list[dict[str, Any]]) -> dict[str, str]:
        """Charge one request and its estimated input: a 429 when a budget is spent, a 503 when the storage
        fails and no local fallback is configured. Returns the `x-ratelimit-*` headers for the answer."""
        return await self.admit_tokens(caller, estimate_tokens(message_chars(messages)))

    async def admit_tokens(self, caller: Caller, input_tokens: int) -> dict[str, str]:
        """`admit` for a request whose input estimate is already known."""
        if not self.limiter.enabled:
            return {}
        return await self.limiter.acquire(caller.org_id, input_tokens)

    async def storage_state(self) -> StorageState:
        """For readiness: does the rate-limit storage answer (a memory storage always does)?"""
        if not self.limiter.enabled:
            return "unused"
        if await self.limiter.healthy():
            return "ok"
        return "counting locally" if self.limiter.local is not None else "unreachable"

    async def settle(
        self, caller: Caller, model: ResolvedModel | str, usage: Usage | None, repairs: int = 0
    ) -> None:
        """After a turn: count tokens and repairs, charge the output to the rate limit, queue the usage row.
        The usage row keeps the public name; the metrics count under the configured model, since a pinned name
        carries any date a client chooses (a str, the repair endpoints' fixed names, is both).
        Never raises: accounting must not fail an answer that was produced."""
        name, series = (model, model) if isinstance(model, str) else (model.name, model.configured_name)
        if repairs:
            repair_counter(series).inc(repairs)
        if usage is None:
            return
        token_counter(series, "input").inc(usage.input_tokens)
        token_counter(series, "output").inc(usage.output_tokens)
        try:
            await self.limiter.settle(caller.org_id, usage.output_tokens)
            self.recorder.record(caller.org_id, caller.key_id, name, usage.input_tokens, usage.output_tokens)
        except Exception:
            log.exception("could not record usage")

    async def settle_cut_short(
        self,
        caller: Caller,
        model: ResolvedModel,
        messages: list[dict[str, Any]],
        output_chars: int,
        repairs: int,
        *,
        usage: Usage | None = None,
        failed: bool = False,
    ) -> Usage | None:
        """Settle a turn that ended early (client gone, server draining, model failing): the model's usage if
        it reported one, else the input estimate charged at admission and the output generated so far
        (`output_chars`, at 4 characters a token). A failure before any output (the model refused the call)
        is not metered. Shielded: it runs while the run is being cancelled."""
        if usage is None and not (failed and output_chars == 0):
            usage = cut_short_usage(messages, output_chars)
        with anyio.CancelScope(shield=True):
            await self.settle(caller, model, usage, repairs)
        return usage


def cut_short_usage(messages: list[dict[str, Any]], output_chars: int) -> Usage:
    """The admission estimate of the input (the same as `admit` charged) and the output generated so far."""
    output = estimate_tokens(output_chars) if output_chars else 0
    return Usage(input_tokens=estimate_tokens(message_chars(messages)), output_tokens=output)
