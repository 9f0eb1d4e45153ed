"""Repair as an API: POST /v1/autofix (alias /v1/autofix/chat/completions) and POST /v1/embed/sanitize.

Thesys's request and response shapes (openui-lang.md §6), over `genui.service.repair`; docs/repair.md.
"""

from __future__ import annotations

import secrets
import time
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from genui.api.body import read_body
from genui.api.deps import Who, get_state
from genui.api.errors import json_response
from genui.api.openapi import MODEL_CALL, errors, json_body
from genui.errors import ApiError
from genui.models.events import Usage
from genui.service.repair import RepairRequest
from genui.service.repair_input import (
    MAX_PROGRAM_CHARS,
    check_custom_actions,
    context_turns,
    is_blank,
    message_text,
    resolve_library,
)

router = APIRouter(tags=["repair"])
AUTOFIX_MODEL = "openui/autofix"
SANITIZE_MODEL = "openui/sanitize"
SANITIZE_STATUS = {"already_valid": "already_valid", "fixed": "repaired", "fix_failed": "repair_failed"}


class ChatTurn(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[dict[str, Any]] | None = None


class AutofixRequest(BaseModel):
    """An OpenAI chat body whose last turn is the generation; other OpenAI fields are ignored."""

    model_config = ConfigDict(extra="ignore")
    messages: list[ChatTurn] = Field(min_length=1, max_length=2048)
    library: dict[str, Any] | None = None  # the CLI spec (or toJSONSchema() output); None: the chat library
    model: str | None = Field(default=None, max_length=256)  # accepted and ignored
    stream: bool | None = None
    format: Literal["v1", "v2"] | None = None  # genui: the generation's format (default: detected)


class SanitizeConfig(BaseModel):
    model_config = ConfigDict(extra="ignore")
    openUIlibraryVersion: str | None = Field(default=None, max_length=64)
    library: dict[str, Any] | None = None
    customActions: dict[str, Any] | None = None


class SanitizeRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    output: str
    config: SanitizeConfig | None = None
    format: Literal["v1", "v2"] | None = None  # genui: the output's format (default: detected)


def checked_program(text: str, param: str) -> str:
    if is_blank(text):
        raise ApiError(400, f"'{param}' holds no generation to repair.", param=param, code="invalid_value")
    if len(text) > MAX_PROGRAM_CHARS:
        raise ApiError(
            400,
            f"The generation is {len(text)} characters; the limit is {MAX_PROGRAM_CHARS}.",
            param=param,
            code="string_above_max_length",
        )
    return text


def usage_body(usage: Usage) -> dict[str, int]:
    return {
        "prompt_tokens": usage.input_tokens,
        "completion_tokens": usage.output_tokens,
        "total_tokens": usage.input_tokens + usage.output_tokens,
    }


@router.post("/v1/autofix", openapi_extra=json_body(AutofixRequest), responses=errors(*MODEL_CALL))
@router.post(
    "/v1/autofix/chat/completions", openapi_extra=json_body(AutofixRequest), responses=errors(*MODEL_CALL)
)
async def autofix(request: Request, who: Who) -> Response:
    """Fix the generation in the last (assistant) turn; the answer is a chat completion + `fix_summary`."""
    state = get_state(request)
    body = await read_body(request, AutofixRequest)
    if body.stream:
        raise ApiError(
            400,
            "Streaming is not supported: a fix has nothing to send until it is finished.",
            param="stream",
            code="unsupported_parameter",
        )
    last = body.messages[-1]
    if last.role != "assistant":
        raise ApiError(
            400,
            "The last message must be an assistant turn holding the generation to fix.",
            param="messages",
            code="invalid_value",
        )
    program = checked_program(message_text(last.content), "messages")
    repair = RepairRequest(
        program,
        format=body.format,
        library=resolve_library(body.library, param="library"),
        context=context_turns([turn.model_dump() for turn in body.messages[:-1]]),
    )
    outcome, headers = await state.repair.run_for(who, repair, AUTOFIX_MODEL)
    message: dict[str, Any] = {
        "role": "assistant",
        "content": outcome.program,
        "refusal": None,
        "annotations": [],
    }
    answer = {
        "id": "fix_" + secrets.token_urlsafe(16),
        "object": "chat.completion",
        "created": int(time.time()),
        "model": AUTOFIX_MODEL,
        "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": "stop"}],
        "usage": usage_body(outcome.usage),
        "fix_summary": {"status": outcome.status, **outcome.summary(), "format": outcome.format},
    }
    return json_response(answer, headers=headers)


@router.post("/v1/embed/sanitize", openapi_extra=json_body(SanitizeRequest), responses=errors(*MODEL_CALL))
@router.post("/v1/sanitize", include_in_schema=False)
async def sanitize(request: Request, who: Who) -> Response:
    """Repair `output`; the answer is an `openui.sanitize` object."""
    state = get_state(request)
    body = await read_body(request, SanitizeRequest)
    config = body.config or SanitizeConfig()
    program = checked_program(body.output, "output")
    library = resolve_library(
        config.library,
        config.openUIlibraryVersion,
        param="config.library",
        version_param="config.openUIlibraryVersion",
    )
    actions = check_custom_actions(config.customActions, param="config.customActions")
    repair = RepairRequest(program, format=body.format, library=library, custom_actions=actions)
    outcome, headers = await state.repair.run_for(who, repair, SANITIZE_MODEL)
    summary = outcome.summary()
    answer = {
        "id": "san_" + secrets.token_urlsafe(16),
        "object": "openui.sanitize",
        "created": int(time.time()),
        "status": SANITIZE_STATUS[outcome.status],
        "program": outcome.program,
        "fixed-errors": summary["fixed_errors"],
        "unfixed-errors": summary["unfixed_errors"],
        "usage": usage_body(outcome.usage),
        "format": outcome.format,
    }
    return json_response(answer, headers=headers)
