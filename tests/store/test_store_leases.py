"""Leases: nothing stays `in_progress` once its process is gone, and each orphan is finished exactly once.

Each LeaseKeeper gets its own Database handle (its own engine and connections), as a separate process would.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from sqlalchemy import delete, select

from genui.store import (
    Checkpointer,
    ConversationRepository,
    Database,
    KeyRepository,
    LeaseKeeper,
    ResponseRepository,
)
from genui.store.ids import new_id
from genui.store.tables import Response, Worker
from store.storeitems import message

FAST = {"heartbeat_seconds": 0.1, "ttl_seconds": 0.5}


def _resource(age: int = 60) -> dict[str, Any]:
    return {
        "id": new_id("resp"),
        "object": "response",
        "created_at": int(time.time()) - age,
        "status": "in_progress",
        "incomplete_details": None,
        "model": "c1/test/m/v-20261121",
        "output": [],
        "error": None,
        "usage": None,
        "completed_at": None,
        "metadata": {},
    }


@pytest.fixture
async def handles(database_url: str, database: Database) -> AsyncIterator[Callable[[], Database]]:
    """Makes more handles on the test database, each like another process's; disposed at the end."""
    made: list[Database] = []

    def make() -> Database:
        made.append(Database(database_url))
        return made[-1]

    yield make
    for db in made:
        await db.dispose()


async def _org(db: Database) -> str:
    return await KeyRepository(db).ensure_org(f"org-{uuid.uuid4().hex[:8]}")


async def _status(db: Database, response_id: str) -> str | None:
    async with db.sessionmaker() as session:
        return await session.scalar(select(Response.status).where(Response.id == response_id))


async def _leases(db: Database) -> set[str]:
    async with db.sessionmaker() as session:
        return set((await session.scalars(select(Worker.id))).all())


async def test_a_dead_process_turn_is_finished_by_a_live_one(
    database: Database, handles: Callable[[], Database]
) -> None:
    dead, live = LeaseKeeper(handles(), **FAST), LeaseKeeper(handles(), **FAST)
    await dead.beat()  # registered once, then never beats again: the process died
    await live.start()
    try:
        org = await _org(database)
        conversations = ConversationRepository(database)
        conv = await conversations.create(org, items=[message("user", "earlier")])
        resource, user = _resource(), message("user", "now")
        await dead.responses.start(org, resource, [user], conversation_id=conv.id)
        half = message("assistant", "half an ans", status="in_progress")
        assert await dead.responses.checkpoint(org, resource["id"], [half]) is True
        # While the lease is fresh, the response is its owner's.
        assert await live.sweep() == 0
        assert await _status(database, resource["id"]) == "in_progress"
        for _ in range(100):  # the live keeper's own loop finishes it once the lease expires
            if await _status(database, resource["id"]) != "in_progress":
                break
            await asyncio.sleep(0.05)
        stored = await ResponseRepository(database).get(resource["id"], org)
        assert stored is not None
        assert stored["status"] == "incomplete"
        assert stored["incomplete_details"] == {"reason": "interrupted"}
        assert stored["completed_at"] is None
        assert stored["output"] == [{**half, "status": "incomplete"}]
        items = await conversations.all_items(conv.id, org)
        assert items is not None
        assert [i["content"][0]["text"] for i in items] == ["earlier", "now", "half an ans"]
        assert items[-1]["status"] == "incomplete"
        # The owner coming back late changes nothing, and its expired lease was dropped.
        final = {**resource, "status": "completed", "output": [message("assistant", "whole")]}
        assert await dead.responses.finish(org, final) is False
        assert dead.worker_id not in await _leases(database)
        assert live.worker_id in await _leases(database)
    finally:
        await live.stop()


async def test_a_live_owner_keeps_its_responses_however_old(
    database: Database, handles: Callable[[], Database]
) -> None:
    owner, other = LeaseKeeper(handles(), **FAST), LeaseKeeper(handles(), **FAST)
    await owner.start()
    try:
        org = await _org(database)
        resource = _resource(age=3600)
        await owner.responses.start(org, resource, [message("user", "slow")])
        await asyncio.sleep(1.0)  # two TTLs: the owner's beats keep the lease fresh
        assert await other.sweep() == 0
        assert await _status(database, resource["id"]) == "in_progress"
    finally:
        await owner.stop()


async def test_a_missing_lease_waits_one_ttl_before_its_responses_are_orphans(database: Database) -> None:
    org = await _org(database)
    ghost = ResponseRepository(database, owner_id=new_id("wrk"))  # a lease that never registered
    young, old, unowned = _resource(age=0), _resource(age=60), _resource(age=60)
    await ghost.start(org, young, [])
    await ghost.start(org, old, [])
    await ResponseRepository(database).start(org, unowned, [])
    assert await ResponseRepository(database).finish_orphans(30) >= 2
    assert await _status(database, young["id"]) == "in_progress"
    assert await _status(database, old["id"]) == "incomplete"
    assert await _status(database, unowned["id"]) == "incomplete"


async def test_concurrent_sweeps_finish_each_orphan_exactly_once(fresh_url: str) -> None:
    # A database of its own: the count of finished responses covers every row in it.
    database = Database(fresh_url)
    await database.migrate()
    handles = [Database(fresh_url) for _ in range(3)]
    try:
        org = await _org(database)
        conversations = ConversationRepository(database)
        conv = await conversations.create(org)
        ghost = ResponseRepository(database, owner_id=new_id("wrk"))
        for n in range(8):
            resource = _resource()
            await ghost.start(org, resource, [message("user", f"q{n}")], conversation_id=conv.id)
            await ghost.checkpoint(org, resource["id"], [message("assistant", f"a{n}", status="in_progress")])
        keepers = [LeaseKeeper(handle, **FAST) for handle in handles]
        counts = await asyncio.gather(*(k.sweep() for k in keepers))
        assert sum(counts) == 8
        items = await conversations.all_items(conv.id, org)
        assert items is not None
        texts = sorted(i["content"][0]["text"] for i in items)
        assert texts == sorted([f"q{n}" for n in range(8)] + [f"a{n}" for n in range(8)])
        for keeper in keepers:
            assert await keeper.sweep() == 0
    finally:
        for db in [database, *handles]:
            await db.dispose()


async def test_stop_finishes_this_process_responses_and_removes_its_lease(
    database: Database, handles: Callable[[], Database]
) -> None:
    stopping, staying = LeaseKeeper(handles(), **FAST), LeaseKeeper(handles(), **FAST)
    await stopping.start()
    await staying.start()
    try:
        org = await _org(database)
        conversations = ConversationRepository(database)
        conv = await conversations.create(org)
        mine, theirs = _resource(age=0), _resource(age=0)
        await stopping.responses.start(org, mine, [message("user", "cut off")], conversation_id=conv.id)
        await staying.responses.start(org, theirs, [message("user", "goes on")])
        assert await stopping.stop() == 1
        assert await _status(database, mine["id"]) == "incomplete"
        assert await _status(database, theirs["id"]) == "in_progress"
        items = await conversations.all_items(conv.id, org)
        assert items is not None and [i["content"][0]["text"] for i in items] == ["cut off"]
        assert await _leases(database) >= {staying.worker_id}
        assert stopping.worker_id not in await _leases(database)
    finally:
        await staying.stop()


async def test_a_removed_lease_comes_back_with_the_next_beat(database: Database) -> None:
    keeper = LeaseKeeper(database, **FAST)
    await keeper.beat()
    async with database.transaction() as session:
        await session.execute(delete(Worker).where(Worker.id == keeper.worker_id))
    await keeper.beat()
    assert keeper.worker_id in await _leases(database)
    await keeper.stop()
    assert keeper.worker_id not in await _leases(database)


def test_the_ttl_must_outlast_the_heartbeat(database: Database) -> None:
    with pytest.raises(ValueError):
        LeaseKeeper(database, heartbeat_seconds=10, ttl_seconds=10)


async def test_checkpoints_are_throttled_and_end_with_the_response(database: Database) -> None:
    org = await _org(database)
    repo = ResponseRepository(database)
    resource = _resource(age=0)
    await repo.start(org, resource, [])
    checkpointer = Checkpointer(repo, org, resource["id"], interval=0.2)
    built: list[str] = []

    def output(text: str) -> Callable[[], list[dict[str, Any]]]:
        def build() -> list[dict[str, Any]]:
            built.append(text)
            return [{"type": "message", "id": "msg_1", "role": "assistant", "content": text}]

        return build

    checkpointer.offer(output("too early"))
    await asyncio.sleep(0.25)
    for n in range(50):  # one is due; the rest of the burst is skipped without building anything
        checkpointer.offer(output(f"burst {n}"))
    await checkpointer.aclose()
    assert built == ["burst 0"]
    async with database.sessionmaker() as session:
        saved = await session.scalar(select(Response.partial_output).where(Response.id == resource["id"]))
    assert saved == [{"type": "message", "id": "msg_1", "role": "assistant", "content": "burst 0"}]
    assert await repo.finish(org, {**resource, "status": "completed", "output": []}) is True
    async with database.sessionmaker() as session:
        saved = await session.scalar(select(Response.partial_output).where(Response.id == resource["id"]))
    assert saved is None
    assert await repo.checkpoint(org, resource["id"], [{"id": "late"}]) is False
