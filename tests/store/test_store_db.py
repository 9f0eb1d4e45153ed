"""Database: migrations from empty on both backends, idempotent and concurrent upgrades, SQLite pragmas."""

from __future__ import annotations

import asyncio
import os
import stat
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from genui.store import ConversationRepository, Database, KeyRepository, ResponseRepository, UsageRepository
from store.dbfixtures import create_pg_database_async, drop_pg_database_async

HEAD = "0003"
EXPECTED_TABLES = {
    "alembic_version",
    "organizations",
    "api_keys",
    "responses",
    "response_items",
    "conversations",
    "conversation_items",
    "usage_records",
    "workers",
    "usage_batches",
}


async def _tables(db: Database) -> set[str]:
    async with db.engine.connect() as conn:
        return set(await conn.run_sync(lambda c: inspect(c).get_table_names()))


async def _head(db: Database) -> str:
    async with db.engine.connect() as conn:
        return str((await conn.execute(text("SELECT version_num FROM alembic_version"))).scalar_one())


async def test_migrate_creates_every_table_and_is_idempotent(database: Database) -> None:
    assert await _tables(database) >= EXPECTED_TABLES
    await database.migrate()
    assert await _head(database) == HEAD


async def test_usage_rows_from_before_0002_count_as_one_call_each(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}")
    try:
        await db.migrate("0001")
        async with db.engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO usage_records "
                    "(org_id, key_id, model, input_tokens, output_tokens, created_at) "
                    "VALUES ('org_a', NULL, 'm', 10, 5, '2026-11-01 00:00:00'), "
                    "('org_a', NULL, 'm', 1, 2, '2026-11-01 00:00:01')"
                )
            )
        await db.migrate()
        assert await _head(db) == HEAD
        await UsageRepository(db).record_many([("org_a", "key_1", "m", 3, 30, 15)])
        totals = await UsageRepository(db).totals("org_a")
        assert (totals.requests, totals.input_tokens, totals.output_tokens) == (5, 41, 22)
    finally:
        await db.dispose()


async def _columns(db: Database, table: str) -> dict[str, object]:
    async with db.engine.connect() as conn:
        columns = await conn.run_sync(lambda c: inspect(c).get_columns(table))
    return {c["name"]: c["type"] for c in columns}


async def test_0003_upgrade_keeps_rows_and_finishes_their_stuck_responses(fresh_url: str) -> None:
    db = Database(fresh_url)
    try:
        await db.migrate("0002")
        org = await KeyRepository(db).ensure_org("acme")
        conv = await ConversationRepository(db).create(org)
        # A response left in_progress by a process that died before leases existed.
        async with db.engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO responses "
                    "(id, org_id, status, model, resource, conversation_id, created_at) "
                    "VALUES ('resp_old', :org, 'in_progress', 'm', :resource, :conv, :created)"
                ),
                {
                    "org": org,
                    "resource": '{"id": "resp_old", "status": "in_progress", "metadata": {}}',
                    "conv": conv.id,
                    "created": int(time.time()) - 3600,
                },
            )
            await conn.execute(
                text(
                    "INSERT INTO response_items (response_id, kind, position, item_id, item) "
                    "VALUES ('resp_old', 'input', 0, 'msg_in', :item)"
                ),
                {"item": '{"id": "msg_in", "type": "message", "role": "user", "content": []}'},
            )
        await db.migrate()
        assert await _head(db) == HEAD
        assert {"owner_id", "partial_output"} <= set(await _columns(db, "responses"))
        repo = ResponseRepository(db)
        assert await repo.finish_orphans(30) == 1
        stored = await repo.get("resp_old", org)
        assert stored is not None and stored["status"] == "incomplete"
        assert stored["incomplete_details"] == {"reason": "interrupted"}
        assert [i["id"] for i in await ConversationRepository(db).all_items(conv.id, org) or []] == ["msg_in"]
    finally:
        await db.dispose()


async def test_0003_downgrade_restores_0002(fresh_url: str) -> None:
    db = Database(fresh_url)
    try:
        await db.migrate()
        org = await KeyRepository(db).ensure_org("acme")
        conv = await ConversationRepository(db).create(org, items=[{"type": "message", "role": "user"}])
        await db.downgrade("0002")
        assert await _head(db) == "0002"
        tables = await _tables(db)
        assert "workers" not in tables and "usage_batches" not in tables
        assert "owner_id" not in await _columns(db, "responses")
        if db.is_postgres:
            assert getattr((await _columns(db, "conversation_items"))["item_id"], "length", None) == 64
        # the rows written at 0003 are still readable at 0002, and upgrading again works
        async with db.engine.connect() as conn:
            count = await conn.scalar(
                text("SELECT count(*) FROM conversation_items WHERE conversation_id = :c"), {"c": conv.id}
            )
        assert count == 1
        await db.migrate()
        assert await _head(db) == HEAD
    finally:
        await db.dispose()


async def test_0003_downgrade_refuses_to_truncate_on_postgres() -> None:
    url = await create_pg_database_async()
    db = Database(url)
    try:
        await db.migrate()
        org = await KeyRepository(db).ensure_org("acme")
        # 64 NULs: a valid client id whose stored (encoded) form needs the wider 0003 column
        await ConversationRepository(db).create(org, items=[{"type": "message", "id": "\x00" * 64}])
        with pytest.raises(Exception, match="too long"):
            await db.downgrade("0002")
        assert await _head(db) == HEAD
    finally:
        await db.dispose()
        await drop_pg_database_async(url)


async def test_sqlite_creates_data_dir_and_uses_wal(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "dir" / "genui.db"
    db = Database(f"sqlite+aiosqlite:///{path}")
    try:
        await db.migrate()
        assert path.exists()
        async with db.engine.connect() as conn:
            mode = (await conn.execute(text("PRAGMA journal_mode"))).scalar_one()
            timeout = (await conn.execute(text("PRAGMA busy_timeout"))).scalar_one()
        assert mode == "wal"
        assert int(timeout) >= 1000
    finally:
        await db.dispose()


async def test_concurrent_migrations_on_one_postgres_database_all_succeed() -> None:
    url = await create_pg_database_async()
    try:
        # Separate engines behave like separate processes: each has its own connections.
        databases = [Database(url) for _ in range(4)]
        await asyncio.gather(*(db.migrate() for db in databases))
        assert await _tables(databases[0]) >= EXPECTED_TABLES
        assert await _head(databases[0]) == HEAD
        for db in databases:
            await db.dispose()
    finally:
        await drop_pg_database_async(url)


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
async def test_concurrent_migrations_from_separate_processes(backend: str, tmp_path: Path) -> None:
    url = (
        f"sqlite+aiosqlite:///{tmp_path / 'genui.db'}"
        if backend == "sqlite"
        else await create_pg_database_async()
    )
    try:
        script = (
            "import asyncio, sys; from genui.store import Database; "
            "asyncio.run(Database(sys.argv[1]).migrate())"
        )
        procs = [
            await asyncio.create_subprocess_exec(
                sys.executable, "-c", script, url, stderr=asyncio.subprocess.PIPE
            )
            for _ in range(4)
        ]
        results = [await asyncio.wait_for(p.communicate(), 60) for p in procs]
        assert [p.returncode for p in procs] == [0, 0, 0, 0], [err.decode()[-2000:] for _, err in results]
        db = Database(url)
        assert await _tables(db) >= EXPECTED_TABLES
        assert await _head(db) == HEAD
        await db.dispose()
    finally:
        if backend == "postgres":
            await drop_pg_database_async(url)


async def test_concurrent_migrations_on_one_sqlite_file_all_succeed(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'genui.db'}"
    databases = [Database(url) for _ in range(3)]
    await asyncio.gather(*(db.migrate() for db in databases))
    assert await _head(databases[0]) == HEAD
    for db in databases:
        await db.dispose()


async def test_sqlite_files_are_private_to_their_owner(tmp_path: Path) -> None:
    path = tmp_path / "data" / "genui.db"
    old_umask = os.umask(0o022)  # the common default, which would leave the files world-readable
    try:
        db = Database(f"sqlite+aiosqlite:///{path}")
        await db.migrate()
        await KeyRepository(db).ensure_org("acme")
        async with db.sessionmaker() as session:  # a reader keeps the -wal and -shm files in place
            await session.execute(text("SELECT 1"))
            modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in path.parent.iterdir()}
        await db.dispose()
    finally:
        os.umask(old_umask)
    assert set(modes) == {"genui.db", "genui.db-wal", "genui.db-shm"}
    assert modes == dict.fromkeys(modes, 0o600)
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
