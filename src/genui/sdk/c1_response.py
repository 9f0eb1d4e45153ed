"""`C1Response`: one C1 Response, streamed to a client while the app writes it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Literal, TypedDict

from genui.ui.c1 import strip_ephemeral, write_custommarkdown, write_thinkitem


class AssistantMessage(TypedDict):
    """The assistant turn to store in the thread's history (an OpenAI chat message)."""

    role: Literal["assistant"]
    content: str


class C1Response:
    """Builds one C1 Response; `stream()` yields each piece as it is written, until `end()`.

    Order rules (the client reads the elements in this order): think items come first; the content pieces
    are one run (they are pieces of one `<content>` element); custom markdown may come before or after it.
    """

    def __init__(self) -> None:
        # Unbounded: a writer never waits for the reader, so writing everything before streaming works too.
        self._pieces: asyncio.Queue[str | None] = asyncio.Queue()
        self._written: list[str] = []
        self._content_started = False
        self._content_ended = False  # custom markdown followed the content: its element is over
        self._markdown_written = False
        self._ended = False

    async def write_think_item(self, title: str, description: str, ephemeral: bool = True) -> None:
        """A progress state (`<thinkitem>`); an ephemeral one is shown while streaming and not stored."""
        if self._content_started or self._markdown_written:
            raise ValueError("a think item must come before the content and any custom markdown")
        self._put(write_thinkitem(title, description, ephemeral))

    async def write_content(self, content: str) -> None:
        """A piece of the C1 API's streamed answer, which is already C1 Response text: written as is."""
        if not content:
            return
        if self._content_ended:
            raise ValueError("content cannot resume after custom markdown was written after it")
        self._content_started = True
        self._put(content)

    async def write_custom_markdown(self, markdown: str) -> None:
        """Markdown written by the app itself (`<custommarkdown>`), e.g. a guardrail's fixed answer."""
        self._content_ended = self._content_started
        self._markdown_written = True
        self._put(write_custommarkdown(markdown))

    async def end(self) -> None:
        """Close the stream (idempotent); later writes raise RuntimeError."""
        if not self._ended:
            self._ended = True
            self._pieces.put_nowait(None)

    def _put(self, piece: str) -> None:
        if self._ended:
            raise RuntimeError("this C1 response has already ended")
        self._written.append(piece)
        self._pieces.put_nowait(piece)

    async def stream(self) -> AsyncIterator[str]:
        """The pieces in the order written, each as soon as it is written, until `end()` (read it once)."""
        while (piece := await self._pieces.get()) is not None:
            yield piece

    def get_assistant_message(self) -> AssistantMessage:
        """Everything written so far, without the ephemeral think items: the message to store."""
        return {"role": "assistant", "content": strip_ephemeral("".join(self._written))}
