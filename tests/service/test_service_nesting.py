"""The depth bound on client JSON: the bracket count that lets a usual body skip the walk never says no to a
value that nests too deep."""

from __future__ import annotations

from typing import Any

import orjson
from hypothesis import given
from hypothesis import strategies as st

from genui.service.nesting import may_nest_deeper, too_deep

leaves = (
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.text(alphabet='ab{[]}"\\ ', max_size=6)
)
values = st.recursive(
    leaves,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(alphabet="k{[", max_size=3), inner, max_size=3)
    ),
    max_leaves=30,
)


@given(values, st.integers(min_value=1, max_value=6))
def test_the_bracket_count_never_misses_a_value_too_deep(value: Any, limit: int) -> None:
    if too_deep(value, limit) is not None:
        assert may_nest_deeper(orjson.dumps(value), limit)


def test_the_bracket_count_lets_a_flat_body_skip_the_walk() -> None:
    body = orjson.dumps({"model": "m", "messages": [{"role": "user", "content": "[[[{{{"}]})
    assert not may_nest_deeper(body, 9)
    assert may_nest_deeper(body, 3)  # the brackets inside the string count too
