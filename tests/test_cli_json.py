"""`--json` output and `/api/`: written by orjson, the text the standard library writes."""

from __future__ import annotations

import json

import pytest

from ledger.data import as_json


@pytest.mark.parametrize(
    "value",
    [
        {"a": [], "b": {}, "c": [1, {"d": None}], "e": 'é\u2028\x7f\x1b"\\', "f": 1.5, "g": True},
        {"big": 2**70, "float": 1e16},
        {1: "a key that is not text"},
        [],
        "text",
    ],
    ids=["nested", "big numbers", "number key", "empty", "text"],
)
def test_json_output_is_what_the_standard_library_writes(value):
    assert as_json(value) == json.dumps(value, indent=2, ensure_ascii=False)
