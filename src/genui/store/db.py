"""The database handle: async engine, session factory and programmatic Alembic migrations."""

from __future__ import annotations

import asyncio
import contextlib
import os
import weakref
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, cast

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, CursorResult, Executable, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from genui.store import nul

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Arbitrary constant key of the PostgreSQL advisory lock that serializes concurrent `migrate()` calls.
MIGRATION_LOCK_KEY = 0x67656E7569  # "genui"
SQLITE_BUSY_TIMEOUT_MS = 10_000


class Database:
    """One per process. SQLite: WAL, busy timeout, `BEGIN IMMEDIATE` for writes; PostgreSQL: a pooled engine.

    `sessionmaker()` is for reads, `transaction()` for writes."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = make_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        self.is_postgres = self.url.get_backend_name() == "postgresql"
        # JSON documents go through the NUL policy of store/nul.py (text columns do via tables.Str).
        kwargs: dict[str, Any] = {
            "echo": echo,
            "json_serializer": nul.dumps_json,
            "json_deserializer": nul.loads_json,
        }
        if self.is_sqlite:
            if self.url.database and self.url.database != ":memory:":
                create_private_file(Path(self.url.database).expanduser())
            kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        else:
            kwargs["pool_pre_ping"] = True
        self.engine: AsyncEngine = create_async_engine(self.url, **kwargs)
        if self.is_sqlite:
            _configure_sqlite(self.engine)
        # Reads begin deferred (WAL readers never wait for the writer); `transaction()` takes the write lock.
        readers = self.engine.execution_options(genui_read=True) if self.is_sqlite else self.engine
        self.sessionmaker: async_sessionmaker[AsyncSession] = async_sessionmaker(
            readers, expire_on_commit=False
        )
        self._writers: async_sessionmaker[AsyncSession] = async_sessionmaker(
            self.engine, expire_on_commit=False
        )

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session inside one transaction: committed on success, rolled back on any exception."""
        async with self._writers() as session, session.begin():
            yield session

    async def migrate(self, revision: str = "head") -> None:
        """Upgrade the schema to `revision`; concurrent callers on PostgreSQL wait on an advisory lock."""
        await self._alembic(command.upgrade, revision)

    async def downgrade(self, revision: str) -> None:
        """Downgrade the schema to `revision` (an operator's way back before running an older genui)."""
        await self._alembic(command.downgrade, revision)

    async def _alembic(self, action: Callable[[Config, str], None], revision: str) -> None:
        # Alembic keeps global state while it runs, so migrations in one process must not interleave.
        async with _migration_lock(), self.engine.connect() as conn:
            if self.is_postgres:
                # Transaction-scoped: released by the commit below, even if this process dies mid-way.
                await conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK_KEY})
            await conn.run_sync(_run_alembic, action, revision)
            await conn.commit()

    async def dispose(self) -> None:
        await self.engine.dispose()


_MIGRATION_LOCKS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
    weakref.WeakKeyDictionary()
)


def _migration_lock() -> asyncio.Lock:
    loop = asyncio.get_running_loop()
    lock = _MIGRATION_LOCKS.get(loop)
    if lock is None:
        lock = _MIGRATION_LOCKS[loop] = asyncio.Lock()
    return lock


def _run_alembic(connection: Connection, action: Callable[[Config, str], None], revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    action(config, revision)


def create_private_file(path: Path) -> None:
    """Create the SQLite file owner-only (0600) before SQLite opens it (SQLite gives its -wal and -shm files
    the mode of the database file). Its directory, when created here, is 0700. An existing file is kept as is.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def _configure_sqlite(engine: AsyncEngine) -> None:
    """SQLAlchemy's documented recipe: drive BEGIN ourselves so DDL is transactional and writers queue."""

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Writers: IMMEDIATE takes the write lock up front, so the busy timeout applies instead of a deadlock
        # error. Readers: a deferred BEGIN, a snapshot that never waits in WAL mode.
        read = conn.get_execution_options().get("genui_read", False)
        conn.exec_driver_sql("BEGIN" if read else "BEGIN IMMEDIATE")


async def execute_dml(session: AsyncSession, statement: Executable) -> CursorResult[Any]:
    """Run an UPDATE/DELETE and return the cursor result (typed, for `rowcount`)."""
    return cast(CursorResult[Any], await session.execute(statement))
