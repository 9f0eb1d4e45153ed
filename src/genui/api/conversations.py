"""The Conversations API at /v1/conversations (and /v1/embed/conversations); every object is org-scoped."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, field_validator

from genui.api.body import parse_body
from genui.api.deps import Principal, get_state, principal
from genui.api.errors import json_response
from genui.errors import ApiError
from genui.service.responses import normalize_input
from genui.store import DuplicateItemError, Page, UnknownCursor

router = APIRouter(tags=["conversations"])
MAX_CREATE_ITEMS = 20
MAX_ADD_ITEMS = 20


def _check_metadata(value: dict[str, str] | None) -> dict[str, str] | None:
    if value is None:
        return None
    if len(value) > 16:
        raise ValueError("at most 16 metadata pairs")
    for key, item in value.items():
        if len(key) > 64 or len(item) > 512:
            raise ValueError("metadata keys are at most 64 characters and values at most 512")
    return value


class CreateConversation(BaseModel):
    model_config = ConfigDict(extra="ignore")
    items: list[Any] | None = Field(default=None, max_length=MAX_CREATE_ITEMS)
    metadata: dict[str, str] | None = None

    _metadata = field_validator("metadata")(_check_metadata)


class UpdateConversation(BaseModel):
    model_config = ConfigDict(extra="ignore")
    metadata: dict[str, str]

    _metadata = field_validator("metadata")(_check_metadata)


class AddItems(BaseModel):
    model_config = ConfigDict(extra="ignore")
    items: list[Any] = Field(min_length=1, max_length=MAX_ADD_ITEMS)


def conversation_not_found(conversation_id: str) -> ApiError:
    return ApiError(
        404, f"Conversation with id '{conversation_id}' not found.", param="conversation_id", code="not_found"
    )


def item_not_found(item_id: str) -> ApiError:
    return ApiError(404, f"Item with id '{item_id}' not found.", param="item_id", code="not_found")


def _list(data: list[dict[str, Any]]) -> dict[str, Any]:
    return Page(data=data, has_more=False).body()


def _duplicate(exc: DuplicateItemError) -> ApiError:
    return ApiError(400, str(exc), param="items", code="invalid_value")


Who = Annotated[Principal, Depends(principal)]


@router.post("/v1/conversations")
@router.post("/v1/embed/conversations", include_in_schema=False)
async def create_conversation(request: Request, who: Who) -> Response:
    body = parse_body(CreateConversation, await request.body(), allow_empty=True)
    items = normalize_input(body.items, "items") if body.items else None
    try:
        conv = await get_state(request).conversations.create(who.org_id, body.metadata or {}, items)
    except DuplicateItemError as exc:
        raise _duplicate(exc) from None
    return json_response(conv.body())


@router.get("/v1/conversations/{conversation_id}")
@router.get("/v1/embed/conversations/{conversation_id}", include_in_schema=False)
async def get_conversation(request: Request, conversation_id: str, who: Who) -> Response:
    conv = await get_state(request).conversations.get(conversation_id, who.org_id)
    if conv is None:
        raise conversation_not_found(conversation_id)
    return json_response(conv.body())


@router.post("/v1/conversations/{conversation_id}")
@router.post("/v1/embed/conversations/{conversation_id}", include_in_schema=False)
async def update_conversation(request: Request, conversation_id: str, who: Who) -> Response:
    body = parse_body(UpdateConversation, await request.body())
    conv = await get_state(request).conversations.update(conversation_id, who.org_id, body.metadata)
    if conv is None:
        raise conversation_not_found(conversation_id)
    return json_response(conv.body())


@router.delete("/v1/conversations/{conversation_id}")
@router.delete("/v1/embed/conversations/{conversation_id}", include_in_schema=False)
async def delete_conversation(request: Request, conversation_id: str, who: Who) -> Response:
    if not await get_state(request).conversations.delete(conversation_id, who.org_id):
        raise conversation_not_found(conversation_id)
    return json_response({"id": conversation_id, "object": "conversation.deleted", "deleted": True})


@router.post("/v1/conversations/{conversation_id}/items")
@router.post("/v1/embed/conversations/{conversation_id}/items", include_in_schema=False)
async def add_items(request: Request, conversation_id: str, who: Who) -> Response:
    body = parse_body(AddItems, await request.body())
    items = normalize_input(body.items, "items")
    try:
        added = await get_state(request).conversations.add_items(conversation_id, who.org_id, items)
    except DuplicateItemError as exc:
        raise _duplicate(exc) from None
    if added is None:
        raise conversation_not_found(conversation_id)
    return json_response(_list(added))


@router.get("/v1/conversations/{conversation_id}/items")
@router.get("/v1/embed/conversations/{conversation_id}/items", include_in_schema=False)
async def list_items(
    request: Request,
    conversation_id: str,
    who: Who,
    after: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    order: Annotated[Literal["asc", "desc"], Query()] = "desc",
) -> Response:
    try:
        page = await get_state(request).conversations.list_items(
            conversation_id, who.org_id, after=after, limit=limit, order=order
        )
    except UnknownCursor:
        raise ApiError(
            400, f"No item with id '{after}' in this conversation.", param="after", code="invalid_value"
        ) from None
    if page is None:
        raise conversation_not_found(conversation_id)
    return json_response(page.body())


@router.get("/v1/conversations/{conversation_id}/items/{item_id}")
@router.get("/v1/embed/conversations/{conversation_id}/items/{item_id}", include_in_schema=False)
async def get_item(request: Request, conversation_id: str, item_id: str, who: Who) -> Response:
    conversations = get_state(request).conversations
    item = await conversations.get_item(conversation_id, who.org_id, item_id)
    if item is None:
        if await conversations.get(conversation_id, who.org_id) is None:
            raise conversation_not_found(conversation_id)
        raise item_not_found(item_id)
    return json_response(item)


@router.delete("/v1/conversations/{conversation_id}/items/{item_id}")
@router.delete("/v1/embed/conversations/{conversation_id}/items/{item_id}", include_in_schema=False)
async def delete_item(request: Request, conversation_id: str, item_id: str, who: Who) -> Response:
    conversations = get_state(request).conversations
    conv = await conversations.delete_item(conversation_id, who.org_id, item_id)
    if conv is None:
        if await conversations.get(conversation_id, who.org_id) is None:
            raise conversation_not_found(conversation_id)
        raise item_not_found(item_id)
    return json_response(conv.body())
