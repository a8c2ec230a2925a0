"""A quick command line: help and argument errors load none of the heavy libraries."""

import subprocess
import sys

import pytest

HEAVY = ("sqlalchemy", "sqlmodel", "pydantic", "cryptography", "rich", "events.catalogue")

RUN = """
import sys
sys.argv = ["milestone", *sys.argv[1:]]
from cli.app import main
try:
    main()
except SystemExit:
    pass
print("LOADED", sorted(m for m in sys.modules if m in {heavy!r}))
"""


def _loaded(*words: str) -> str:
    code = RUN.format(heavy=set(HEAVY))
    done = subprocess.run(
        [sys.executable, "-c", code, *words], capture_output=True, text=True, timeout=60
    )
    return done.stdout.rsplit("LOADED", 1)[1].strip()


@pytest.mark.parametrize(
    "words",
    [
        ("--help",),
        ("define", "--help"),
        ("rfc", "approve", "--help"),
        ("import-doc", "--help"),
        ("log", "--since", "soon"),  # refused by the parameter's own converter
    ],
    ids=lambda words: " ".join(words),
)
def test_help_and_argument_errors_load_nothing_heavy(words):
    assert _loaded(*words) == "[]"
