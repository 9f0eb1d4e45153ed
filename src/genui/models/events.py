"""What a provider's stream yields: pieces of text and tool calls, token usage, and why the model stopped."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FinishReason = Literal["stop", "length", "tool_calls", "content_filter"]


@dataclass(frozen=True, slots=True)
class TextDelta:
    """A piece of the model's raw text (untrusted: it goes through the stream repairer)."""

    text: str


@dataclass(frozen=True, slots=True)
class ToolCallDelta:
    """A piece of a tool call, OpenAI-style: a call's first delta carries id and name, later ones don't."""

    index: int
    id: str | None = None
    name: str | None = None
    arguments: str = ""


@dataclass(frozen=True, slots=True)
class Usage:
    """Token counts as the upstream reports them (or as the embedded model counts them)."""

    input_tokens: int
    output_tokens: int
    cached_tokens: int = 0
    reasoning_tokens: int = 0


@dataclass(frozen=True, slots=True)
class Finish:
    reason: FinishReason


ModelEvent = TextDelta | ToolCallDelta | Usage | Finish
