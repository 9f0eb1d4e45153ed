"""Module-level writers for the C1 Response of the current request (set by `with_c1_response`)."""

from __future__ import annotations

from contextvars import ContextVar

from .c1_response import AssistantMessage, C1Response

__all__ = [
    "C1Response",
    "bind_c1_response",
    "current_c1_response",
    "get_assistant_message",
    "write_content",
    "write_custom_markdown",
    "write_think_item",
]

_current: ContextVar[C1Response | None] = ContextVar("genui_sdk_c1_response", default=None)


def bind_c1_response(response: C1Response) -> None:
    """Make `response` the current one for this context (a task's own copy: callers bind in a new task)."""
    _current.set(response)


def current_c1_response() -> C1Response:
    response = _current.get()
    if response is None:
        raise RuntimeError("no C1 response here: call this inside a route decorated with @with_c1_response()")
    return response


async def write_think_item(title: str, description: str, ephemeral: bool = True) -> None:
    await current_c1_response().write_think_item(title, description, ephemeral)


async def write_content(content: str) -> None:
    await current_c1_response().write_content(content)


async def write_custom_markdown(markdown: str) -> None:
    await current_c1_response().write_custom_markdown(markdown)


def get_assistant_message() -> AssistantMessage:
    return current_c1_response().get_assistant_message()
