"""A chat backend for a C1 frontend, answered by genui: the FastAPI backend of the C1 integration guide.

The browser posts `{prompt: {role, content, id}, threadId, responseId}` to `/chat`; this app keeps each
thread's history, asks genui for the next turn through the official `openai` SDK and streams genui's C1
Response back as it arrives, after a think item of its own. Configuration (environment):

    GENUI_BASE_URL  genui's embed endpoint        (default http://127.0.0.1:8000/v1/embed)
    GENUI_API_KEY   a key from `genui keys create` (any string for a `genui serve --no-auth` server)
    GENUI_MODEL     the model                      (default c1-embed-latest: genui's default model)

Run: `uvicorn main:app --port 8001` in this folder (see README.md).
"""

from __future__ import annotations

import os
from typing import Literal

import openai
from fastapi import FastAPI
from openai import AsyncOpenAI
from openai.types.chat import ChatCompletionMessageParam
from pydantic import BaseModel

from genui.sdk.context import get_assistant_message, write_content, write_custom_markdown, write_think_item
from genui.sdk.fast_api import with_c1_response

client = AsyncOpenAI(
    base_url=os.environ.get("GENUI_BASE_URL", "http://127.0.0.1:8000/v1/embed"),
    api_key=os.environ.get("GENUI_API_KEY", "no-key"),
)
MODEL = os.environ.get("GENUI_MODEL", "c1-embed-latest")
SYSTEM_PROMPT = "You are a helpful assistant. Answer with clear, compact UI: cards, tables and charts."


class Prompt(BaseModel):
    role: Literal["user"]
    content: str
    id: str


class ChatRequest(BaseModel):
    prompt: Prompt
    threadId: str
    responseId: str


class StoredMessage(BaseModel):
    id: str
    role: Literal["user", "assistant"]
    content: str  # an assistant turn is the C1 Response as sent to the browser (ephemeral items removed)


# One list of messages per thread, in memory: a real app keeps them in its database.
threads: dict[str, list[StoredMessage]] = {}

app = FastAPI(title="genui chat backend example")


@app.post("/chat")
@with_c1_response()
async def chat(request: ChatRequest) -> None:
    history = threads.setdefault(request.threadId, [])
    messages: list[ChatCompletionMessageParam] = [{"role": "system", "content": SYSTEM_PROMPT}]
    for message in history:
        if message.role == "user":
            messages.append({"role": "user", "content": message.content})
        else:
            messages.append({"role": "assistant", "content": message.content})
    messages.append({"role": "user", "content": request.prompt.content})

    await write_think_item("Thinking", "Asking genui for the answer")  # ephemeral: not stored
    try:
        stream = await client.chat.completions.create(model=MODEL, messages=messages, stream=True)
        async for chunk in stream:
            if chunk.choices and chunk.choices[0].delta.content:
                await write_content(chunk.choices[0].delta.content)
    except openai.APIError as error:
        await write_custom_markdown(f"**genui could not answer:** {error.message}")
        return  # nothing is stored: the user can ask again

    answer = get_assistant_message()["content"]
    history.append(StoredMessage(id=request.prompt.id, role="user", content=request.prompt.content))
    history.append(StoredMessage(id=request.responseId, role="assistant", content=answer))


@app.get("/threads/{thread_id}/messages")
async def thread_messages(thread_id: str) -> list[StoredMessage]:
    return threads.get(thread_id, [])
