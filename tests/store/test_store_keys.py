"""API keys: hashed at rest, verify/revoke/list, organizations shared by name."""

from __future__ import annotations

import hashlib
import uuid

import pytest
from sqlalchemy import select

from genui.store import Database, KeyRepository
from genui.store.keys import AmbiguousKeyName
from genui.store.tables import ApiKey


def _unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


async def test_create_returns_raw_key_and_stores_only_its_hash(database: Database) -> None:
    keys = KeyRepository(database)
    record, raw = await keys.create(_unique("ci"), org=_unique("org"))
    assert raw.startswith("sk-genui-")
    assert len(raw) >= len("sk-genui-") + 32
    assert record.prefix == raw[: len(record.prefix)]
    assert len(record.prefix) < len(raw) - 20
    async with database.sessionmaker() as session:
        row = await session.scalar(select(ApiKey).where(ApiKey.id == record.id))
    assert row is not None
    assert row.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {row.id, row.name, row.prefix, row.key_hash}


async def test_verify_known_unknown_and_revoked(database: Database) -> None:
    keys = KeyRepository(database)
    name = _unique("app")
    record, raw = await keys.create(name, org=_unique("acme"))
    verified = await keys.verify(raw)
    assert verified == record
    assert verified is not None and verified.revoked_at is None
    assert await keys.verify(raw + "x") is None
    assert await keys.verify("sk-genui-" + "A" * 43) is None
    assert await keys.verify("") is None
    assert await keys.revoke(name) == record.id
    assert await keys.verify(raw) is None
    assert await keys.revoke(name) is None
    listed = {k.id: k for k in await keys.list()}
    assert listed[record.id].revoked_at is not None


async def test_revoke_by_id_leaves_other_keys_alone(database: Database) -> None:
    keys = KeyRepository(database)
    org = _unique("org")
    first, raw_first = await keys.create(_unique("a"), org=org)
    second, raw_second = await keys.create(_unique("b"), org=org)
    assert first.org_id == second.org_id
    assert first.org_name == org
    assert await keys.revoke(first.id) == first.id
    assert await keys.verify(raw_first) is None
    assert await keys.verify(raw_second) == second
    assert await keys.revoke("no-such-key") is None


async def test_a_name_two_active_keys_share_revokes_neither(database: Database) -> None:
    # rotating a key (a new one under the old name, then "revoke NAME") must not take the new one too
    keys = KeyRepository(database)
    name = _unique("laptop")
    old, raw_old = await keys.create(name)
    new, raw_new = await keys.create(name)
    with pytest.raises(AmbiguousKeyName) as refused:
        await keys.revoke(name)
    assert refused.value.ids == [old.id, new.id]
    assert await keys.verify(raw_old) == old and await keys.verify(raw_new) == new
    assert await keys.revoke(old.id) == old.id
    assert await keys.revoke(name) == new.id  # the one left active with the name
    assert await keys.verify(raw_new) is None


async def test_default_org_and_distinct_orgs(database: Database) -> None:
    keys = KeyRepository(database)
    default_key, _ = await keys.create(_unique("d"))
    other_key, _ = await keys.create(_unique("o"), org=_unique("other"))
    assert default_key.org_name == "default"
    assert default_key.org_id == await keys.ensure_org("default")
    assert other_key.org_id != default_key.org_id
