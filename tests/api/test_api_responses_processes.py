"""Two real `genui serve` processes on one PostgreSQL: a previous_response_id chain hops between them."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Iterator

import pytest
from openai import OpenAI

from fakes.upstream import ScriptedUpstream
from genui.store import Database, KeyRepository
from store.dbfixtures import create_pg_database, drop_pg_database
from support import FAKE_MODEL, ServeProcess


def _env(upstream: ScriptedUpstream, database_url: str, data_dir: str) -> dict[str, str]:
    provider = {"kind": "openai", "base_url": upstream.base_url, "api_key": "sk-up", "constrain": "none"}
    model = {"name": FAKE_MODEL, "provider": "fake", "upstream_model": "fake-model"}
    return {
        **os.environ,
        "GENUI_DATABASE_URL": database_url,
        "GENUI_DATA_DIR": data_dir,
        "GENUI_PROVIDERS": json.dumps({"fake": provider}),
        "GENUI_MODELS": json.dumps([model]),
        "GENUI_LOG_LEVEL": "warning",
    }


@pytest.fixture
def pg_database() -> Iterator[str]:
    url = create_pg_database()
    yield url
    drop_pg_database(url)


async def _key(url: str) -> str:
    db = Database(url)
    try:
        await db.migrate()
        _, raw = await KeyRepository(db).create("procs")
        return raw
    finally:
        await db.dispose()


@pytest.mark.slow
def test_chain_started_on_one_process_continues_on_the_other(
    pg_database: str, scripted_upstream: ScriptedUpstream, tmp_path: object
) -> None:
    env = _env(scripted_upstream, pg_database, str(tmp_path))
    # Both start (and migrate) at once: the advisory lock serializes the migrations.
    servers: list[ServeProcess] = []
    try:
        servers = [ServeProcess(env=env), ServeProcess(env=env)]
        for server in servers:
            server.wait_ready()
        key = asyncio.run(_key(pg_database))
        one, two = (
            OpenAI(base_url=s.url + "/v1/embed", api_key=key, max_retries=0, timeout=30) for s in servers
        )
        first = one.responses.create(model=FAKE_MODEL, input="first question")
        second = two.responses.create(
            model=FAKE_MODEL, input="second question", previous_response_id=first.id
        )
        third = one.responses.create(model=FAKE_MODEL, input="third question", previous_response_id=second.id)
        assert third.status == "completed"
        users = [m["content"] for m in scripted_upstream.requests[-1]["messages"] if m["role"] == "user"]
        assert users == ["first question", "second question", "third question"]
        assert two.responses.retrieve(third.id).output_text == third.output_text
        conv = OpenAI(base_url=servers[1].url + "/v1", api_key=key, max_retries=0).conversations.create()
        one.responses.create(model=FAKE_MODEL, input="in a conversation", conversation=conv.id)
        items = OpenAI(base_url=servers[1].url + "/v1", api_key=key).conversations.items.list(conv.id)
        assert len(items.data) == 2
    finally:
        for server in servers:
            server.stop()
