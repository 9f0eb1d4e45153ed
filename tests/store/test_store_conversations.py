"""ConversationRepository: CRUD, ordered items with cursor pagination, duplicates, concurrency, tenancy."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

from genui.store import (
    ConversationRepository,
    Database,
    DuplicateItemError,
    KeyRepository,
    PageQuery,
    UnknownCursor,
)


def _user(text: str) -> dict[str, Any]:
    return {"type": "message", "role": "user", "content": [{"type": "input_text", "text": text}]}


async def _org(database: Database) -> str:
    return await KeyRepository(database).ensure_org(f"org-{uuid.uuid4().hex[:8]}")


async def test_create_get_update_delete(database: Database) -> None:
    repo, org = ConversationRepository(database), await _org(database)
    conv = await repo.create(org, metadata={"topic": "demo"})
    assert conv.id.startswith("conv_")
    assert conv.body() == {
        "id": conv.id,
        "object": "conversation",
        "created_at": conv.created_at,
        "metadata": {"topic": "demo"},
    }
    assert await repo.get(conv.id, org) == conv
    updated = await repo.update(conv.id, org, {"topic": "other"})
    assert updated is not None and updated.metadata == {"topic": "other"}
    fetched = await repo.get(conv.id, org)
    assert fetched is not None and fetched.metadata == {"topic": "other"}
    assert await repo.delete(conv.id, org) is True
    assert await repo.get(conv.id, org) is None
    assert await repo.delete(conv.id, org) is False


async def test_items_get_ids_order_and_pages(database: Database) -> None:
    repo, org = ConversationRepository(database), await _org(database)
    conv = await repo.create(org, items=[_user("0"), _user("1")])
    added = await repo.add_items(
        conv.id, org, [_user("2"), {"type": "function_call", "call_id": "c", "name": "f", "arguments": "{}"}]
    )
    assert added is not None
    assert added[0]["id"].startswith("msg_") and added[1]["id"].startswith("fc_")
    everything = await repo.all_items(conv.id, org)
    assert everything is not None and len(everything) == 4
    ids = [i["id"] for i in everything]
    page = await repo.list_items(conv.id, org, PageQuery(limit=3))  # default order: desc
    assert page is not None and [i["id"] for i in page.data] == ids[::-1][:3] and page.has_more
    rest = await repo.list_items(conv.id, org, PageQuery(after=page.last_id, limit=3))
    assert rest is not None and [i["id"] for i in rest.data] == [ids[0]] and not rest.has_more
    asc = await repo.list_items(conv.id, org, PageQuery(after=ids[0], order="asc", limit=100))
    assert asc is not None and [i["id"] for i in asc.data] == ids[1:]
    with pytest.raises(UnknownCursor):
        await repo.list_items(conv.id, org, PageQuery(after="msg_unknown"))
    assert await repo.get_item(conv.id, org, ids[1]) == everything[1]
    assert await repo.delete_item(conv.id, org, ids[1]) == await repo.get(conv.id, org)
    assert await repo.get_item(conv.id, org, ids[1]) is None
    assert await repo.delete_item(conv.id, org, ids[1]) is None
    # Positions never reuse a deleted slot: a new item goes last.
    new = await repo.add_items(conv.id, org, [_user("4")])
    assert new is not None
    after_delete = await repo.all_items(conv.id, org)
    assert after_delete is not None and [i["id"] for i in after_delete] == [
        ids[0],
        ids[2],
        ids[3],
        new[0]["id"],
    ]


async def test_duplicate_item_ids_are_rejected_without_partial_writes(database: Database) -> None:
    repo, org = ConversationRepository(database), await _org(database)
    conv = await repo.create(org, items=[{**_user("a"), "id": "msg_fixed"}])
    with pytest.raises(DuplicateItemError):
        await repo.add_items(conv.id, org, [_user("b"), {**_user("c"), "id": "msg_fixed"}])
    assert len(await repo.all_items(conv.id, org) or []) == 1


async def test_other_org_gets_nothing(database: Database) -> None:
    repo = ConversationRepository(database)
    org, other = await _org(database), await _org(database)
    conv = await repo.create(org, items=[_user("private")])
    item_id = (await repo.all_items(conv.id, org) or [{}])[0]["id"]
    assert await repo.get(conv.id, other) is None
    assert await repo.update(conv.id, other, {"x": "y"}) is None
    assert await repo.add_items(conv.id, other, [_user("intrude")]) is None
    assert await repo.list_items(conv.id, other) is None
    assert await repo.all_items(conv.id, other) is None
    assert await repo.get_item(conv.id, other, item_id) is None
    assert await repo.delete_item(conv.id, other, item_id) is None
    assert await repo.delete(conv.id, other) is False
    assert len(await repo.all_items(conv.id, org) or []) == 1


async def test_concurrent_appends_keep_unique_monotonic_positions(database: Database) -> None:
    repo, org = ConversationRepository(database), await _org(database)
    conv = await repo.create(org)
    await asyncio.gather(
        *(repo.add_items(conv.id, org, [_user(f"{n}-a"), _user(f"{n}-b")]) for n in range(8))
    )
    items = await repo.all_items(conv.id, org)
    assert items is not None and len(items) == 16
    # Each call's two items stay adjacent: appends are atomic.
    texts = [i["content"][0]["text"] for i in items]
    for first, second in zip(texts[::2], texts[1::2], strict=True):
        assert first.split("-")[0] == second.split("-")[0]
    assert await repo.count_items(conv.id) == 16
