"""genui.sdk.C1Response and the context writers: what each writes, in what order, and what is stored."""

from __future__ import annotations

import asyncio

import pytest

from genui.sdk import (
    C1Response,
    get_assistant_message,
    write_content,
    write_custom_markdown,
    write_think_item,
)
from genui.sdk.context import bind_c1_response
from genui.ui import c1
from genui.ui.c1 import parse_c1

CARD = {"component": "Card", "props": {"children": [{"component": "Header", "props": {"title": "Q&A <1>"}}]}}
CONTENT = c1.write_content(CARD)  # what the C1 API streams, cut in pieces below


async def read_all(response: C1Response) -> list[str]:
    return [piece async for piece in response.stream()]


async def test_think_item_is_an_escaped_thinkitem_element_ephemeral_by_default() -> None:
    response = C1Response()
    await response.write_think_item('Looking <up> "data"', "rows & columns 'here'")
    await response.write_think_item("Kept", "stays in history", ephemeral=False)
    await response.end()
    pieces = await read_all(response)

    assert len(pieces) == 2
    assert "<up>" not in pieces[0] and "&lt;up&gt;" in pieces[0]
    first, second = parse_c1("".join(pieces)).think_items
    assert first.attrs == {"ephemeral": "true"}
    assert first.data == {"title": 'Looking <up> "data"', "content": "rows & columns 'here'"}
    assert second.attrs == {} and second.data == {"title": "Kept", "content": "stays in history"}


async def test_content_pieces_pass_through_unchanged_and_concatenate_to_the_c1_response() -> None:
    response = C1Response()
    cuts = [CONTENT[:7], CONTENT[7:60], CONTENT[60:]]
    for piece in [*cuts, ""]:
        await response.write_content(piece)
    await response.end()

    pieces = await read_all(response)
    assert pieces == cuts  # as written; the empty piece is dropped
    assert parse_c1("".join(pieces)).content == {"component": CARD, "error": None}
    assert response.get_assistant_message()["content"] == CONTENT


async def test_custom_markdown_is_an_escaped_custommarkdown_element() -> None:
    response = C1Response()
    await response.write_custom_markdown("# Refused\n<script>alert(1)</script> & more")
    await response.end()
    (piece,) = await read_all(response)

    assert "<script>" not in piece
    (part,) = parse_c1(piece).parts
    assert part.kind == "custommarkdown" and part.body == "# Refused\n<script>alert(1)</script> & more"


async def test_assistant_message_is_everything_written_without_ephemeral_think_items() -> None:
    response = C1Response()
    await response.write_think_item("Searching", "the web")
    await response.write_think_item("Found", "3 results", ephemeral=False)
    await response.write_content(CONTENT)
    await response.write_custom_markdown("*sources below*")

    message = response.get_assistant_message()
    assert message["role"] == "assistant"
    parsed = parse_c1(message["content"])
    assert [p.kind for p in parsed.parts] == ["thinkitem", "content", "custommarkdown"]
    assert parsed.think_items[0].data["title"] == "Found"
    assert "Searching" not in message["content"]


async def test_stream_yields_each_piece_as_soon_as_it_is_written() -> None:
    response = C1Response()
    received: list[str] = []

    async def reader() -> None:
        async for piece in response.stream():
            received.append(piece)

    task = asyncio.create_task(reader())
    await response.write_content("<content")
    await asyncio.sleep(0.01)
    assert received == ["<content"]  # before the response ended
    await response.write_content(' thesys="true"></content>')
    await response.end()
    await asyncio.wait_for(task, 1)
    assert received == ["<content", ' thesys="true"></content>']


async def test_order_rules() -> None:
    after_content = C1Response()
    await after_content.write_content(CONTENT)
    with pytest.raises(ValueError, match="think item"):
        await after_content.write_think_item("late", "too late")

    after_markdown = C1Response()
    await after_markdown.write_custom_markdown("hello")
    with pytest.raises(ValueError, match="think item"):
        await after_markdown.write_think_item("late", "too late")
    await after_markdown.write_content(CONTENT)  # content after markdown is fine

    interrupted = C1Response()
    await interrupted.write_content(CONTENT[:20])
    await interrupted.write_custom_markdown("interruption")
    with pytest.raises(ValueError, match="content cannot resume"):
        await interrupted.write_content(CONTENT[20:])


async def test_end_is_idempotent_and_later_writes_raise() -> None:
    response = C1Response()
    await response.write_content(CONTENT)
    await response.end()
    await response.end()
    with pytest.raises(RuntimeError, match="ended"):
        await response.write_content("more")
    with pytest.raises(RuntimeError, match="ended"):
        await response.write_custom_markdown("more")
    assert await read_all(response) == [CONTENT]


async def test_context_writers_go_to_the_bound_response_of_their_own_task() -> None:
    async def turn(name: str) -> str:
        response = C1Response()
        bind_c1_response(response)
        await write_think_item(name, "working")
        await asyncio.sleep(0)  # let the other task write in between
        await write_content(f'<content thesys="true">{name}</content>')
        await write_custom_markdown(name)
        return get_assistant_message()["content"]

    first, second = await asyncio.gather(asyncio.create_task(turn("one")), asyncio.create_task(turn("two")))
    assert "one" in first and "two" not in first
    assert "two" in second and "one" not in second


async def test_context_writers_outside_a_c1_route_raise_a_clear_error() -> None:
    async def outside() -> None:
        await write_content("x")

    with pytest.raises(RuntimeError, match="with_c1_response"):
        await asyncio.create_task(outside())
    with pytest.raises(RuntimeError, match="with_c1_response"):
        get_assistant_message()
