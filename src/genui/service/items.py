"""Responses input items: a client's items checked and normalized to the stored shape, and stored items turned
into the OpenAI chat messages a turn sends upstream (tools and tool choice likewise)."""

from __future__ import annotations

from typing import Any

from genui.errors import ApiError
from genui.service import compaction_item
from genui.store.ids import new_id

MESSAGE_ROLES = ("user", "assistant", "system", "developer")
INPUT_TEXT_TYPES = ("input_text", "output_text", "text")


def _bad(message: str, param: str) -> ApiError:
    return ApiError(400, message, param=param, code="invalid_value")


def text_part(role: str, text: str) -> dict[str, Any]:
    if role == "assistant":
        return {"type": "output_text", "text": text, "annotations": [], "logprobs": []}
    return {"type": "input_text", "text": text}


def _normalize_part(role: str, part: Any, param: str) -> dict[str, Any]:
    if not isinstance(part, dict):
        raise _bad("A content part must be an object.", param)
    kind = part.get("type")
    if kind in INPUT_TEXT_TYPES:
        if not isinstance(part.get("text"), str):
            raise _bad("A text content part needs a string 'text'.", param + ".text")
        return text_part(role, part["text"])
    if kind == "refusal" and role == "assistant" and isinstance(part.get("refusal"), str):
        return {"type": "refusal", "refusal": part["refusal"]}
    if kind == "input_image" and role == "user":
        url = part.get("image_url")
        if not isinstance(url, str):
            raise _bad("input_image needs an 'image_url' (file ids are not supported).", param + ".image_url")
        return {"type": "input_image", "image_url": url, "detail": part.get("detail") or "auto"}
    raise _bad(f"Unsupported content part type {kind!r} for role {role!r}.", param + ".type")


def normalize_item(raw: Any, param: str) -> dict[str, Any]:
    """One client input item -> the stored item shape (with `id` and `status`), or a 400."""
    if not isinstance(raw, dict):
        raise _bad("Each input item must be an object.", param)
    kind = raw.get("type", "message" if "role" in raw else None)
    item_id = raw.get("id")
    if item_id is not None and (not isinstance(item_id, str) or not item_id or len(item_id) > 64):
        raise _bad("An item 'id' must be a non-empty string of at most 64 characters.", param + ".id")
    if kind == "message":
        role = raw.get("role")
        if role not in MESSAGE_ROLES:
            raise _bad(f"Message role must be one of {', '.join(MESSAGE_ROLES)}.", param + ".role")
        content = raw.get("content")
        if isinstance(content, str):
            parts = [text_part(role, content)]
        elif isinstance(content, list):
            parts = [_normalize_part(role, p, f"{param}.content[{i}]") for i, p in enumerate(content)]
        else:
            raise _bad("Message 'content' must be a string or a list of parts.", param + ".content")
        return {
            "type": "message",
            "id": item_id or new_id("msg"),
            "status": "completed",
            "role": role,
            "content": parts,
        }
    if kind == "function_call":
        for key in ("call_id", "name", "arguments"):
            if not isinstance(raw.get(key), str):
                raise _bad(f"function_call needs a string '{key}'.", f"{param}.{key}")
        return {
            "type": "function_call",
            "id": item_id or new_id("fc"),
            "call_id": raw["call_id"],
            "name": raw["name"],
            "arguments": raw["arguments"],
            "status": "completed",
        }
    if kind == "function_call_output":
        output = raw.get("output")
        if not isinstance(raw.get("call_id"), str):
            raise _bad("function_call_output needs a string 'call_id'.", param + ".call_id")
        if isinstance(output, list):
            output = [_normalize_part("user", p, f"{param}.output[{i}]") for i, p in enumerate(output)]
        elif not isinstance(output, str):
            raise _bad(
                "function_call_output 'output' must be a string or a list of parts.", param + ".output"
            )
        return {
            "type": "function_call_output",
            "id": item_id or new_id("fco"),
            "call_id": raw["call_id"],
            "output": output,
            "status": "completed",
        }
    if kind == "compaction":
        return compaction_item.normalized(raw, param)
    raise _bad(
        f"Unsupported input item type {kind!r}: "
        "use message, function_call, function_call_output or compaction.",
        param + ".type",
    )


def normalize_input(raw: str | list[Any] | None, param: str = "input") -> list[dict[str, Any]]:
    if raw is None:
        return []
    if isinstance(raw, str):
        return [normalize_item({"type": "message", "role": "user", "content": raw}, param)]
    return [normalize_item(item, f"{param}[{i}]") for i, item in enumerate(raw)]


def check_call_outputs(
    history: list[dict[str, Any]], items: list[dict[str, Any]], param: str = "input"
) -> None:
    """Each `function_call_output` in `items` answers a `function_call` before it (in `history` or `items`): a
    model cannot read an orphan tool result (OpenAI refuses one too)."""
    calls = {item.get("call_id") for item in history if item.get("type") == "function_call"}
    for i, item in enumerate(items):
        if item["type"] == "function_call":
            calls.add(item["call_id"])
        elif item["type"] == "function_call_output" and item["call_id"] not in calls:
            raise _bad(
                f"No tool call found for function call output with call_id '{item['call_id']}'.",
                f"{param}[{i}].call_id",
            )


def _chat_content(parts: list[dict[str, Any]]) -> str | list[dict[str, Any]]:
    if all(p.get("type") in INPUT_TEXT_TYPES or p.get("type") == "refusal" for p in parts):
        return "".join(str(p.get("text") or p.get("refusal") or "") for p in parts)
    out: list[dict[str, Any]] = []
    for p in parts:
        if p.get("type") == "input_image":
            out.append({"type": "image_url", "image_url": {"url": p["image_url"], "detail": p.get("detail")}})
        else:
            out.append({"type": "text", "text": str(p.get("text") or p.get("refusal") or "")})
    return out


def items_to_messages(items: list[dict[str, Any]], instructions: str | None = None) -> list[dict[str, Any]]:
    """Stored items -> OpenAI chat messages; consecutive function calls join the assistant turn before."""
    messages: list[dict[str, Any]] = []
    if instructions:
        messages.append({"role": "system", "content": instructions})
    for item in items:
        kind = item.get("type")
        if kind == "message":
            messages.append({"role": item["role"], "content": _chat_content(item["content"])})
        elif kind == "function_call":
            call = {
                "id": item["call_id"],
                "type": "function",
                "function": {"name": item["name"], "arguments": item["arguments"]},
            }
            last = messages[-1] if messages else None
            if last is not None and last["role"] == "assistant" and not last.get("_closed"):
                last.setdefault("tool_calls", []).append(call)
                if last.get("content") == "":
                    last["content"] = None
            else:
                messages.append({"role": "assistant", "content": None, "tool_calls": [call]})
        elif kind == "function_call_output":
            output = item["output"]
            text = output if isinstance(output, str) else str(_chat_content(output))
            if messages and messages[-1]["role"] == "assistant":
                messages[-1]["_closed"] = True
            messages.append({"role": "tool", "tool_call_id": item["call_id"], "content": text})
        elif kind == "compaction":
            messages.append(compaction_item.as_message(item))
    for message in messages:
        message.pop("_closed", None)
    return messages


def tools_to_chat(tools: list[dict[str, Any]] | None) -> list[dict[str, Any]] | None:
    if not tools:
        return None
    return [
        {
            "type": "function",
            "function": {
                k: t[k] for k in ("name", "description", "parameters", "strict") if t.get(k) is not None
            },
        }
        for t in tools
    ]


def tool_choice_to_chat(choice: Any) -> Any:
    if isinstance(choice, dict):
        if choice.get("type") == "function" and choice.get("name"):
            return {"type": "function", "function": {"name": choice["name"]}}
        if choice.get("type") == "allowed_tools":
            return choice.get("mode") or "auto"
    return choice
