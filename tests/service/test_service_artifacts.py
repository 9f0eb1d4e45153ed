"""The artifact endpoint's model names."""

from __future__ import annotations

import pytest

from genui.config import Settings
from genui.models.registry import ModelRegistry
from genui.service.artifacts import resolve_model


@pytest.mark.parametrize("name", ["c1/artifact/v-20250101", "c1/any/model/v-20240202", "someone/any-model-7"])
def test_artifact_names_answer_under_their_name_and_count_under_the_default(name: str) -> None:
    """The artifact endpoint takes an artifact, pinned or author/model name the registry does not know:
    the answer carries it, while the metrics' label stays the configured default (a bounded set)."""
    registry = ModelRegistry.from_settings(Settings())
    resolved = resolve_model(registry, name)
    assert resolved.name == name
    assert resolved.configured_name == registry.default_name
