"""Request bodies: the depth bound holds at its edge, with the walk skipped or not."""

from __future__ import annotations

import pytest

from genui.api.body import json_object
from genui.errors import ApiError
from genui.service.nesting import MAX_JSON_DEPTH


def _nested(levels: int) -> bytes:
    """An object holding lists: `levels` containers deep."""
    return b'{"a":' + b"[" * (levels - 1) + b"1" + b"]" * (levels - 1) + b"}"


def test_a_body_at_the_bound_is_read_and_one_level_more_is_refused() -> None:
    assert json_object(_nested(MAX_JSON_DEPTH))["a"]
    with pytest.raises(ApiError) as refused:
        json_object(_nested(MAX_JSON_DEPTH + 1))
    assert refused.value.status == 400 and refused.value.param == "a" + "[0]" * 4
