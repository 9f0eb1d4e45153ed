"""The Conversations API routes at /v1/conversations (and /v1/embed/conversations): parse, call
`ConversationService`, frame as JSON."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from genui.api.body import read_body
from genui.api.deps import PageParams, Who, get_state
from genui.api.errors import json_response
from genui.api.openapi import READ, WRITE, errors, json_body
from genui.service.conversations import AddItems, ConversationService, CreateConversation, UpdateConversation

router = APIRouter(tags=["conversations"])


def service(request: Request) -> ConversationService:
    return get_state(request).conversations


@router.post(
    "/v1/conversations", openapi_extra=json_body(CreateConversation, required=False), responses=errors(*WRITE)
)
@router.post("/v1/embed/conversations", include_in_schema=False)
async def create_conversation(request: Request, who: Who) -> Response:
    body = await read_body(request, CreateConversation, allow_empty=True)
    return json_response((await service(request).create(body, who)).body())


@router.get("/v1/conversations/{conversation_id}", responses=errors(*READ))
@router.get("/v1/embed/conversations/{conversation_id}", include_in_schema=False)
async def get_conversation(request: Request, conversation_id: str, who: Who) -> Response:
    return json_response((await service(request).get(conversation_id, who)).body())


@router.post(
    "/v1/conversations/{conversation_id}",
    openapi_extra=json_body(UpdateConversation),
    responses=errors(*WRITE),
)
@router.post("/v1/embed/conversations/{conversation_id}", include_in_schema=False)
async def update_conversation(request: Request, conversation_id: str, who: Who) -> Response:
    body = await read_body(request, UpdateConversation)
    return json_response((await service(request).update(conversation_id, body, who)).body())


@router.delete("/v1/conversations/{conversation_id}", responses=errors(*READ))
@router.delete("/v1/embed/conversations/{conversation_id}", include_in_schema=False)
async def delete_conversation(request: Request, conversation_id: str, who: Who) -> Response:
    await service(request).delete(conversation_id, who)
    return json_response({"id": conversation_id, "object": "conversation.deleted", "deleted": True})


@router.post(
    "/v1/conversations/{conversation_id}/items", openapi_extra=json_body(AddItems), responses=errors(*WRITE)
)
@router.post("/v1/embed/conversations/{conversation_id}/items", include_in_schema=False)
async def add_items(request: Request, conversation_id: str, who: Who) -> Response:
    body = await read_body(request, AddItems)
    return json_response((await service(request).add_items(conversation_id, body, who)).body())


@router.get("/v1/conversations/{conversation_id}/items", responses=errors(400, *READ))
@router.get("/v1/embed/conversations/{conversation_id}/items", include_in_schema=False)
async def list_items(request: Request, conversation_id: str, who: Who, page: PageParams) -> Response:
    return json_response((await service(request).list_items(conversation_id, who, page)).body())


@router.get("/v1/conversations/{conversation_id}/items/{item_id}", responses=errors(*READ))
@router.get("/v1/embed/conversations/{conversation_id}/items/{item_id}", include_in_schema=False)
async def get_item(request: Request, conversation_id: str, item_id: str, who: Who) -> Response:
    return json_response(await service(request).get_item(conversation_id, item_id, who))


@router.delete("/v1/conversations/{conversation_id}/items/{item_id}", responses=errors(*READ))
@router.delete("/v1/embed/conversations/{conversation_id}/items/{item_id}", include_in_schema=False)
async def delete_item(request: Request, conversation_id: str, item_id: str, who: Who) -> Response:
    return json_response((await service(request).delete_item(conversation_id, item_id, who)).body())
