"""Cursor pagination shared by conversation items and response input items."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from genui.store.tables import ConversationItem, ResponseItem

Order = Literal["asc", "desc"]


@dataclass(frozen=True, slots=True)
class PageQuery:
    """Which page of a list: at most `limit` items after the one with id `after`, in `order` of position."""

    after: str | None = None
    limit: int = 20
    order: Order = "desc"


FIRST_PAGE = PageQuery()


class UnknownCursor(LookupError):
    """`after` names an item that is not in the list."""


@dataclass(frozen=True, slots=True)
class Page:
    data: list[dict[str, Any]]
    has_more: bool

    @property
    def first_id(self) -> str | None:
        return str(self.data[0]["id"]) if self.data else None

    @property
    def last_id(self) -> str | None:
        return str(self.data[-1]["id"]) if self.data else None

    def body(self) -> dict[str, Any]:
        return {
            "object": "list",
            "data": self.data,
            "first_id": self.first_id,
            "last_id": self.last_id,
            "has_more": self.has_more,
        }


async def read_page(
    session: AsyncSession,
    table: type[ConversationItem] | type[ResponseItem],
    scope: Sequence[ColumnElement[bool]],
    page: PageQuery,
) -> Page:
    """One page of the items of `table`'s rows in `scope`, by their position (both item tables keep the item,
    its id and its position under the same names)."""
    item, position, item_id = table.item, table.position, table.item_id
    if page.after is not None:
        cursor = await session.scalar(select(position).where(*scope, item_id == page.after))
        if cursor is None:
            raise UnknownCursor(page.after)
        scope = [*scope, position > cursor if page.order == "asc" else position < cursor]
    ordered = position.asc() if page.order == "asc" else position.desc()
    query = select(item).where(*scope).order_by(ordered).limit(page.limit + 1)
    data = list((await session.scalars(query)).all())
    return Page(data=data[: page.limit], has_more=len(data) > page.limit)
