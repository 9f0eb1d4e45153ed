"""`metadata.thesys` (a JSON string on the request, c1-wire-format.md §7) parsed into a typed object."""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .schema import is_valid_name

MAX_METADATA_CHARS = 64_000
MAX_CUSTOM = 32


class ThesysMetadata(BaseModel):
    """Catalog-shaping keys of `metadata.thesys`; unknown keys are ignored (clients send more)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    c1_custom_components: dict[str, dict[str, Any]] = Field(default_factory=dict, max_length=MAX_CUSTOM)
    c1_custom_actions: dict[str, dict[str, Any]] = Field(default_factory=dict, max_length=MAX_CUSTOM)
    c1_included_components: tuple[str, ...] = Field(default=(), max_length=64)
    c1_excluded_components: tuple[str, ...] = Field(default=(), max_length=64)
    # Artifacts (/v1/artifact): "c1app" is read so that the route can refuse it by name (not built yet).
    c1_artifact_type: Literal["slides", "report", "c1app"] | None = None
    id: str | None = Field(default=None, min_length=1, max_length=200)
    is_edit: bool = False
    # genui's option (docs/artifacts.md): "diff" = the client holds the base, answer a v1 edit with
    # <artifact_diff> ops instead of the full artifact.
    artifact_edit_format: Literal["full", "diff"] = "full"

    @field_validator("c1_custom_components", "c1_custom_actions")
    @classmethod
    def _names_are_identifiers(cls, value: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        for name in value:
            if not is_valid_name(name):
                raise ValueError(f"custom name {name[:40]!r} must match [A-Za-z][A-Za-z0-9_]*")
        return value

    def cache_key(self) -> str:
        """Canonical JSON of the catalog-shaping keys (catalogs are cached by it)."""
        return json.dumps(
            self.model_dump(include={"c1_custom_components", "c1_custom_actions", "c1_included_components",
                                     "c1_excluded_components"}),
            sort_keys=True,
        )  # fmt: skip


def parse_thesys_metadata(raw: str | dict[str, Any]) -> ThesysMetadata:
    """Parse `metadata.thesys` (normally a JSON string). ValueError with a short reason on bad input."""
    if isinstance(raw, str):
        if len(raw) > MAX_METADATA_CHARS:
            raise ValueError(f"metadata.thesys is longer than {MAX_METADATA_CHARS} characters")
        try:
            data = json.loads(raw) if raw.strip() else {}
        except json.JSONDecodeError as exc:
            raise ValueError(f"metadata.thesys is not valid JSON: {exc.msg}") from None
    else:
        data = raw
    if not isinstance(data, dict):
        raise ValueError("metadata.thesys must be a JSON object")
    try:
        return ThesysMetadata.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise ValueError(f"metadata.thesys.{where}: {first.get('msg', 'invalid')}") from None
