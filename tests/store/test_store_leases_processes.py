"""Real processes: a process killed with SIGKILL mid-response leaves an orphan that a live process finishes;
one stopped with SIGTERM finishes its own response before it exits."""

from __future__ import annotations

import asyncio
import signal
import sys
import time
import uuid

import pytest

from genui.store import ConversationRepository, Database, KeyRepository, LeaseKeeper, ResponseRepository

CHILD = """
import asyncio, signal, sys, time
from genui.store import Database, LeaseKeeper

async def main(url: str, org: str, conv: str, response_id: str) -> None:
    db = Database(url)
    keeper = LeaseKeeper(db, heartbeat_seconds=0.2, ttl_seconds=1.0)
    await keeper.start()
    resource = {"id": response_id, "object": "response", "created_at": int(time.time()),
                "status": "in_progress", "model": "m", "output": [], "metadata": {}}
    user = {"type": "message", "id": "msg_user", "role": "user", "status": "completed",
            "content": [{"type": "input_text", "text": "question"}]}
    await keeper.responses.start(org, resource, [user], conversation_id=conv)
    partial = {"type": "message", "id": "msg_partial", "role": "assistant", "status": "in_progress",
               "content": [{"type": "output_text", "text": "half an answ"}]}
    await keeper.responses.checkpoint(org, response_id, [partial])
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    print("streaming", flush=True)
    await stop.wait()
    print("finished", await keeper.stop(), flush=True)
    await db.dispose()

asyncio.run(main(*sys.argv[1:]))
"""


async def _child_mid_response(
    database_url: str, org: str, conv: str, response_id: str
) -> asyncio.subprocess.Process:
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-c", CHILD, database_url, org, conv, response_id, stdout=asyncio.subprocess.PIPE
    )
    assert child.stdout is not None
    assert await asyncio.wait_for(child.stdout.readline(), 30) == b"streaming\n"
    return child


async def _turn(database: Database) -> tuple[str, str, str]:
    org = await KeyRepository(database).ensure_org(f"org-{uuid.uuid4().hex[:8]}")
    conv = await ConversationRepository(database).create(org)
    return org, conv.id, f"resp_{uuid.uuid4().hex}"


async def _assert_turn_kept(database: Database, org: str, conv: str, response_id: str) -> None:
    """Finished `incomplete` with the checkpointed output, and the turn appended to its conversation."""
    stored = await ResponseRepository(database).get(response_id, org)
    assert stored is not None and stored["status"] == "incomplete"
    assert stored["incomplete_details"] == {"reason": "interrupted"}
    assert [item["id"] for item in stored["output"]] == ["msg_partial"]
    items = await ConversationRepository(database).all_items(conv, org)
    assert [item["id"] for item in items or []] == ["msg_user", "msg_partial"]


@pytest.mark.slow
async def test_a_killed_process_response_is_finished_by_a_live_one(
    database_url: str, database: Database
) -> None:
    org, conv, response_id = await _turn(database)
    child = await _child_mid_response(database_url, org, conv, response_id)
    child.kill()
    await child.wait()
    responses = ResponseRepository(database)
    assert await responses.status(response_id, org) == "in_progress"
    survivor = LeaseKeeper(database, heartbeat_seconds=0.2, ttl_seconds=1.0)
    await survivor.start()
    try:
        deadline = time.monotonic() + 10
        while await responses.status(response_id, org) == "in_progress" and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
    finally:
        await survivor.stop()
    await _assert_turn_kept(database, org, conv, response_id)


@pytest.mark.slow
async def test_a_process_stopped_with_sigterm_finishes_its_own_response(
    database_url: str, database: Database
) -> None:
    org, conv, response_id = await _turn(database)
    child = await _child_mid_response(database_url, org, conv, response_id)
    child.send_signal(signal.SIGTERM)
    out, _ = await asyncio.wait_for(child.communicate(), 30)
    assert out == b"finished 1\n" and child.returncode == 0
    await _assert_turn_kept(database, org, conv, response_id)
