"""The `compaction` item: what `POST /v1/responses/compact` seals into `encrypted_content`, and the message it
restores for the model when a client sends the item back as input.

`encrypted_content` is self-contained and versioned: `gcmp1.` + base64url(zlib(JSON)) + `.` + base64url(the
first 16 bytes of SHA-256 over the compressed bytes). The JSON is `{"v": 1, "items": N, "text": summary}`. It
is neither encrypted nor signed, by choice: it holds only text of the client's own conversation, and the model
reads it as a user-role message, so a forged item gains nothing the client could not send as a plain message
(a server secret would also have to be shared by every process and survive restarts). The digest catches
corruption and truncation; sizes are bounded both ways (the summary when sealing, the text when opening).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import zlib
from typing import Any

import orjson

from genui.errors import ApiError
from genui.store.ids import new_id

VERSION = 1
PREFIX = f"gcmp{VERSION}."
DIGEST_BYTES = 16
# Bounds: the summary a compaction writes (characters), and what opening one accepts (sealed, inflated).
MAX_SUMMARY_CHARS = 64_000
MAX_SEALED_CHARS = 400_000
MAX_OPENED_BYTES = 4 * MAX_SUMMARY_CHARS + 1024
SUMMARY_HEADING = "Summary of the earlier part of this conversation (compacted):"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def seal(text: str, items: int) -> str:
    """The `encrypted_content` of a compaction summarizing `items` items as `text`."""
    packed = zlib.compress(orjson.dumps({"v": VERSION, "items": items, "text": text}), 6)
    return PREFIX + _b64(packed) + "." + _b64(hashlib.sha256(packed).digest()[:DIGEST_BYTES])


def new_item(text: str, items: int) -> dict[str, Any]:
    return {"type": "compaction", "id": new_id("cmp"), "encrypted_content": seal(text, items)}


def opened(content: Any, param: str) -> str:
    """The summary text inside `encrypted_content`, or a 400 naming `param` when it is not one genui made."""

    def bad(why: str) -> ApiError:
        return ApiError(
            400, f"Invalid compaction item: {why}.", param=param, code="invalid_encrypted_content"
        )

    if not isinstance(content, str) or not content.startswith(PREFIX):
        raise bad("its content was not produced by this server's /responses/compact")
    if len(content) > MAX_SEALED_CHARS:
        raise bad("its content is too long")
    body, _, digest = content[len(PREFIX) :].partition(".")
    try:
        packed, expected = _unb64(body), _unb64(digest)
    except (binascii.Error, ValueError):
        raise bad("its content is not base64url") from None
    if hashlib.sha256(packed).digest()[:DIGEST_BYTES] != expected:
        raise bad("its content is corrupted (checksum mismatch)")
    inflate = zlib.decompressobj()
    try:
        raw = inflate.decompress(packed, MAX_OPENED_BYTES)
    except zlib.error:
        raise bad("its content does not decompress") from None
    if inflate.unconsumed_tail or not inflate.eof:
        raise bad("its content is too large or truncated")
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise bad("its content is not JSON") from None
    if not isinstance(data, dict) or data.get("v") != VERSION or not isinstance(data.get("text"), str):
        raise bad(f"unsupported format (this server reads version {VERSION})")
    text: str = data["text"]
    return text


def normalized(raw: dict[str, Any], param: str) -> dict[str, Any]:
    """A client's compaction input item, checked, in the stored shape."""
    opened(raw.get("encrypted_content"), param + ".encrypted_content")
    item_id = raw.get("id")
    return {
        "type": "compaction",
        "id": item_id if isinstance(item_id, str) and item_id else new_id("cmp"),
        "encrypted_content": raw["encrypted_content"],
    }


def summary_text(item: dict[str, Any]) -> str:
    """The summary a stored compaction item holds (it was checked when it came in)."""
    return opened(item.get("encrypted_content"), "input")


def as_message(item: dict[str, Any]) -> dict[str, Any]:
    """The chat message a compaction item restores: the summary, read as the client's own words."""
    return {"role": "user", "content": SUMMARY_HEADING + "\n\n" + summary_text(item)}
