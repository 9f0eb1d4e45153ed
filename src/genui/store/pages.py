"""Cursor pagination shared by conversation items and response input items."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Order = Literal["asc", "desc"]


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
