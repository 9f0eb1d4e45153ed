"""The NUL policy: U+0000 round-trips in every stored string on SQLite and PostgreSQL, and lookups by ids
holding it find nothing (or exactly what was stored under that id), never a database error."""

from __future__ import annotations

import time
import uuid
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from genui.store import (
    ConversationRepository,
    Database,
    KeyRepository,
    PageQuery,
    ResponseRepository,
    UnknownCursor,
    UsageRepository,
    nul,
)
from genui.store.ids import new_id
from store.storeitems import message

# NUL alone, NUL next to the escape character, the escape's own encoding spelled out, and a long run.
NASTY = ["\x00", "a\x00b", "\x00\ufdd0", "\ufdd0" + "0", "\ufdd0\ufdd0\x00", "\\u0000", "x" + "\x00" * 50]


@given(st.text(alphabet=st.sampled_from(["\x00", "\ufdd0", "0", "a", "é", "\\"])))
def test_encoding_is_reversible_nul_free_and_at_most_twice_as_long(value: str) -> None:
    encoded = nul.encode(value)
    assert "\x00" not in encoded
    assert nul.decode(encoded) == value
    assert len(encoded) <= 2 * len(value)


@given(st.recursive(st.text(), lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner)))
def test_json_documents_round_trip_without_a_nul_escape(value: Any) -> None:
    text = nul.dumps_json(value)
    assert "\\u0000" not in text.replace("\\\\", "")
    assert nul.loads_json(text) == value


def test_json_documents_with_integers_beyond_64_bits_are_stored() -> None:
    # orjson reads such integers back as floats: the document is stored, with the number's float value.
    text = nul.dumps_json({"big": 10**30, "text": "a\x00b", "list": [-(10**25)]})
    assert "\\u0000" not in text
    assert nul.loads_json(text) == {"big": 1e30, "text": "a\x00b", "list": [-1e25]}


async def test_responses_keep_nul_in_input_output_and_metadata(database: Database) -> None:
    org = await KeyRepository(database).ensure_org(f"org-{uuid.uuid4().hex[:8]}")
    repo = ResponseRepository(database)
    for text in NASTY:
        resource = {
            "id": new_id("resp"),
            "object": "response",
            "created_at": int(time.time()),
            "status": "in_progress",
            "model": "c1/test/m/v-20261121",
            "previous_response_id": None,
            "output": [],
            "error": None,
            "usage": None,
            "completed_at": None,
            "instructions": f"be {text}",
            "metadata": {f"k{text}": f"v{text}"},
        }
        user = message("user", text, item_id=f"msg_{text}")
        await repo.start(org, resource, [user])
        final = {
            **resource,
            "status": "failed",
            "output": [message("assistant", f"re {text}")],
            "error": {"code": "server_error", "message": text},
        }
        assert await repo.finish(org, final) is True
        assert await repo.get(resource["id"], org) == final
        page = await repo.input_items(resource["id"], org)
        assert page is not None and page.data == [user]
        assert await repo.context_items(resource["id"], org) == [user, *final["output"]]


async def test_conversations_keep_nul_in_items_ids_and_metadata(database: Database) -> None:
    org = await KeyRepository(database).ensure_org(f"org-{uuid.uuid4().hex[:8]}")
    repo = ConversationRepository(database)
    conv = await repo.create(org, metadata={"topic\x00": "\x00demo"})
    items = [message("user", text, item_id=f"msg_{text}") for text in NASTY]
    # The longest id a client may send (64 characters), made of NUL: twice as long once encoded.
    items.append(message("assistant", "longest", item_id="\x00" * 64))
    assert await repo.add_items(conv.id, org, items) == items
    assert await repo.all_items(conv.id, org) == items
    fetched = await repo.get(conv.id, org)
    assert fetched is not None and fetched.metadata == {"topic\x00": "\x00demo"}
    for item in items:
        assert await repo.get_item(conv.id, org, item["id"]) == item
    page = await repo.list_items(conv.id, org, PageQuery(after=items[0]["id"], order="asc", limit=100))
    assert page is not None and page.data == items[1:]
    updated = await repo.update(conv.id, org, {"\x00": "\x00"})
    assert updated is not None and updated.metadata == {"\x00": "\x00"}
    assert await repo.delete_item(conv.id, org, items[1]["id"]) is not None
    assert await repo.get_item(conv.id, org, items[1]["id"]) is None


async def test_lookups_by_ids_holding_nul_find_nothing(database: Database) -> None:
    org = await KeyRepository(database).ensure_org(f"org-{uuid.uuid4().hex[:8]}")
    responses, conversations = ResponseRepository(database), ConversationRepository(database)
    conv = await conversations.create(org, items=[message("user", "hi")])
    for bad in ("\x00", f"{conv.id}\x00", "resp_\x00\ufdd0", "\ufdd00"):
        assert await responses.get(bad, org) is None
        assert await responses.status(bad, org) is None
        assert await responses.input_items(bad, org) is None
        assert await responses.context_items(bad, org) is None
        assert await responses.delete(bad, org) is False
        assert await responses.finish(bad, {"id": bad, "status": "failed"}) is False
        assert await responses.get(bad, bad) is None
        assert await conversations.get(bad, org) is None
        assert await conversations.all_items(bad, org) is None
        assert await conversations.add_items(bad, org, [message("user", "x")]) is None
        assert await conversations.get_item(conv.id, org, bad) is None
        assert await conversations.delete_item(conv.id, org, bad) is None
        assert await conversations.delete(bad, org) is False
        try:
            await conversations.list_items(conv.id, org, PageQuery(after=bad))
        except UnknownCursor:
            pass
        else:
            raise AssertionError("an unknown cursor must be refused")
    assert len(await conversations.all_items(conv.id, org) or []) == 1


async def test_key_and_org_names_and_usage_models_keep_nul(database: Database) -> None:
    keys = KeyRepository(database)
    name, org = f"ci\x00{uuid.uuid4().hex[:6]}\ufdd0", f"acme\x00{uuid.uuid4().hex[:6]}"
    record, raw = await keys.create(name, org=org)
    assert (record.name, record.org_name) == (name, org)
    assert await keys.verify(raw) == record
    assert {k.name for k in await keys.list()} >= {name}
    assert await keys.verify("sk-genui-\x00") is None
    assert await keys.revoke("\x00") is None
    assert await keys.revoke(name) == record.id
    usage = UsageRepository(database)
    await usage.record(record.org_id, record.id, "model\x00", 3, 4)
    totals = await usage.totals(record.org_id)
    assert (totals.requests, totals.input_tokens, totals.output_tokens) == (1, 3, 4)
