"""Artifacts (`POST /v1/artifact/chat/completions`): reports and slide decks, generated or edited.

The request is a chat completion whose `metadata.thesys` names the artifact (`id`, `c1_artifact_type`,
`is_edit`). The answer format follows the model name (v1 `<artifact>` XML+JSON before v-20260331, else a bare
OpenUI Lang program; an edit keeps its base's format). Generation runs on the configured model the name
resolves to, else the default model; when that is the embedded one, no model is called: the offline composer
lays out the request's material and rule edits settle what they can (docs/artifacts.md). The run is an
ordinary `ChatRun` (admission, usage, framing shared with chat); its turn is an `ArtifactTurn`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import AsyncGenerator
from contextlib import aclosing
from typing import Any

from genui.errors import ApiError
from genui.models.base import ModelRequest
from genui.models.events import Finish, TextDelta, Usage
from genui.models.registry import ModelRegistry, ResolvedModel, parse_version
from genui.models.router import Router
from genui.service.accounting import Accounting, Caller
from genui.service.chat import ChatRequest, ChatRun
from genui.service.lifecycle import Drain
from genui.service.params import thesys_of
from genui.service.turn import TextOut, Turn, TurnEvent, TurnRunner, message_chars
from genui.ui import Catalog, ThesysMetadata
from genui.ui.artifacts import (
    Base,
    EditNotSettled,
    ModelEdit,
    ModelGeneration,
    Spec,
    edit_base,
    offline_edit,
    offline_generate,
)
from genui.ui.artifacts.base import text_of
from genui.ui.artifacts.prompt import edit_prompt, generation_prompt
from genui.ui.c1 import to_model_text

ARTIFACT_MODEL = "c1/artifact/v-20251230"  # the one id /v1/models lists
V2_FROM = "2026-03-31"  # model dates from this one on answer in OpenUI Lang
_ARTIFACT_NAME = re.compile(r"^c1/artifact/v-(?P<date>\d{8}|dev)$")
_AUTHOR_MODEL = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.:@+-]+$")


def _missing(key: str, why: str) -> ApiError:
    return ApiError(400, why, param=f"metadata.thesys.{key}", code="missing_required_parameter")


def answer_format(model: str) -> str:
    """ "v1" or "v2" for a model name (`c1/artifact/v-dev` is the newest: v2)."""
    match = _ARTIFACT_NAME.match(model)
    if match is not None:
        raw = match.group("date")
        return "v2" if raw == "dev" or f"{raw[:4]}-{raw[4:6]}-{raw[6:]}" >= V2_FROM else "v1"
    versioned = parse_version(model)
    if versioned is not None:
        return "v1" if versioned[2] < V2_FROM else "v2"
    return "v2"


def is_artifact_model(model: str) -> bool:
    return _ARTIFACT_NAME.match(model) is not None


def resolve_model(registry: ModelRegistry, model: str) -> ResolvedModel:
    """The configured model a name resolves to, else (artifact and unknown provider names) the default one;
    the answer carries the requested name."""
    try:
        resolved = registry.resolve(model)
    except ApiError:
        if not (is_artifact_model(model) or parse_version(model) or _AUTHOR_MODEL.match(model)):
            raise
        resolved = registry.resolve(registry.default_name)
    return dataclasses.replace(resolved, name=model)


def check_artifact_request(req: ChatRequest) -> ThesysMetadata:
    """What this route needs beyond a chat completion: `metadata.thesys` with `id` and the type."""
    if req.tools:
        raise ApiError(400, "Artifacts do not support tool calling: send no 'tools'.", param="tools",
                       code="unsupported_parameter")  # fmt: skip
    meta = thesys_of(req.metadata)
    if meta is None:
        raise _missing(
            "id", "Artifacts need 'metadata.thesys': a JSON string with 'id' and 'c1_artifact_type'."
        )
    if meta.c1_artifact_type is None:
        raise _missing(
            "c1_artifact_type", "'metadata.thesys.c1_artifact_type' is required: 'slides' or 'report'."
        )
    if meta.c1_artifact_type == "c1app":
        raise ApiError(400, "c1_artifact_type 'c1app' is unsupported: use 'slides' or 'report'.",
                       param="metadata.thesys.c1_artifact_type", code="unsupported_value")  # fmt: skip
    if meta.id is None:
        raise _missing("id", "'metadata.thesys.id' is required: the artifact's id (reuse it on edits).")
    if req.messages[-1].role != "user":
        raise ApiError(400, "The last message must be the user's request.", param="messages",
                       code="invalid_value")  # fmt: skip
    return meta


class ArtifactTurn(Turn):
    """A turn whose text is the artifact: composed chunks (offline) or a model's text through a job."""

    def __init__(
        self,
        router: Router,
        resolved: ResolvedModel,
        request: ModelRequest,
        job: ModelGeneration | ModelEdit | None,
        chunks: list[str],
    ) -> None:
        super().__init__(router, resolved, Catalog.default(), request)
        self.job = job
        self.chunks = chunks

    async def events(self) -> AsyncGenerator[TurnEvent, None]:
        written = 0
        usage: Usage | None = None
        finish: Finish | None = None
        if self.job is None:
            for chunk in self.chunks:
                written += len(chunk)
                yield TextOut(chunk)
        else:
            async with aclosing(self.router.stream(self.resolved, self.request)) as upstream:
                async for event in upstream:
                    if isinstance(event, TextDelta):
                        out = self.job.feed(event.text)
                        if out:
                            written += len(out)
                            yield TextOut(out)
                    elif isinstance(event, Usage):
                        usage = event
                    elif isinstance(event, Finish):
                        finish = event
            rest = self.job.finish()
            self.repairer.repairs.extend(self.job.repairs)
            if rest:
                written += len(rest)
                yield TextOut(rest)
        yield usage or Usage(
            input_tokens=max(1, message_chars(self.request.messages) // 4), output_tokens=max(1, written // 4)
        )
        yield Finish(finish.reason if finish is not None and finish.reason == "length" else "stop")


def _client_context(messages: list[dict[str, Any]], edit: bool) -> list[dict[str, Any]]:
    """The client's system turns (its steer: brand, audience) as system messages, then the earlier user and
    assistant turns as model-readable text (an edit's base turn is in the edit prompt already)."""
    steer = [
        {"role": "system", "content": text_of(m.get("content"))}
        for m in messages
        if m.get("role") in ("system", "developer") and text_of(m.get("content")).strip()
    ]
    earlier = messages[:-2] if edit else messages[:-1]
    turns = [
        {"role": m["role"], "content": to_model_text(text_of(m.get("content")), m["role"])}
        for m in earlier
        if m.get("role") in ("user", "assistant") and text_of(m.get("content")).strip()
    ]
    return steer + turns


class ArtifactService:
    def __init__(self, runner: TurnRunner, accounting: Accounting, drain: Drain) -> None:
        self.runner = runner
        self.accounting = accounting
        self.drain = drain

    async def start(self, req: ChatRequest, caller: Caller) -> ChatRun:
        """Check, admit and start; every refusal raises ApiError here, before anything is sent."""
        meta = check_artifact_request(req)
        kind = str(meta.c1_artifact_type)
        assert meta.id is not None
        messages = [m.model_dump(exclude_none=True) for m in req.messages]
        base, is_edit = edit_base(messages, kind, meta.id, meta.is_edit)
        if is_edit and base is None:
            raise ApiError(
                400,
                f"'is_edit' is set but no assistant message before the last user message holds a {kind} "
                "artifact to edit (a v1 <artifact> or a v2 program).",
                param="messages",
                code="invalid_value",
            )
        spec = Spec(
            kind, base.format if base else answer_format(req.model), meta.id, meta.artifact_edit_format
        )
        resolved = resolve_model(self.runner.registry, req.model)
        request_text = to_model_text(text_of(messages[-1].get("content")), "user")
        headers = await self.accounting.admit(caller, messages)
        offline = self.runner.router.configs.get(resolved.provider_name)
        job: ModelGeneration | ModelEdit | None = None
        chunks: list[str] = []
        if offline is not None and offline.kind == "embedded":
            chunks = self._offline(spec, base, request_text)
            prompt: list[dict[str, Any]] = [{"role": "user", "content": request_text}]
        else:
            system = edit_prompt(kind, base) if base else generation_prompt(kind, spec.format)
            prompt = [
                {"role": "system", "content": system},
                *_client_context(messages, base is not None),
                {"role": "user", "content": request_text},
            ]
            job = ModelEdit(spec, base) if base else ModelGeneration(spec, request_text)
        request = ModelRequest(
            messages=prompt,
            max_tokens=req.max_completion_tokens or req.max_tokens,
            temperature=req.temperature,
            top_p=req.top_p,
            reasoning_effort=req.reasoning_effort,
            prompt_cache_key=req.prompt_cache_key,
            stream=True,
        )
        turn = ArtifactTurn(self.runner.router, resolved, request, job, chunks)
        return ChatRun(self.accounting, caller, turn, headers, self.drain, messages)

    @staticmethod
    def _offline(spec: Spec, base: Base | None, request_text: str) -> list[str]:
        if base is None:
            return offline_generate(spec, request_text)
        try:
            return offline_edit(spec, base, request_text)
        except EditNotSettled as exc:
            raise ApiError(400, str(exc), param="messages", code="edit_not_supported_offline") from None
