"""Pytest fixtures for the shared fakes; `tests/conftest.py` imports them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .upstream import ScriptedUpstream


@pytest.fixture
def scripted_upstream() -> Iterator[ScriptedUpstream]:
    """A running scripted OpenAI-compatible upstream on loopback; `base_url` ends in `/v1`."""
    with ScriptedUpstream() as upstream:
        yield upstream
