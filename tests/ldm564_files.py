"""Where the two real LDM-564 revisions live for tests.

They are reference material kept beside the repository (``../shared/ldm564``), never copied
into it, so a checkout without them skips the tests that need them instead of failing.
CI sets ``MILESTONE_REQUIRE_SHARED=1``: there a missing file fails the test instead, so
the tests that prove the import can never be skipped quietly.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

LDM564_DIR = Path(__file__).resolve().parents[2] / "shared" / "ldm564"
REVISION_2018 = "000_cf8cfb32c38b0fd3.txt"
REVISION_2022 = "001_4a9f4198f2391930.txt"


def _missing(message: str) -> None:
    if os.environ.get("MILESTONE_REQUIRE_SHARED") == "1":
        pytest.fail(message + " (MILESTONE_REQUIRE_SHARED=1 forbids skipping)", pytrace=False)
    pytest.skip(message)


def ldm564_dir() -> Path:
    """Return the directory holding the LDM-564 text files, or skip the calling test."""
    if not LDM564_DIR.is_dir():
        _missing("../shared/ldm564 not found: clone with shared/ beside the repository")
    return LDM564_DIR


def read_ldm564(name: str) -> str:
    """Return the text of one LDM-564 file by name, skipping the test if it is absent."""
    path = ldm564_dir() / name
    if not path.is_file():
        _missing(f"../shared/ldm564/{name} not found: clone with shared/ beside the repository")
    return path.read_text(encoding="utf-8")
