"""API keys and organizations.

Only sha256(key) is stored: keys carry 256 random bits, so a fast unsalted hash cannot be brute-forced and,
being deterministic, allows an indexed lookup (slow salted KDFs only matter for low-entropy passwords).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from genui.store.db import Database, execute_dml
from genui.store.ids import new_id
from genui.store.tables import ApiKey, Organization, utcnow

KEY_PREFIX = "sk-genui-"
DISPLAY_PREFIX_LEN = len(KEY_PREFIX) + 4


@dataclass(frozen=True, slots=True)
class ApiKeyRecord:
    id: str
    name: str
    org_id: str
    org_name: str
    prefix: str
    created_at: datetime
    revoked_at: datetime | None


class AmbiguousKeyName(Exception):
    """Several active keys have the name given: revoke one by its id."""

    def __init__(self, name: str, ids: list[str]) -> None:
        super().__init__(
            f"{len(ids)} active keys are named {name!r}: revoke one by its id ({', '.join(ids)})"
        )
        self.ids = ids


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _record(key: ApiKey, org: Organization) -> ApiKeyRecord:
    return ApiKeyRecord(
        id=key.id,
        name=key.name,
        org_id=org.id,
        org_name=org.name,
        prefix=key.prefix,
        created_at=key.created_at,
        revoked_at=key.revoked_at,
    )


async def ensure_org(session: AsyncSession, name: str) -> str:
    """The id of organization `name`, creating it if needed (race-free: insert-or-ignore, then select)."""
    dialect = session.get_bind().dialect.name
    values = {"id": new_id("org"), "name": name, "created_at": utcnow()}
    if dialect == "postgresql":
        await session.execute(pg_insert(Organization).values(values).on_conflict_do_nothing())
    elif dialect == "sqlite":
        await session.execute(sqlite_insert(Organization).values(values).on_conflict_do_nothing())
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        raise RuntimeError(f"unsupported database dialect {dialect}")
    org_id = await session.scalar(select(Organization.id).where(Organization.name == name))
    assert org_id is not None
    return org_id


class KeyRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def ensure_org(self, name: str = "default") -> str:
        async with self.db.transaction() as session:
            return await ensure_org(session, name)

    async def create(self, name: str, org: str = "default") -> tuple[ApiKeyRecord, str]:
        raw = KEY_PREFIX + secrets.token_urlsafe(32)
        async with self.db.transaction() as session:
            org_id = await ensure_org(session, org)
            key = ApiKey(
                id=new_id("key"),
                name=name,
                org_id=org_id,
                prefix=raw[:DISPLAY_PREFIX_LEN],
                key_hash=hash_key(raw),
                created_at=utcnow(),
                revoked_at=None,
            )
            session.add(key)
            await session.flush()
            org_row = await session.get_one(Organization, org_id)
            return _record(key, org_row), raw

    async def verify(self, raw: str) -> ApiKeyRecord | None:
        if not raw.startswith(KEY_PREFIX):
            return None
        async with self.db.sessionmaker() as session:
            row = (
                await session.execute(
                    select(ApiKey, Organization)
                    .join(Organization, Organization.id == ApiKey.org_id)
                    .where(ApiKey.key_hash == hash_key(raw), ApiKey.revoked_at.is_(None))
                )
            ).first()
        return _record(row[0], row[1]) if row else None

    async def list(self) -> list[ApiKeyRecord]:
        async with self.db.sessionmaker() as session:
            rows = (
                await session.execute(
                    select(ApiKey, Organization)
                    .join(Organization, Organization.id == ApiKey.org_id)
                    .order_by(ApiKey.created_at, ApiKey.id)
                )
            ).all()
        return [_record(key, org) for key, org in rows]

    async def revoke(self, id_or_name: str) -> str | None:
        """Revoke the active key with this id, or the one active key with this name: its id; None when none
        matched. Several active keys with the name raise AmbiguousKeyName: a key made to replace another under
        the same name must not go with it."""
        async with self.db.transaction() as session:
            active = await session.scalars(
                select(ApiKey.id)
                .where(or_(ApiKey.id == id_or_name, ApiKey.name == id_or_name), ApiKey.revoked_at.is_(None))
                .order_by(ApiKey.created_at, ApiKey.id)
            )
            ids = list(active)
            chosen = [key_id for key_id in ids if key_id == id_or_name] or ids
            if len(chosen) > 1:
                raise AmbiguousKeyName(id_or_name, chosen)
            if not chosen:
                return None
            result = await execute_dml(
                session,
                update(ApiKey)
                .where(ApiKey.id == chosen[0], ApiKey.revoked_at.is_(None))
                .values(revoked_at=utcnow()),
            )
        return chosen[0] if result.rowcount else None
