"""The one small interface every upstream model provider implements.

A provider turns a `ModelRequest` (OpenAI chat-format messages plus options) into an async stream of
`ModelEvent`s. Closing the iterator (``aclose()``, or the consumer being cancelled) cancels the upstream call.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field, fields
from typing import Any, Protocol, runtime_checkable

from genui.models.events import ModelEvent


@dataclass(slots=True, kw_only=True)
class ModelOptions:
    """The caller's options for one model call, passed through as given (a turn request carries them too)."""

    tools: list[dict[str, Any]] | None = None
    tool_choice: Any = None
    parallel_tool_calls: bool | None = None
    max_tokens: int | None = None
    temperature: float | None = None
    top_p: float | None = None
    stop: list[str] | None = None
    reasoning_effort: str | None = None
    verbosity: str | None = None
    prompt_cache_key: str | None = None
    # False when the caller needs only the whole answer: a provider may then make one non-streaming call.
    stream: bool = True

    def options(self) -> dict[str, Any]:
        """These options alone, as keyword arguments (for the model request a turn request makes)."""
        return {name: getattr(self, name) for name in _OPTION_NAMES}


_OPTION_NAMES = tuple(f.name for f in fields(ModelOptions))


@dataclass(slots=True, kw_only=True)
class ModelRequest(ModelOptions):
    """What one model call needs. `messages` use the OpenAI chat format (system/user/assistant/tool)."""

    messages: list[dict[str, Any]]
    # The catalog's JSON Schema of the root Card node; providers that can constrain decoding use it.
    json_schema: dict[str, Any] | None = None
    # The same answer cut down for a small local model (few choices, tight caps): a provider running one
    # decodes with it instead of json_schema (the embedded provider, when its `slim_schema` is on).
    small_json_schema: dict[str, Any] | None = None
    # A schema the caller knows compiles to a grammar, for when a grammar engine refuses the ones above.
    fallback_json_schema: dict[str, Any] | None = None
    # The caller wants free text (markdown), not JSON: set with no schema, it keeps a provider that constrains
    # every answer by default (the embedded one) from doing so.
    plain_text: bool = False
    # When the model is asked to write OpenUI Lang instead of JSON (the schemas above are then None): a GBNF
    # grammar of the library's programs (models/grammar.py), for a provider that decodes with grammars.
    grammar: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class UpstreamError(Exception):
    """A model call failed. `status` is what the gateway answers (429, 502, 503 or 504)."""

    def __init__(
        self,
        message: str,
        *,
        status: int = 502,
        code: str | None = "upstream_error",
        retryable: bool = False,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.retryable = retryable
        # Seconds the upstream asked us to wait (its `retry-after`), if it said.
        self.retry_after = retry_after

    def __repr__(self) -> str:
        return f"UpstreamError({self.message!r}, status={self.status}, retryable={self.retryable})"


@runtime_checkable
class Provider(Protocol):
    """An upstream: the embedded llama.cpp model, an OpenAI-compatible server, or Anthropic."""

    name: str
    # True when the provider can constrain its output to `ModelRequest.json_schema`.
    supports_json_schema: bool

    def stream(self, model: str, request: ModelRequest) -> AsyncIterator[ModelEvent]:
        """Yield events; must end with exactly one `Finish`, and a `Usage` before it when known."""
        ...

    async def aclose(self) -> None:
        """Release clients, threads and model memory."""
        ...
