"""Repair as a service: a model's generated UI in (OpenUI Lang "v2" or C1 v1 JSON), a valid one out.

Deterministic repairs first (`genui.ui.openui.repair` for v2, `Catalog.repair_tree` for v1), never inventing
data. Then, only when a `repair_model` is configured, at most two model attempts for the semantic gaps left:
a required value with no default (its component had to be dropped), a result that is not valid, or one that
renders nothing. Each answer is repaired and validated again before it is accepted; otherwise the
deterministic result stands. Without a repair model nothing leaves the process. docs/repair.md has the rules.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from contextlib import aclosing
from dataclasses import dataclass
from typing import Any, Literal

from genui.config import Settings
from genui.limits.ratelimit import estimate_tokens
from genui.models.base import ModelRequest, UpstreamError
from genui.models.events import TextDelta, Usage
from genui.models.registry import ModelRegistry, ResolvedModel
from genui.models.router import Router
from genui.service.accounting import Accounting, Caller
from genui.service.repair_formats import Candidate, Generation, generation_for, unique
from genui.service.repair_input import ContextTurn, Format
from genui.ui.openui import Issue, Library

log = logging.getLogger("genui.repair")

Status = Literal["already_valid", "fixed", "fix_failed"]
MAX_MODEL_ATTEMPTS = 2


@dataclass(frozen=True, slots=True)
class RepairRequest:
    program: str
    format: Format | None = None  # None: detected
    library: Library | None = None  # v2 only; None: the C1 v2 chat library
    # action name -> parameter schema: actions the application handles, kept intact by repair
    custom_actions: Mapping[str, dict[str, Any]] | None = None
    context: tuple[ContextTurn, ...] = ()


@dataclass(frozen=True, slots=True)
class RepairOutcome:
    status: Status
    program: str | None  # None when status is fix_failed
    format: Format
    fixed: tuple[Issue, ...]
    unfixed: tuple[Issue, ...]
    usage: Usage  # what model attempts used (zero when none ran)
    model_attempts: int

    @property
    def valid(self) -> bool:
        return self.status != "fix_failed"

    def summary(self) -> dict[str, Any]:
        return {
            "fixed_errors": [issue.to_dict() for issue in self.fixed],
            "unfixed_errors": [issue.to_dict() for issue in self.unfixed],
        }


# ---- model attempts ------

_INSTRUCTIONS: dict[Format, str] = {
    "v2": (
        "You repair OpenUI Lang programs (the generative UI language of OpenUI and Thesys C1 v2). "
        "One statement per line: `name = Component(arg, ...)` with positional arguments in the order "
        "of the signature, strings in double quotes, data as object literals `{key: value}`, `null` for "
        "a skipped optional argument; every referenced name is defined; only the library's components. "
        "Fix every problem listed. Keep all content that is valid. Fill a missing required value only "
        "from the conversation and the rest of the program, never with a placeholder. Answer with the "
        "complete corrected program only: no prose, no code fence."
    ),
    "v1": (
        'You repair C1 UI specs: a JSON Card node {"component": "Card", "props": {"children": [...]}}. '
        "Fix every problem listed. Keep all content that is valid. Fill a missing required value only "
        "from the conversation and the rest of the spec, never with a placeholder. Answer with the "
        "complete corrected JSON only: no prose, no code fence. The component catalog follows."
    ),
}


def _issue_line(issue: Issue) -> str:
    where = " ".join(
        part
        for part in (
            issue.component,
            issue.path,
            f"(statement {issue.statement_id})" if issue.statement_id else None,
        )
        if part
    )
    return f"- {issue.code}{' ' + where if where else ''}: {issue.message}"


def model_messages(
    generation: Generation, program: str, issues: Sequence[Issue], context: Sequence[ContextTurn]
) -> list[dict[str, Any]]:
    """The first attempt's prompt: the library, the conversation, the broken generation, its problems."""
    system = _INSTRUCTIONS[generation.format] + "\n\n" + generation.library_prompt()
    parts = []
    if context:
        parts.append("The conversation (newest last):\n" + "\n".join(f"[{t.role}] {t.text}" for t in context))
    parts.append("The generation to repair:\n" + program)
    parts.append("Its problems:\n" + "\n".join(_issue_line(issue) for issue in issues))
    return [{"role": "system", "content": system}, {"role": "user", "content": "\n\n".join(parts)}]


@dataclass(frozen=True, slots=True)
class RepairModel:
    resolved: ResolvedModel
    router: Router


class RepairService:
    """Runs repairs; `model` (from the `repair_model` setting) is the only way anything leaves the process."""

    def __init__(self, model: RepairModel | None = None, accounting: Accounting | None = None) -> None:
        self.model = model
        self.accounting = accounting

    @classmethod
    def from_settings(
        cls,
        repair_model: str | None,
        registry: ModelRegistry,
        router: Router,
        accounting: Accounting | None = None,
    ) -> RepairService:
        """ApiError (model_not_found) when `repair_model` names no configured model."""
        if not repair_model:
            return cls(accounting=accounting)
        return cls(RepairModel(registry.resolve(repair_model), router), accounting)

    async def run_for(
        self, caller: Caller, request: RepairRequest, model: str
    ) -> tuple[RepairOutcome, dict[str, str]]:
        """Admit (one request; input tokens only when a model may read it), repair, settle the usage: the
        outcome and the `x-ratelimit-*` headers."""
        headers: dict[str, str] = {}
        if self.accounting is not None:
            headers = await self.accounting.admit_tokens(caller, self.input_estimate(request))
        outcome = await self.run(request)
        if self.accounting is not None:
            await self.accounting.settle(caller, model, outcome.usage)
        return outcome, headers

    def input_estimate(self, request: RepairRequest) -> int:
        """Input tokens a model attempt could read (0 without a repair model: nothing is sent anywhere)."""
        if self.model is None:
            return 0
        return estimate_tokens(len(request.program) + sum(len(turn.text) for turn in request.context))

    async def run(self, request: RepairRequest) -> RepairOutcome:
        generation = generation_for(request.program, request.format, request.library, request.custom_actions)
        first = await asyncio.to_thread(generation.first)
        if not first.changed:
            return RepairOutcome("already_valid", request.program, generation.format, (), (), Usage(0, 0), 0)
        usage, attempts = Usage(0, 0), 0
        if self.model is not None and first.gaps:  # an invalid or blank result has gaps too
            answer, usage, attempts = await self._attempts(generation, first, request)
            if answer is not None:
                everything = unique([*first.fixed, *first.unfixed])
                return RepairOutcome("fixed", answer, generation.format, everything, (), usage, attempts)
        if first.valid:
            return RepairOutcome("fixed", first.program, generation.format, first.fixed, (), usage, attempts)
        return RepairOutcome(
            "fix_failed", None, generation.format, first.fixed, first.unfixed, usage, attempts
        )

    async def _attempts(
        self, generation: Generation, first: Candidate, request: RepairRequest
    ) -> tuple[str | None, Usage, int]:
        """At most MAX_MODEL_ATTEMPTS model answers, each repaired and checked: (the accepted program or
        None, the tokens used, the attempts made). An unreachable model raises only if `first` is invalid."""
        messages = model_messages(
            generation, request.program, [*first.fixed, *first.unfixed], request.context
        )
        usage = Usage(0, 0)
        for attempt in range(1, MAX_MODEL_ATTEMPTS + 1):
            try:
                answer, used = await self._ask(messages, generation.answer_schema())
            except UpstreamError as exc:
                if not first.valid:
                    raise
                log.warning("repair model failed, the deterministic repair stands: %s", exc.message)
                return None, usage, attempt
            usage = Usage(usage.input_tokens + used.input_tokens, usage.output_tokens + used.output_tokens)
            candidate = await asyncio.to_thread(generation.retry, answer)
            if candidate.valid and not candidate.gaps:
                return candidate.program, usage, attempt
            problems = "\n".join(_issue_line(issue) for issue in (*candidate.fixed, *candidate.unfixed))
            retry = (
                f"That answer still has these problems:\n{problems}\nAnswer again with the whole generation."
            )
            messages = [
                *messages,
                {"role": "assistant", "content": answer},
                {"role": "user", "content": retry},
            ]
        return None, usage, MAX_MODEL_ATTEMPTS

    async def _ask(
        self, messages: list[dict[str, Any]], json_schema: dict[str, Any] | None
    ) -> tuple[str, Usage]:
        assert self.model is not None
        request = ModelRequest(messages=messages, temperature=0, json_schema=json_schema, stream=False)
        text: list[str] = []
        usage: Usage | None = None
        async with aclosing(self.model.router.stream(self.model.resolved, request)) as events:
            async for event in events:
                if isinstance(event, TextDelta):
                    text.append(event.text)
                elif isinstance(event, Usage):
                    usage = event
        answer = "".join(text)
        if usage is None:  # estimated like a chat turn when the upstream does not count
            chars = sum(len(str(m.get("content", ""))) for m in messages)
            usage = Usage(input_tokens=estimate_tokens(chars), output_tokens=estimate_tokens(len(answer)))
        return answer, usage


async def repair_in_process(settings: Settings, request: RepairRequest) -> RepairOutcome:
    """One repair without a server (`genui fix`); a model router is built only for a `repair_model`."""
    if not settings.repair_model:
        return await RepairService().run(request)
    registry = ModelRegistry.from_settings(settings)
    router = Router.from_settings(settings, registry)
    try:
        return await RepairService.from_settings(settings.repair_model, registry, router).run(request)
    finally:
        await router.aclose()
