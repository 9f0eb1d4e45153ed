"""The node judge for the OpenUI tests (slow step): one process for the whole session."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# The tree strategies and the program corpus live with the fast tests; the judge tests reuse them.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "ui" / "openui"))

from judge import Judge


@pytest.fixture(scope="session")
def judge() -> Iterator[Judge]:
    with Judge() as running:
        yield running
