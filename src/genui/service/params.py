"""What every endpoint's request model shares: strict types, OpenAI's caps on `metadata`, and its `thesys` key
(the C1 API's UI options, a JSON string)."""

from __future__ import annotations

import logging
from typing import Any

import orjson
from pydantic import BaseModel, ConfigDict, Field

from genui.errors import ApiError
from genui.service.nesting import MAX_JSON_DEPTH, too_deep
from genui.ui import Catalog, ThesysMetadata, parse_thesys_metadata

log = logging.getLogger("genui.params")
# Request models validate strictly, as OpenAI does: `"stream": "yes"` is not a boolean nor `1` a string.
STRICT = ConfigDict(strict=True, extra="ignore")
MAX_METADATA_PAIRS = 16
MAX_METADATA_KEY = 64
MAX_METADATA_VALUE = 512
# The C1 options are a JSON document (custom component schemas): OpenAI's 512-character value cap would
# refuse most of them, so this key is bounded by the UI core's own limit instead.
THESYS_KEY = "thesys"


class FunctionSpec(BaseModel):
    """A function tool as both APIs declare it: name, description and JSON Schema parameters."""

    model_config = STRICT
    name: str = Field(min_length=1, max_length=64, pattern=r"^[a-zA-Z0-9_-]+$")
    description: str | None = None
    parameters: dict[str, Any] | None = None
    strict: bool | None = None


def check_metadata(value: dict[str, str] | None, *, exempt: tuple[str, ...] = ()) -> dict[str, str] | None:
    """OpenAI's limits on `metadata`: 16 pairs, keys of 64 characters, values of 512 (the `exempt` keys'
    values excepted). A pydantic field validator: the ValueError becomes a 400 naming `metadata`."""
    if value is None:
        return None
    if len(value) > MAX_METADATA_PAIRS:
        raise ValueError(f"at most {MAX_METADATA_PAIRS} metadata pairs")
    for key, item in value.items():
        if len(key) > MAX_METADATA_KEY or (len(item) > MAX_METADATA_VALUE and key not in exempt):
            raise ValueError(
                f"metadata keys are at most {MAX_METADATA_KEY} characters and values at most "
                f"{MAX_METADATA_VALUE}"
            )
    return value


def check_request_metadata(value: dict[str, str] | None) -> dict[str, str] | None:
    """`metadata` of a chat completion or a response: OpenAI's limits, the `thesys` value excepted."""
    return check_metadata(value, exempt=(THESYS_KEY,))


def _invalid(reason: str) -> ApiError:
    message = f"Invalid 'metadata.thesys': {reason}"
    return ApiError(400, message, param="metadata.thesys", code="invalid_value")


def thesys_of(metadata: dict[str, str] | None) -> ThesysMetadata | None:
    """`metadata.thesys`, parsed and compiled into a catalog now: anything in it the UI core cannot use
    (malformed JSON, deep nesting, a custom schema with a dangling `$ref`, `properties` that is not an
    object, a `pattern` that is not a regular expression, ...) is the client's error, a 400 naming it."""
    if not metadata or THESYS_KEY not in metadata:
        return None
    raw = metadata[THESYS_KEY]
    try:
        parsed = orjson.loads(raw) if raw.strip() else {}
    except orjson.JSONDecodeError:
        parsed = None  # the UI core's parser says what is wrong with it, below
    if parsed is not None and too_deep(parsed) is not None:
        raise _invalid(f"it nests deeper than {MAX_JSON_DEPTH} levels")
    try:
        meta = parse_thesys_metadata(raw)
    except (ValueError, RecursionError) as exc:
        raise _invalid(str(exc) if isinstance(exc, ValueError) else "it nests too deeply") from None
    try:
        Catalog.default().with_thesys(meta)  # cached: the turn's own catalog comes from the same cache
    except Exception as exc:  # the compiler's failure on client-written schemas: a KeyError, TypeError, ...
        log.info("metadata.thesys does not compile", exc_info=exc)
        detail = f"{type(exc).__name__}: {str(exc)[:120]}"
        raise _invalid(f"a custom component or action schema cannot be used ({detail})") from None
    return meta
