"""The fast canonical encoder writes exactly what the RFC 8785 reference writes."""

from __future__ import annotations

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from events import canonical_bytes

_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1)
    | st.text()  # every code point, controls, U+2028, surrogate-free astral planes
)
_values = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=500, deadline=None)
@given(st.dictionaries(st.text(max_size=12), _values, max_size=8))
def test_canonical_bytes_equal_the_reference_for_any_body(body):
    assert canonical_bytes(body) == rfc8785.dumps(body)


def test_floats_take_the_reference_path_and_unsafe_integers_are_refused_by_it():
    body = {"a": 1.5, "c": "é", "ключ": [0.1, -0.0]}

    assert canonical_bytes(body) == rfc8785.dumps(body)
    with pytest.raises(rfc8785.IntegerDomainError):
        canonical_bytes({"b": 2**53})
