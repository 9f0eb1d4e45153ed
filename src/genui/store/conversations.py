"""Conversations and their ordered items (each with a per-conversation monotonic position for cursors)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from genui.store.db import Database, execute_dml
from genui.store.ids import new_id
from genui.store.pages import FIRST_PAGE, Page, PageQuery, read_page
from genui.store.tables import Conversation, ConversationItem

ITEM_ID_PREFIXES = {"message": "msg", "function_call": "fc", "function_call_output": "fco"}


class DuplicateItemError(ValueError):
    """An item with this id is already in the conversation."""


@dataclass(frozen=True, slots=True)
class ConversationRecord:
    id: str
    org_id: str
    created_at: int
    metadata: dict[str, Any]

    def body(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": "conversation",
            "created_at": self.created_at,
            "metadata": self.metadata,
        }


def with_item_id(item: dict[str, Any]) -> dict[str, Any]:
    """The item with an `id`, minting one from its type when the client sent none."""
    if item.get("id"):
        return item
    return {**item, "id": new_id(ITEM_ID_PREFIXES.get(str(item.get("type")), "item"))}


def _record(row: Conversation) -> ConversationRecord:
    return ConversationRecord(id=row.id, org_id=row.org_id, created_at=row.created_at, metadata=row.metadata_)


async def _locked(session: AsyncSession, conversation_id: str, org_id: str) -> Conversation | None:
    return await session.scalar(
        select(Conversation)
        .where(Conversation.id == conversation_id, Conversation.org_id == org_id)
        .with_for_update()
    )


async def append_items(
    session: AsyncSession, conversation: Conversation, items: list[dict[str, Any]], *, skip_existing: bool
) -> list[dict[str, Any]]:
    """Append items inside the caller's transaction (the conversation row must be locked by the caller)."""
    items = [with_item_id(item) for item in items]
    ids = [str(item["id"]) for item in items]
    existing = set(
        (
            await session.scalars(
                select(ConversationItem.item_id).where(
                    ConversationItem.conversation_id == conversation.id, ConversationItem.item_id.in_(ids)
                )
            )
        ).all()
    )
    if len(set(ids)) != len(ids) and not skip_existing:
        raise DuplicateItemError("duplicate item ids in the request")
    if existing and not skip_existing:
        raise DuplicateItemError(f"item {sorted(existing)[0]} is already in the conversation")
    now = int(time.time())
    stored: list[dict[str, Any]] = []
    position = conversation.item_count
    for item in items:
        item_id = str(item["id"])
        if item_id in existing:
            continue
        existing.add(item_id)
        position += 1
        session.add(
            ConversationItem(
                conversation_id=conversation.id, position=position, item_id=item_id, item=item, created_at=now
            )
        )
        stored.append(item)
    conversation.item_count = position
    await session.flush()
    return stored


class ConversationRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def create(
        self, org_id: str, metadata: dict[str, Any] | None = None, items: list[dict[str, Any]] | None = None
    ) -> ConversationRecord:
        async with self.db.transaction() as session:
            row = Conversation(
                id=new_id("conv"),
                org_id=org_id,
                metadata_=dict(metadata or {}),
                created_at=int(time.time()),
                item_count=0,
            )
            session.add(row)
            await session.flush()
            if items:
                await append_items(session, row, items, skip_existing=False)
            return _record(row)

    async def get(self, conversation_id: str, org_id: str) -> ConversationRecord | None:
        async with self.db.sessionmaker() as session:
            row = await session.scalar(
                select(Conversation).where(Conversation.id == conversation_id, Conversation.org_id == org_id)
            )
            return _record(row) if row else None

    async def update(
        self, conversation_id: str, org_id: str, metadata: dict[str, Any]
    ) -> ConversationRecord | None:
        async with self.db.transaction() as session:
            row = await _locked(session, conversation_id, org_id)
            if row is None:
                return None
            row.metadata_ = dict(metadata)
            return _record(row)

    async def delete(self, conversation_id: str, org_id: str) -> bool:
        async with self.db.transaction() as session:
            row = await _locked(session, conversation_id, org_id)
            if row is None:
                return False
            await session.execute(
                delete(ConversationItem).where(ConversationItem.conversation_id == conversation_id)
            )
            await session.delete(row)
            return True

    async def add_items(
        self, conversation_id: str, org_id: str, items: list[dict[str, Any]], *, skip_existing: bool = False
    ) -> list[dict[str, Any]] | None:
        """Append items atomically; None when the conversation does not exist for this org.

        An item whose id is already in the conversation raises DuplicateItemError, or is skipped if asked.
        """
        async with self.db.transaction() as session:
            row = await _locked(session, conversation_id, org_id)
            if row is None:
                return None
            return await append_items(session, row, items, skip_existing=skip_existing)

    async def all_items(self, conversation_id: str, org_id: str) -> list[dict[str, Any]] | None:
        async with self.db.sessionmaker() as session:
            if not await self._exists(session, conversation_id, org_id):
                return None
            rows = await session.scalars(
                select(ConversationItem.item)
                .where(ConversationItem.conversation_id == conversation_id)
                .order_by(ConversationItem.position)
            )
            return list(rows.all())

    async def list_items(
        self, conversation_id: str, org_id: str, page: PageQuery = FIRST_PAGE
    ) -> Page | None:
        async with self.db.sessionmaker() as session:
            if not await self._exists(session, conversation_id, org_id):
                return None
            scope = [ConversationItem.conversation_id == conversation_id]
            return await read_page(session, ConversationItem, scope, page)

    async def get_item(self, conversation_id: str, org_id: str, item_id: str) -> dict[str, Any] | None:
        async with self.db.sessionmaker() as session:
            if not await self._exists(session, conversation_id, org_id):
                return None
            return await session.scalar(
                select(ConversationItem.item).where(
                    ConversationItem.conversation_id == conversation_id, ConversationItem.item_id == item_id
                )
            )

    async def delete_item(self, conversation_id: str, org_id: str, item_id: str) -> ConversationRecord | None:
        """Delete one item; returns the conversation, or None when the conversation or item is unknown."""
        async with self.db.transaction() as session:
            row = await _locked(session, conversation_id, org_id)
            if row is None:
                return None
            result = await execute_dml(
                session,
                delete(ConversationItem).where(
                    ConversationItem.conversation_id == conversation_id, ConversationItem.item_id == item_id
                ),
            )
            return _record(row) if result.rowcount else None

    async def count_items(self, conversation_id: str) -> int:
        async with self.db.sessionmaker() as session:
            count = await session.scalar(
                select(func.count())
                .select_from(ConversationItem)
                .where(ConversationItem.conversation_id == conversation_id)
            )
            return int(count or 0)

    @staticmethod
    async def _exists(session: AsyncSession, conversation_id: str, org_id: str) -> bool:
        found = await session.scalar(
            select(Conversation.id).where(Conversation.id == conversation_id, Conversation.org_id == org_id)
        )
        return found is not None
