"""The compose pipeline: turns for a model too small to write UI (the embedded default; docs/embedded.md).

A 135M model constrained to the catalog's schema spends itself on structure and copies field names; asked for
plain prose it stays on topic. So the UI is never the model's: each turn, in order,
1. calls a declared function when `tool_choice` forces one, or when the prompt clearly asks for one by its
   words and gives no data (the model writes the arguments, grammar-constrained: models/tool_intent.py);
2. shows a tool's result when the conversation ends with one (`visualize`, titled by the user's question);
3. reads the request by rules (`understand`) and, when the request settles the content (its own data, a form,
   given prose to summarize), builds the UI from it with no model call (`settled`);
4. else has the model write plain markdown for a compact prompt of the kind asked (`writing_prompt`), and
   commits each block as a node once it is complete (`Answer`: cleaned, lead-ins dropped, an honest short text
   when nothing useful is left), so the first component shows while the model is still writing.
The model writes for at most `WRITE_SECONDS`; what it completed by then is the answer.

Nodes leave through a `TreeOut` (v1 today: the turn's StreamRepairer, so every prefix is a valid C1
Response). It is the seam towards `genui.ui.writer.TreeWriter`: a writer for another format plugs in there.
`ComposeRunner` is the `TurnRunner` that starts these turns for models whose `pipeline` says so.
"""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator, Iterator
from contextlib import aclosing
from dataclasses import dataclass, field
from typing import Any, Protocol

import orjson

from genui.models.base import ModelRequest
from genui.models.config import ProviderConfig
from genui.models.events import Finish, TextDelta, ToolCallDelta, Usage
from genui.models.messages import content_text
from genui.models.registry import ResolvedModel
from genui.models.router import Router
from genui.models.tool_intent import asked_tool, forced_tool, function_of
from genui.service.turn import TextOut, Turn, TurnEvent, TurnRequest, TurnRunner, message_chars
from genui.ui import StreamRepairer
from genui.ui.compose import Answer, settled, understand, visualize, writing_prompt
from genui.ui.compose.markdown import message_markdown

Node = dict[str, Any]

# The model writes for at most this long (seconds, from the call); the blocks it completed are the answer.
WRITE_SECONDS = 3.5
# Token caps of the markdown answers: two or three sentences, a list of short lines.
WRITE_TOKENS = {"text": 90, "list": 110, "summary": 110, "table": 120}
SYSTEM_PROMPT = "You are a helpful assistant. Answer briefly, in plain markdown."
# Earlier turns the model sees before the prompt (the latest ones, each cut to its end): enough for "my name
# is Alice" two turns back, while the prompt stays short for a small model.
CONTEXT_TURNS = 4
CONTEXT_CHARS = 400
_CARD_OPEN = '{"component":"Card","props":{"children":['


class TreeOut(Protocol):
    """Where a growing Card's root children go; each call returns the wire text to send now."""

    def append_child(self, node: Node) -> str: ...

    def finish(self) -> str: ...


class V1Out:
    """C1 v1 text for the children through a StreamRepairer (each prefix of its output is a valid C1
    Response; the children are validated again on the way, and counted in its repairs)."""

    def __init__(self, repairer: StreamRepairer) -> None:
        self.repairer = repairer
        self.children = 0

    def append_child(self, node: Node) -> str:
        lead = _CARD_OPEN if self.children == 0 else ","
        self.children += 1
        return self.repairer.feed(lead + orjson.dumps(node).decode())

    def finish(self) -> str:
        return self.repairer.finish()


def tree_out(turn: Turn) -> TreeOut:
    """Where a turn's nodes go: the v1 text of its StreamRepairer (the format every turn writes today). A
    turn that carries a `genui.ui.writer.TreeWriter` for its model's format is wrapped here instead: each
    node to `append_child(ROOT, node)`, the writer's new `parts` as the text to send."""
    return V1Out(turn.repairer)


@dataclass(frozen=True)
class Material:
    """What /v1/visualize presents: the last non-system message, and the user's question it answers."""

    text: str
    context: str = ""


@dataclass
class Conversation:
    """The messages as text (C1 answers as markdown): the latest user turn, the other turns (data they hold
    may be what the question points to), the user and assistant turns before the question (the model's
    context), and the last turn (the material when it is a tool's result)."""

    question: str = ""
    history: list[str] = field(default_factory=list)
    context: list[dict[str, str]] = field(default_factory=list)
    last_role: str = ""
    last_text: str = ""


def read_conversation(messages: list[dict[str, Any]]) -> Conversation:
    turns = [
        (str(m.get("role")), message_markdown(content_text(m.get("content")), str(m.get("role"))))
        for m in messages
        if m.get("role") not in ("system", "developer")
    ]
    found = Conversation()
    if not turns:
        return found
    found.last_role, found.last_text = turns[-1]
    asked = max((i for i, (role, _) in enumerate(turns) if role == "user"), default=-1)
    if asked >= 0:
        found.question = turns[asked][1]
        found.history = [text for _, text in turns[:asked] if text.strip()]
        found.history += [text for _, text in turns[asked + 1 :] if text.strip()]  # results since the ask
        found.context = [
            {"role": role, "content": text[-CONTEXT_CHARS:]}
            for role, text in turns[:asked][-CONTEXT_TURNS:]
            if role in ("user", "assistant") and text.strip()
        ]
    return found


def uses_compose(resolved: ResolvedModel, router: Router) -> bool:
    """Whether the model's turns go through this pipeline: its `pipeline` setting; "auto" means yes for an
    embedded provider."""
    if resolved.pipeline != "auto":
        return resolved.pipeline == "compose"
    config = router.configs.get(resolved.provider_name)
    if config is None:
        config = getattr(router.providers.get(resolved.provider_name), "config", None)
    return isinstance(config, ProviderConfig) and config.kind == "embedded"


class ComposeTurn(Turn):
    """A turn of the compose pipeline (module docstring). `material`: a /v1/visualize turn, shown as is."""

    def __init__(self, base: Turn, req: TurnRequest, material: Material | None = None) -> None:
        # The base turn's state whole (resolved model, catalog, request, repairer, and whatever else a started
        # turn holds), so this turn is what the runner built, with other events.
        vars(self).update(vars(base))
        self.turn_request = req
        self.material = material
        self.out: TreeOut = tree_out(self)
        self.input_tokens = 0
        self.output_tokens = 0

    async def events(self) -> AsyncGenerator[TurnEvent, None]:
        conversation = read_conversation(self.turn_request.messages)
        if self.material is not None:
            shown = visualize(self.material.text, context=self.material.context)
            async for event in self._show(shown["props"]["children"]):
                yield event
            return
        ask = understand(conversation.question, conversation.history)
        tool = self._tool(conversation, ask.open_question)
        if tool is not None:
            async for event in self._call(tool):
                yield event
            return
        tree: Node | None = (
            visualize(conversation.last_text, context=conversation.question)
            if conversation.last_role == "tool"
            else settled(ask)
        )
        if tree is not None:
            async for event in self._show(tree["props"]["children"]):
                yield event
            return
        answer = Answer(ask)
        for out in self._emit(answer.start()):
            yield out
        if not conversation.question.strip():
            async for event in self._show(answer.finish()):  # nothing asked: nothing for the model to write
                yield event
            return
        messages = [*conversation.context, {"role": "user", "content": writing_prompt(ask)}]
        async for event in self._write(answer, messages, WRITE_TOKENS.get(ask.kind, 110)):
            yield event

    # ---- the steps

    def _tool(self, conversation: Conversation, open_question: bool) -> dict[str, Any] | None:
        """The declared function to call: the one `tool_choice` forces, else under "auto" the one the user's
        latest turn clearly asks for, when it gives no data to show instead."""
        tools, choice = self.turn_request.tools, self.turn_request.tool_choice
        if not tools or choice == "none":
            return None
        forced = forced_tool(tools, choice, conversation.question)
        if forced is not None or choice not in (None, "auto"):
            return forced
        if conversation.last_role != "user" or not open_question:
            return None
        return asked_tool(tools, conversation.question)

    async def _call(self, tool: dict[str, Any]) -> AsyncGenerator[TurnEvent, None]:
        name = function_of(tool)["name"]
        request = ModelRequest(
            messages=self.request.messages,
            tools=[tool],
            tool_choice={"type": "function", "function": {"name": name}},
            temperature=self.request.temperature,
            stream=self.request.stream,
        )
        usage: Usage | None = None
        async with aclosing(self.router.stream(self.resolved, request)) as upstream:
            async for model_event in upstream:
                if isinstance(model_event, ToolCallDelta):
                    yield model_event
                elif isinstance(model_event, Usage):
                    usage = model_event
        yield usage or Usage(input_tokens=max(1, message_chars(self.request.messages) // 4), output_tokens=0)
        yield Finish("tool_calls")

    def _emit(self, nodes: list[Node]) -> Iterator[TextOut]:
        """The wire text of the nodes as the root's next children."""
        for node in nodes:
            text = self.out.append_child(node)
            if text:
                yield TextOut(text)

    async def _show(self, nodes: list[Node]) -> AsyncGenerator[TurnEvent, None]:
        """A tree built without the model, child by child, and the end of the turn."""
        for out in self._emit(nodes):
            yield out
        async for event in self._end():
            yield event

    async def _write(
        self, answer: Answer, messages: list[dict[str, str]], max_tokens: int
    ) -> AsyncGenerator[TurnEvent, None]:
        """The model's markdown for the messages (context, then the prompt), committed block by block; at most
        WRITE_SECONDS of it."""
        client_cap = self.request.max_tokens
        request = ModelRequest(
            messages=[{"role": "system", "content": SYSTEM_PROMPT}, *messages],
            max_tokens=min(max_tokens, client_cap) if client_cap else max_tokens,
            temperature=self.request.temperature if self.request.temperature is not None else 0.2,
            top_p=self.request.top_p,
            plain_text=True,
        )
        deadline = time.monotonic() + WRITE_SECONDS
        cut = False
        async with aclosing(self.router.stream(self.resolved, request)) as upstream:
            async for model_event in upstream:
                if isinstance(model_event, TextDelta):
                    for out in self._emit(answer.feed(model_event.text)):
                        yield out
                    if time.monotonic() > deadline:
                        cut = True
                        break
                elif isinstance(model_event, Usage):
                    self.input_tokens += model_event.input_tokens
                    self.output_tokens += model_event.output_tokens
                elif isinstance(model_event, Finish):
                    cut = model_event.reason == "length"
        async for event in self._show(answer.finish(cut=cut)):
            yield event

    async def _end(self) -> AsyncGenerator[TurnEvent, None]:
        rest = self.out.finish()
        if rest:
            yield TextOut(rest)
        yield Usage(
            input_tokens=self.input_tokens or max(1, message_chars(self.turn_request.messages) // 4),
            output_tokens=self.output_tokens or max(1, len(self.repairer.text) // 4),
        )
        yield Finish("stop")


class ComposeRunner(TurnRunner):
    """Starts turns as `TurnRunner` does; those of a model whose pipeline is "compose" run as ComposeTurns."""

    async def start(self, req: TurnRequest) -> Turn:
        turn = await super().start(req)
        return ComposeTurn(turn, req) if uses_compose(turn.resolved, self.router) else turn
