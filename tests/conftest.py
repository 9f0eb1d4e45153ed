"""Shared fixtures: a genui app wired to a scripted upstream, served for real on loopback."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from fakes.fixtures import scripted_upstream
from fakes.upstream import ScriptedUpstream
from support import LiveServer, ServerThread, create_key, upstream_settings

__all__ = ["scripted_upstream"]


@pytest.fixture
def make_server(tmp_path: Path, scripted_upstream: ScriptedUpstream) -> Iterator[Callable[..., LiveServer]]:
    """Start a genui server on the scripted upstream with settings overrides; stopped at teardown."""
    stack: list[ServerThread] = []

    def start(**overrides: Any) -> LiveServer:
        settings = upstream_settings(tmp_path / f"data{len(stack)}", scripted_upstream, **overrides)
        key = create_key(settings)
        thread = ServerThread(settings)
        stack.append(thread)
        url = thread.__enter__()
        return LiveServer(settings=settings, url=url, key=key)

    yield start
    for thread in reversed(stack):
        thread.__exit__(None, None, None)


@pytest.fixture
def server(make_server: Callable[..., LiveServer]) -> LiveServer:
    return make_server()
