"""/v1/visualize: another model's answer (text, markdown, JSON, CSV, a tool's output) re-expressed as UI.

The material is the last non-system message, whatever its role; the turns before it are context. A model on
the compose pipeline (the embedded default) makes no call at all: the deterministic visualizer shows the
material (`genui.ui.compose.visualize`, titled by the user's question). A configured model gets a visualize
prompt (re-express only the given facts) and goes through the normal turn, in the format of its version.
Tools are refused: visualize presents, it does not act.
"""

from __future__ import annotations

import copy
from typing import Any

from genui.errors import ApiError
from genui.service.chat import ChatRequest, ChatService
from genui.service.compose import ComposeTurn, Material, read_conversation, uses_compose
from genui.service.turn import Turn, TurnRequest, TurnRunner

VISUALIZE_PROMPT = (
    "You are the presentation layer for another assistant. The last message is its answer (or a tool's "
    "output): present exactly that as UI. Use only the facts it gives: every name, number, date and link you "
    "show must appear in it. Do not add, guess, continue or comment on it; earlier messages are context only."
)
MATERIAL_LEAD = "Present this as UI:\n\n"


def check_no_tools(req: ChatRequest) -> None:
    """Visualize does not call tools: declaring any (or asking for one) is a 400 naming `tools`."""
    declared = bool(req.tools) or bool(req.functions) or req.function_call not in (None, "none")
    if declared or req.tool_choice not in (None, "none"):
        raise ApiError(
            400,
            "/v1/visualize does not accept tools: it presents the material it is given as UI. "
            "Call tools with another model, then send its answer here.",
            param="tools",
            code="unsupported_parameter",
        )


def visualize_messages(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The messages for a model: the visualize prompt, the client's system messages and earlier turns as
    context, and the material as a user turn (so a model never "continues" an assistant's answer)."""
    last = max(
        (i for i, m in enumerate(messages) if m.get("role") not in ("system", "developer")), default=-1
    )
    if last < 0:
        return [{"role": "system", "content": VISUALIZE_PROMPT}, *messages]
    material = read_conversation(messages[last:]).last_text
    earlier = [m for m in messages[:last] if m.get("role") != "tool" and not m.get("tool_calls")]
    return [
        {"role": "system", "content": VISUALIZE_PROMPT},
        *earlier,
        {"role": "user", "content": MATERIAL_LEAD + material},
    ]


def material_of(messages: list[dict[str, Any]]) -> Material:
    """The last non-system message as text, and the user's question before it (when it is not itself the
    user's turn) for the title."""
    conversation = read_conversation(messages)
    question = conversation.question if conversation.last_role != "user" else ""
    return Material(conversation.last_text, question)


class VisualizeRunner(TurnRunner):
    """Starts /v1/visualize turns on the app's runner: the material shown as is for a model on the compose
    pipeline, else the normal turn with the visualize prompt."""

    def __init__(self, runner: TurnRunner) -> None:
        super().__init__(runner.registry, runner.router)
        self.runner = runner

    async def start(self, req: TurnRequest) -> Turn:
        resolved = self.registry.resolve(req.model)
        if uses_compose(resolved, self.router):
            return ComposeTurn(await self.runner.start(req), req, material_of(req.messages))
        req.messages = visualize_messages(req.messages)
        return await self.runner.start(req)


def visualize_service(chat: ChatService) -> ChatService:
    """The chat service (its admission, accounting and runs) starting visualize turns. Check the request with
    `check_no_tools` first."""
    service = copy.copy(chat)  # every part the chat service holds, whatever they are, with another runner
    service.runner = VisualizeRunner(chat.runner)
    return service
