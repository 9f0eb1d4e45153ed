"""Database fixtures: SQLite (tmp file) and the real PostgreSQL at 127.0.0.1:5432 (a fresh database per run).

Import the fixtures into a test module (`from store.dbfixtures import database, database_url, pg_url`)
to run it on both backends.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest

from genui.store import Database

PG_ADMIN_DSN = os.environ.get("GENUI_TEST_PG_DSN", "postgresql://postgres@127.0.0.1:5432/test")
PG_HOST_URL = os.environ.get("GENUI_TEST_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432")


async def _admin(sql: str) -> None:
    conn = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def create_pg_database_async() -> str:
    """Create a uniquely named empty database; returns its SQLAlchemy URL."""
    name = f"genui_test_{uuid.uuid4().hex[:12]}"
    await _admin(f'CREATE DATABASE "{name}"')
    return f"{PG_HOST_URL}/{name}"


async def drop_pg_database_async(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def create_pg_database() -> str:
    return asyncio.run(create_pg_database_async())


def drop_pg_database(url: str) -> None:
    asyncio.run(drop_pg_database_async(url))


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    url = create_pg_database()
    yield url
    drop_pg_database(url)


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'data' / 'genui.db'}"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture(params=["sqlite", "postgres"])
async def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database of each backend of its own (for migration tests, and tests that see every row)."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}"
        return
    url = await create_pg_database_async()
    yield url
    await drop_pg_database_async(url)


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    db = Database(database_url)
    await db.migrate()
    yield db
    await db.dispose()
