"""/v1/visualize: another model's answer (text, markdown, JSON, CSV, a tool's output) re-expressed as UI.

The material is the last non-system message, whatever its role; the turns before it are context. A model on
the compose pipeline (the embedded default) makes no call at all: the deterministic visualizer shows the
material (`genui.ui.compose.visualize`, titled by the user's question). A configured model gets a visualize
prompt (re-express only the given facts) and goes through the normal turn, in the format of its version.
Tools are refused: visualize presents, it does not act.
"""

from __future__ import annotations

from typing import Any

from genui.errors import ApiError
from genui.service.accounting import Accounting, Caller
from genui.service.chat import ChatRequest, ChatRun, check_chat_request, turn_request
from genui.service.compose import ComposeTurn, Material, read_conversation, uses_compose
from genui.service.turn import Turn, TurnRunner

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


class VisualizeService:
    def __init__(self, runner: TurnRunner, accounting: Accounting) -> None:
        self.runner = runner
        self.accounting = accounting

    async def start(self, req: ChatRequest, caller: Caller) -> ChatRun:
        """Check, admit and start; every refusal raises ApiError here, before anything is sent."""
        check_no_tools(req)
        check_chat_request(req)
        turn_req = turn_request(req, caller.org_id)
        headers = await self.accounting.admit(caller, turn_req.messages)
        resolved = self.runner.registry.resolve(turn_req.model)
        turn: Turn
        if uses_compose(resolved, self.runner.router):
            base = await self.runner.start(turn_req)
            turn = ComposeTurn(base, turn_req, material_of(turn_req.messages))
        else:
            turn_req.messages = visualize_messages(turn_req.messages)
            turn = await self.runner.start(turn_req)
        return ChatRun(self.accounting, caller, turn, headers)
