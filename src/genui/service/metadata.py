"""Request `metadata`: OpenAI's size caps, and the `thesys` key (the C1 API's UI options, a JSON string)."""

from __future__ import annotations

from genui.errors import ApiError
from genui.ui import ThesysMetadata, parse_thesys_metadata

MAX_METADATA_PAIRS = 16
MAX_METADATA_KEY = 64
MAX_METADATA_VALUE = 512


def check_metadata(value: dict[str, str] | None) -> dict[str, str] | None:
    """OpenAI's limits on `metadata` (a pydantic field validator: a ValueError becomes a 400 naming it)."""
    if value is None:
        return None
    if len(value) > MAX_METADATA_PAIRS:
        raise ValueError(f"at most {MAX_METADATA_PAIRS} metadata pairs")
    for key, item in value.items():
        if len(key) > MAX_METADATA_KEY or len(item) > MAX_METADATA_VALUE:
            raise ValueError(
                f"metadata keys are at most {MAX_METADATA_KEY} characters and values at most "
                f"{MAX_METADATA_VALUE}"
            )
    return value


def thesys_of(metadata: dict[str, str] | None) -> ThesysMetadata | None:
    """`metadata.thesys`, a JSON string per the C1 API; malformed is a 400 naming the param."""
    if not metadata or "thesys" not in metadata:
        return None
    try:
        return parse_thesys_metadata(metadata["thesys"])
    except ValueError as exc:
        raise ApiError(
            400, f"Invalid 'metadata.thesys': {exc}", param="metadata.thesys", code="invalid_value"
        ) from None
