"""Stored responses: created `in_progress`, finished once, atomically with output items and conversation."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import delete, select, update

from genui.store.conversations import append_items
from genui.store.db import Database, execute_dml
from genui.store.pages import Order, Page, UnknownCursor
from genui.store.tables import Conversation, Response, ResponseItem

# Longest previous_response_id chain followed when rebuilding context (guards against pathological chains).
MAX_CHAIN_LENGTH = 1000
FINAL_STATUSES = frozenset({"completed", "incomplete", "failed"})


def _without_output(resource: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in resource.items() if k != "output"}


class ResponseRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def start(
        self,
        org_id: str,
        resource: dict[str, Any],
        input_items: list[dict[str, Any]],
        conversation_id: str | None = None,
    ) -> None:
        """Store a new response (normally `in_progress`) with its input items (each must carry an `id`)."""
        async with self.db.transaction() as session:
            session.add(
                Response(
                    id=resource["id"],
                    org_id=org_id,
                    status=resource["status"],
                    model=resource["model"],
                    resource=_without_output(resource),
                    previous_response_id=resource.get("previous_response_id"),
                    conversation_id=conversation_id,
                    created_at=int(resource["created_at"]),
                    completed_at=resource.get("completed_at"),
                    error=resource.get("error"),
                    usage=resource.get("usage"),
                )
            )
            await session.flush()
            session.add_all(
                ResponseItem(
                    response_id=resource["id"], kind="input", position=i, item_id=item["id"], item=item
                )
                for i, item in enumerate(input_items)
            )

    async def finish(
        self,
        org_id: str,
        resource: dict[str, Any],
        conversation_items: list[dict[str, Any]] | None = None,
    ) -> bool:
        """One transaction: final status and resource, output items, and the conversation append if completed.

        Returns False (and changes nothing) when the response is unknown or already finished.
        """
        status = resource["status"]
        if status not in FINAL_STATUSES:
            raise ValueError(f"not a final status: {status}")
        response_id = resource["id"]
        async with self.db.transaction() as session:
            row = await session.scalar(
                select(Response)
                .where(
                    Response.id == response_id, Response.org_id == org_id, Response.status == "in_progress"
                )
                .with_for_update()
            )
            if row is None:
                return False
            # Lock order response -> conversation everywhere, so concurrent finishes cannot deadlock.
            conversation = None
            if row.conversation_id and status == "completed" and conversation_items:
                conversation = await session.scalar(
                    select(Conversation)
                    .where(Conversation.id == row.conversation_id, Conversation.org_id == org_id)
                    .with_for_update()
                )
            row.status = status
            row.resource = _without_output(resource)
            row.completed_at = resource.get("completed_at")
            row.error = resource.get("error")
            row.usage = resource.get("usage")
            session.add_all(
                ResponseItem(
                    response_id=response_id, kind="output", position=i, item_id=item["id"], item=item
                )
                for i, item in enumerate(resource.get("output") or [])
            )
            if conversation is not None and conversation_items:
                await append_items(session, conversation, conversation_items, skip_existing=True)
            return True

    async def fail_stale(self, org_id: str, response_id: str, message: str) -> bool:
        """Mark an `in_progress` response failed (used when its turn died without a final resource)."""
        async with self.db.transaction() as session:
            row = await session.scalar(
                select(Response)
                .where(
                    Response.id == response_id, Response.org_id == org_id, Response.status == "in_progress"
                )
                .with_for_update()
            )
            if row is None:
                return False
            error = {"code": "server_error", "message": message}
            row.status = "failed"
            row.error = error
            row.resource = {**row.resource, "status": "failed", "error": error}
            return True

    async def get(self, response_id: str, org_id: str) -> dict[str, Any] | None:
        """The full ResponseResource JSON (with `output`), or None when unknown for this org."""
        async with self.db.sessionmaker() as session:
            row = await session.scalar(
                select(Response).where(Response.id == response_id, Response.org_id == org_id)
            )
            if row is None:
                return None
            output = (
                await session.scalars(
                    select(ResponseItem.item)
                    .where(ResponseItem.response_id == response_id, ResponseItem.kind == "output")
                    .order_by(ResponseItem.position)
                )
            ).all()
            return {**row.resource, "status": row.status, "error": row.error, "output": list(output)}

    async def delete(self, response_id: str, org_id: str) -> bool:
        async with self.db.transaction() as session:
            found = await session.scalar(
                select(Response.id).where(Response.id == response_id, Response.org_id == org_id)
            )
            if found is None:
                return False
            await session.execute(delete(ResponseItem).where(ResponseItem.response_id == response_id))
            await session.execute(delete(Response).where(Response.id == response_id))
            return True

    async def context_items(self, response_id: str, org_id: str) -> list[dict[str, Any]] | None:
        """Input and output items of the previous_response_id chain ending at `response_id`, oldest first.

        None when `response_id` is unknown for this org; a deleted ancestor ends the chain.
        """
        chain: list[str] = []
        async with self.db.sessionmaker() as session:
            current: str | None = response_id
            while current is not None and len(chain) < MAX_CHAIN_LENGTH:
                row = (
                    await session.execute(
                        select(Response.id, Response.previous_response_id).where(
                            Response.id == current, Response.org_id == org_id
                        )
                    )
                ).first()
                if row is None:
                    break
                chain.append(row[0])
                current = row[1] if row[1] not in chain else None
            if not chain:
                return None
            rows = (
                await session.execute(
                    select(
                        ResponseItem.response_id, ResponseItem.kind, ResponseItem.position, ResponseItem.item
                    ).where(ResponseItem.response_id.in_(chain))
                )
            ).all()
        rank = {rid: i for i, rid in enumerate(reversed(chain))}
        ordered = sorted(rows, key=lambda r: (rank[r[0]], 0 if r[1] == "input" else 1, r[2]))
        return [r[3] for r in ordered]

    async def input_items(
        self,
        response_id: str,
        org_id: str,
        *,
        after: str | None = None,
        limit: int = 20,
        order: Order = "desc",
    ) -> Page | None:
        async with self.db.sessionmaker() as session:
            found = await session.scalar(
                select(Response.id).where(Response.id == response_id, Response.org_id == org_id)
            )
            if found is None:
                return None
            base = select(ResponseItem.item).where(
                ResponseItem.response_id == response_id, ResponseItem.kind == "input"
            )
            if after is not None:
                cursor = await session.scalar(
                    select(ResponseItem.position).where(
                        ResponseItem.response_id == response_id,
                        ResponseItem.kind == "input",
                        ResponseItem.item_id == after,
                    )
                )
                if cursor is None:
                    raise UnknownCursor(after)
                base = base.where(
                    ResponseItem.position > cursor if order == "asc" else ResponseItem.position < cursor
                )
            position = ResponseItem.position
            query = base.order_by(position.asc() if order == "asc" else position.desc()).limit(limit + 1)
            data = list((await session.scalars(query)).all())
        return Page(data=data[:limit], has_more=len(data) > limit)

    async def status(self, response_id: str, org_id: str) -> str | None:
        async with self.db.sessionmaker() as session:
            return await session.scalar(
                select(Response.status).where(Response.id == response_id, Response.org_id == org_id)
            )

    async def mark_stale_in_progress(self, older_than_seconds: int) -> int:
        """Fail responses left `in_progress` by a crashed process (call at startup); returns how many."""
        cutoff = int(time.time()) - older_than_seconds
        async with self.db.transaction() as session:
            result = await execute_dml(
                session,
                update(Response)
                .where(Response.status == "in_progress", Response.created_at < cutoff)
                .values(status="failed", error={"code": "server_error", "message": "the server stopped"}),
            )
        return int(result.rowcount or 0)
