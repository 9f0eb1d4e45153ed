"""The Conversations API: org-scoped conversations and their items (the routes parse, this decides and
writes; an unknown id is a 404 whether it does not exist or belongs to another organization)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, field_validator

from genui.errors import ApiError
from genui.service.accounting import Caller
from genui.service.items import normalize_input
from genui.service.pages import page_or_error
from genui.service.params import STRICT, check_metadata
from genui.store import ConversationRecord, ConversationRepository, DuplicateItemError, Page, PageQuery

MAX_CREATE_ITEMS = 20
MAX_ADD_ITEMS = 20


class CreateConversation(BaseModel):
    model_config = STRICT
    items: list[Any] | None = Field(default=None, max_length=MAX_CREATE_ITEMS)
    metadata: dict[str, str] | None = None

    _metadata = field_validator("metadata")(check_metadata)


class UpdateConversation(BaseModel):
    model_config = STRICT
    metadata: dict[str, str]

    _metadata = field_validator("metadata")(check_metadata)


class AddItems(BaseModel):
    model_config = STRICT
    items: list[Any] = Field(min_length=1, max_length=MAX_ADD_ITEMS)


def conversation_not_found(conversation_id: str) -> ApiError:
    return ApiError(
        404, f"Conversation with id '{conversation_id}' not found.", param="conversation_id", code="not_found"
    )


def item_not_found(item_id: str) -> ApiError:
    return ApiError(404, f"Item with id '{item_id}' not found.", param="item_id", code="not_found")


def conversation_full(limit: int, param: str) -> ApiError:
    return ApiError(
        400,
        f"The conversation is full: it holds at most {limit} items. Start a new conversation.",
        param=param,
        code="conversation_full",
    )


def _duplicate(exc: DuplicateItemError) -> ApiError:
    return ApiError(400, str(exc), param="items", code="invalid_value")


class ConversationService:
    def __init__(self, conversations: ConversationRepository, *, max_items: int) -> None:
        self.conversations = conversations
        self.max_items = max_items

    async def create(self, body: CreateConversation, caller: Caller) -> ConversationRecord:
        items = normalize_input(body.items, "items") if body.items else None
        if items and len(items) > self.max_items:
            raise conversation_full(self.max_items, "items")
        try:
            return await self.conversations.create(caller.org_id, body.metadata or {}, items)
        except DuplicateItemError as exc:
            raise _duplicate(exc) from None

    async def get(self, conversation_id: str, caller: Caller) -> ConversationRecord:
        conv = await self.conversations.get(conversation_id, caller.org_id)
        if conv is None:
            raise conversation_not_found(conversation_id)
        return conv

    async def update(
        self, conversation_id: str, body: UpdateConversation, caller: Caller
    ) -> ConversationRecord:
        conv = await self.conversations.update(conversation_id, caller.org_id, body.metadata)
        if conv is None:
            raise conversation_not_found(conversation_id)
        return conv

    async def delete(self, conversation_id: str, caller: Caller) -> None:
        if not await self.conversations.delete(conversation_id, caller.org_id):
            raise conversation_not_found(conversation_id)

    async def add_items(self, conversation_id: str, body: AddItems, caller: Caller) -> Page:
        items = normalize_input(body.items, "items")
        await self.get(conversation_id, caller)  # a 404 first: the count below is not scoped by organization
        if await self.conversations.count_items(conversation_id) + len(items) > self.max_items:
            raise conversation_full(self.max_items, "items")
        try:
            added = await self.conversations.add_items(conversation_id, caller.org_id, items)
        except DuplicateItemError as exc:
            raise _duplicate(exc) from None
        if added is None:
            raise conversation_not_found(conversation_id)
        return Page(data=added, has_more=False)

    async def list_items(self, conversation_id: str, caller: Caller, page: PageQuery) -> Page:
        return await page_or_error(
            self.conversations.list_items(conversation_id, caller.org_id, page),
            page=page,
            where="item with id '{after}' in this conversation",
            missing=conversation_not_found(conversation_id),
        )

    async def get_item(self, conversation_id: str, item_id: str, caller: Caller) -> dict[str, Any]:
        item = await self.conversations.get_item(conversation_id, caller.org_id, item_id)
        if item is None:
            raise await self._missing(conversation_id, item_id, caller)
        return item

    async def delete_item(self, conversation_id: str, item_id: str, caller: Caller) -> ConversationRecord:
        conv = await self.conversations.delete_item(conversation_id, caller.org_id, item_id)
        if conv is None:
            raise await self._missing(conversation_id, item_id, caller)
        return conv

    async def _missing(self, conversation_id: str, item_id: str, caller: Caller) -> ApiError:
        """Which of the two is unknown: the conversation, or the item in it."""
        if await self.conversations.get(conversation_id, caller.org_id) is None:
            return conversation_not_found(conversation_id)
        return item_not_found(item_id)
