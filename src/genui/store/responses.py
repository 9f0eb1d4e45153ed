"""Stored responses: created `in_progress`, finished once, atomically with output items and conversation.

An `in_progress` response names its owner, the lease of the process producing it (`store/leases.py`). When
that process dies, any live one finishes the response `incomplete` (`finish_orphans`), keeping the output last
saved by `checkpoint` and appending the turn to its conversation.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from genui.store.conversations import append_items, with_item_id
from genui.store.db import Database, execute_dml
from genui.store.pages import FIRST_PAGE, Page, PageQuery, read_page
from genui.store.tables import Conversation, Response, ResponseItem, Worker, utcnow

# Longest previous_response_id chain followed when rebuilding context (guards against pathological chains).
MAX_CHAIN_LENGTH = 1000
FINAL_STATUSES = frozenset({"completed", "incomplete", "failed"})
# `incomplete_details` of a response whose process died (the spec leaves `reason` a free string; the service
# uses the same reason when a client goes away mid-stream).
INTERRUPTED = {"reason": "interrupted"}
log = logging.getLogger("genui.store")


def _without_output(resource: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in resource.items() if k != "output"}


def _add_items(session: AsyncSession, response_id: str, kind: str, items: list[dict[str, Any]]) -> None:
    session.add_all(
        ResponseItem(response_id=response_id, kind=kind, position=i, item_id=item["id"], item=item)
        for i, item in enumerate(items)
    )


async def _items(session: AsyncSession, response_id: str, kind: str) -> list[dict[str, Any]]:
    rows = await session.scalars(
        select(ResponseItem.item)
        .where(ResponseItem.response_id == response_id, ResponseItem.kind == kind)
        .order_by(ResponseItem.position)
    )
    return list(rows.all())


class ResponseRepository:
    """`owner_id`: this process's lease id (`LeaseKeeper.worker_id`), written on every response it starts."""

    def __init__(self, db: Database, *, owner_id: str | None = None) -> None:
        self.db = db
        self.owner_id = owner_id

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
                    owner_id=self.owner_id,
                )
            )
            await session.flush()
            _add_items(session, resource["id"], "input", input_items)

    async def finish(
        self,
        org_id: str,
        resource: dict[str, Any],
        conversation_items: list[dict[str, Any]] | None = None,
    ) -> bool:
        """One transaction: final status and resource, output items, and the conversation append unless it
        failed (a `completed` or `incomplete` response adds its turn, as an orphan finished here does).

        Returns False (and changes nothing) when the response is unknown or already finished.
        """
        status = resource["status"]
        if status not in FINAL_STATUSES:
            raise ValueError(f"not a final status: {status}")
        response_id = resource["id"]
        async with self.db.transaction() as session:
            row = await _lock_in_progress(session, response_id, org_id)
            if row is None:
                return False
            # Lock order response -> conversation everywhere, so concurrent finishes cannot deadlock.
            conversation = None
            if row.conversation_id and status != "failed" and conversation_items:
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
            row.partial_output = None
            _add_items(session, response_id, "output", resource.get("output") or [])
            if conversation is not None and conversation_items:
                await append_items(session, conversation, conversation_items, skip_existing=True)
            return True

    async def fail_stale(self, org_id: str, response_id: str, message: str) -> bool:
        """Mark an `in_progress` response failed (used when its turn died without a final resource)."""
        async with self.db.transaction() as session:
            row = await _lock_in_progress(session, response_id, org_id)
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
            output = await _items(session, response_id, "output")
            return {**row.resource, "status": row.status, "error": row.error, "output": output}

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

    async def input_items(self, response_id: str, org_id: str, page: PageQuery = FIRST_PAGE) -> Page | None:
        async with self.db.sessionmaker() as session:
            found = await session.scalar(
                select(Response.id).where(Response.id == response_id, Response.org_id == org_id)
            )
            if found is None:
                return None
            scope = [ResponseItem.response_id == response_id, ResponseItem.kind == "input"]
            return await read_page(session, ResponseItem, scope, page)

    async def status(self, response_id: str, org_id: str) -> str | None:
        async with self.db.sessionmaker() as session:
            return await session.scalar(
                select(Response.status).where(Response.id == response_id, Response.org_id == org_id)
            )

    async def checkpoint(self, org_id: str, response_id: str, output: list[dict[str, Any]]) -> bool:
        """Save the output so far of an `in_progress` response: what is kept if this process dies before
        `finish` (items as the service would store them on an interrupt). False once the response finished."""
        async with self.db.transaction() as session:
            result = await execute_dml(
                session,
                update(Response)
                .where(
                    Response.id == response_id, Response.org_id == org_id, Response.status == "in_progress"
                )
                .values(partial_output=output),
            )
        return bool(result.rowcount)

    async def finish_orphans(self, ttl_seconds: float) -> int:
        """Finish `incomplete` every response left `in_progress` by a dead process; returns how many.

        An orphan is older than `ttl_seconds` and its owner's lease is missing or has not beaten for
        `ttl_seconds` (a response without an owner counts as one with a missing lease). Safe to run from any
        number of processes at once: each response is finished by exactly one of them.
        """
        now = time.time()
        lease_cutoff = utcnow() - timedelta(seconds=ttl_seconds)
        async with self.db.sessionmaker() as session:
            ids = (
                await session.scalars(
                    select(Response.id)
                    .outerjoin(Worker, Worker.id == Response.owner_id)
                    .where(
                        Response.status == "in_progress",
                        Response.created_at <= int(now - ttl_seconds),
                        or_(Worker.id.is_(None), Worker.heartbeat_at < lease_cutoff),
                    )
                )
            ).all()
        return sum([await self._interrupt(response_id) for response_id in ids])

    async def finish_owned(self, owner_id: str) -> int:
        """Finish `incomplete` the responses still `in_progress` under this lease (a process stopping)."""
        async with self.db.sessionmaker() as session:
            ids = (
                await session.scalars(
                    select(Response.id).where(Response.status == "in_progress", Response.owner_id == owner_id)
                )
            ).all()
        return sum([await self._interrupt(response_id) for response_id in ids])

    async def _interrupt(self, response_id: str) -> bool:
        """One transaction: `incomplete` with the checkpointed output, and the turn appended to its
        conversation. The conditional UPDATE decides who finishes: only the caller that changed the row acts.
        """
        async with self.db.transaction() as session:
            changed = await execute_dml(
                session,
                update(Response)
                .where(Response.id == response_id, Response.status == "in_progress")
                .values(status="incomplete"),
            )
            if not changed.rowcount:
                return False
            row = await session.get_one(Response, response_id)
            output = [{**with_item_id(item), "status": "incomplete"} for item in row.partial_output or []]
            row.resource = {
                **row.resource,
                "status": "incomplete",
                "incomplete_details": INTERRUPTED,
                "completed_at": None,
            }
            row.partial_output = None
            _add_items(session, response_id, "output", output)
            if row.conversation_id:
                # Lock order response -> conversation, as in `finish`.
                conversation = await session.scalar(
                    select(Conversation)
                    .where(Conversation.id == row.conversation_id, Conversation.org_id == row.org_id)
                    .with_for_update()
                )
                if conversation is not None:
                    inputs = await _items(session, response_id, "input")
                    await append_items(session, conversation, [*inputs, *output], skip_existing=True)
            log.warning("finished orphaned response %s as incomplete", response_id)
            return True


class Checkpointer:
    """Saves one response's output so far at most every `interval` seconds, in the background, one write at a
    time. `offer` is cheap when not due (a clock read), so the service may call it on every event."""

    def __init__(
        self, responses: ResponseRepository, org_id: str, response_id: str, *, interval: float = 2.0
    ) -> None:
        self.responses = responses
        self.org_id = org_id
        self.response_id = response_id
        self.interval = interval
        self._due = time.monotonic() + interval
        self._task: asyncio.Task[bool] | None = None

    def offer(self, output: Callable[[], list[dict[str, Any]]]) -> None:
        """`output` builds the items to keep; it is called only when a checkpoint is due."""
        now = time.monotonic()
        if now < self._due or (self._task is not None and not self._task.done()):
            return
        self._due = now + self.interval
        self._task = asyncio.get_running_loop().create_task(
            self.responses.checkpoint(self.org_id, self.response_id, output())
        )
        self._task.add_done_callback(_log_failure)

    async def aclose(self) -> None:
        """Wait for a write in flight (call before `finish`, so a late checkpoint never lands after it)."""
        if self._task is not None:
            with contextlib.suppress(Exception):
                await self._task
            self._task = None


def _log_failure(task: asyncio.Task[bool]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.warning("could not checkpoint a response", exc_info=task.exception())


async def _lock_in_progress(session: AsyncSession, response_id: str, org_id: str) -> Response | None:
    """The row of a response still `in_progress`, locked for this transaction (None: unknown or finished)."""
    return await session.scalar(
        select(Response)
        .where(Response.id == response_id, Response.org_id == org_id, Response.status == "in_progress")
        .with_for_update()
    )
