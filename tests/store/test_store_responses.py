"""ResponseRepository: lifecycle, atomic finish with conversation append, chains, pagination, tenancy."""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest

from genui.store import (
    ConversationRepository,
    Database,
    KeyRepository,
    PageQuery,
    ResponseRepository,
    UnknownCursor,
)
from genui.store.ids import new_id
from store.storeitems import message


def _resource(status: str = "in_progress", previous: str | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "id": new_id("resp"),
        "object": "response",
        "created_at": int(time.time()),
        "status": status,
        "model": "c1/test/m/v-20261121",
        "previous_response_id": previous,
        "output": [],
        "error": None,
        "usage": None,
        "completed_at": None,
        **extra,
    }


async def _org(database: Database) -> str:
    return await KeyRepository(database).ensure_org(f"org-{uuid.uuid4().hex[:8]}")


async def _run(repo: ResponseRepository, org: str, text: str, previous: str | None = None) -> dict[str, Any]:
    resource = _resource(previous=previous)
    await repo.start(org, resource, [message("user", text)])
    done = {
        **resource,
        "status": "completed",
        "completed_at": int(time.time()),
        "output": [message("assistant", f"re: {text}")],
    }
    assert await repo.finish(org, done) is True
    return done


async def test_start_then_finish_and_get(database: Database) -> None:
    repo, org = ResponseRepository(database), await _org(database)
    resource = _resource()
    user = message("user", "hi")
    await repo.start(org, resource, [user])
    stored = await repo.get(resource["id"], org)
    assert stored is not None and stored["status"] == "in_progress" and stored["output"] == []
    outputs = [
        message("assistant", "a"),
        {
            "type": "function_call",
            "id": new_id("fc"),
            "call_id": "call_1",
            "name": "f",
            "arguments": "{}",
            "status": "completed",
        },
    ]
    usage = {"input_tokens": 3, "output_tokens": 4, "total_tokens": 7}
    final = {**resource, "status": "completed", "output": outputs, "usage": usage, "completed_at": 5}
    assert await repo.finish(org, final) is True
    stored = await repo.get(resource["id"], org)
    assert stored == final
    # A response finishes once: a second finish (e.g. a late failure) changes nothing.
    assert await repo.finish(org, {**final, "status": "failed", "output": []}) is False
    assert (await repo.get(resource["id"], org)) == final


async def test_other_org_sees_nothing(database: Database) -> None:
    repo = ResponseRepository(database)
    org, other = await _org(database), await _org(database)
    done = await _run(repo, org, "secret")
    assert await repo.get(done["id"], other) is None
    assert await repo.context_items(done["id"], other) is None
    assert await repo.input_items(done["id"], other) is None
    assert await repo.delete(done["id"], other) is False
    assert await repo.finish(other, {**done, "status": "failed"}) is False
    assert await repo.get(done["id"], org) is not None


async def test_chain_context_is_every_input_and_output_oldest_first(database: Database) -> None:
    repo, org = ResponseRepository(database), await _org(database)
    first = await _run(repo, org, "one")
    second = await _run(repo, org, "two", previous=first["id"])
    third = await _run(repo, org, "three", previous=second["id"])
    items = await repo.context_items(third["id"], org)
    assert items is not None
    texts = [item["content"][0]["text"] for item in items]
    assert texts == ["one", "re: one", "two", "re: two", "three", "re: three"]
    assert await repo.context_items(new_id("resp"), org) is None


async def test_delete_removes_response_and_items(database: Database) -> None:
    repo, org = ResponseRepository(database), await _org(database)
    done = await _run(repo, org, "bye")
    assert await repo.delete(done["id"], org) is True
    assert await repo.get(done["id"], org) is None
    assert await repo.input_items(done["id"], org) is None
    assert await repo.delete(done["id"], org) is False


async def test_input_items_cursor_pagination(database: Database) -> None:
    repo, org = ResponseRepository(database), await _org(database)
    resource = _resource()
    items = [message("user", str(i)) for i in range(5)]
    await repo.start(org, resource, items)
    ids = [item["id"] for item in items]
    page = await repo.input_items(resource["id"], org, PageQuery(limit=2, order="asc"))
    assert page is not None and [i["id"] for i in page.data] == ids[:2] and page.has_more
    page = await repo.input_items(resource["id"], org, PageQuery(after=page.last_id, limit=2, order="asc"))
    assert page is not None and [i["id"] for i in page.data] == ids[2:4] and page.has_more
    page = await repo.input_items(resource["id"], org, PageQuery(after=page.last_id, limit=2, order="asc"))
    assert page is not None and [i["id"] for i in page.data] == ids[4:] and not page.has_more
    desc = await repo.input_items(resource["id"], org, PageQuery(limit=10))
    assert desc is not None and [i["id"] for i in desc.data] == ids[::-1] and not desc.has_more
    assert desc.body()["first_id"] == ids[-1] and desc.body()["last_id"] == ids[0]
    with pytest.raises(UnknownCursor):
        await repo.input_items(resource["id"], org, PageQuery(after="msg_nope"))


async def test_completed_response_appends_turn_to_conversation_atomically(database: Database) -> None:
    repo, conversations, org = (
        ResponseRepository(database),
        ConversationRepository(database),
        await _org(database),
    )
    conv = await conversations.create(org, items=[message("user", "earlier")])
    resource = _resource()
    user = message("user", "now")
    await repo.start(org, resource, [user], conversation_id=conv.id)
    answer = message("assistant", "answer")
    final = {**resource, "status": "completed", "output": [answer]}
    assert await repo.finish(org, final, conversation_items=[user, answer]) is True
    items = await conversations.all_items(conv.id, org)
    assert items is not None
    assert [i["content"][0]["text"] for i in items] == ["earlier", "now", "answer"]


@pytest.mark.parametrize("status", ["failed", "incomplete"])
async def test_failed_response_leaves_conversation_unchanged_an_incomplete_one_adds_its_turn(
    database: Database, status: str
) -> None:
    repo, conversations, org = (
        ResponseRepository(database),
        ConversationRepository(database),
        await _org(database),
    )
    conv = await conversations.create(org, items=[message("user", "earlier")])
    resource = _resource()
    user = message("user", "now")
    await repo.start(org, resource, [user], conversation_id=conv.id)
    partial = message("assistant", "half an ans")
    final = {
        **resource,
        "status": status,
        "output": [partial],
        "error": {"code": "upstream_error", "message": "died"} if status == "failed" else None,
    }
    assert await repo.finish(org, final, conversation_items=[user, partial]) is True
    items = await conversations.all_items(conv.id, org)
    assert items is not None
    expected = ["earlier"] if status == "failed" else ["earlier", "now", "half an ans"]
    assert [i["content"][0]["text"] for i in items] == expected
    stored = await repo.get(resource["id"], org)
    assert stored is not None and stored["status"] == status


async def test_finish_that_breaks_midway_writes_nothing(database: Database) -> None:
    repo, conversations, org = (
        ResponseRepository(database),
        ConversationRepository(database),
        await _org(database),
    )
    conv = await conversations.create(org)
    resource = _resource()
    user = message("user", "now")
    await repo.start(org, resource, [user], conversation_id=conv.id)
    good = message("assistant", "ok")
    broken = {
        "type": "message",
        "role": "assistant",
        "content": [],
    }  # no id: the insert fails mid-transaction
    with pytest.raises(KeyError):
        await repo.finish(
            org,
            {**resource, "status": "completed", "output": [good, broken]},
            conversation_items=[user, good],
        )
    stored = await repo.get(resource["id"], org)
    assert stored is not None and stored["status"] == "in_progress" and stored["output"] == []
    assert await conversations.all_items(conv.id, org) == []


async def test_finish_rejects_non_final_status(database: Database) -> None:
    repo, org = ResponseRepository(database), await _org(database)
    resource = _resource()
    await repo.start(org, resource, [])
    with pytest.raises(ValueError):
        await repo.finish(org, resource)


async def test_stale_in_progress_responses_without_a_live_owner_are_finished(database: Database) -> None:
    repo, org = ResponseRepository(database), await _org(database)
    resource = _resource(created_at=int(time.time()) - 7200)
    await repo.start(org, resource, [])
    assert await repo.finish_orphans(3600) >= 1
    stored = await repo.get(resource["id"], org)
    assert stored is not None and stored["status"] == "incomplete"
    assert stored["incomplete_details"] == {"reason": "interrupted"}
