"""Where the two real LDM-564 revisions live for tests.

They are reference material kept beside the repository (``../shared/ldm564``), never copied
into it, so a checkout without them skips the tests that need them instead of failing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

LDM564_DIR = Path(__file__).resolve().parents[2] / "shared" / "ldm564"
REVISION_2018 = "000_cf8cfb32c38b0fd3.txt"
REVISION_2022 = "001_4a9f4198f2391930.txt"


def ldm564_dir() -> Path:
    """Return the directory holding the LDM-564 text files, or skip the calling test."""
    if not LDM564_DIR.is_dir():
        pytest.skip("../shared/ldm564 not found: clone with shared/ beside the repository")
    return LDM564_DIR


def read_ldm564(name: str) -> str:
    """Return the text of one LDM-564 file by name, skipping the test if it is absent."""
    path = ldm564_dir() / name
    if not path.is_file():
        pytest.skip(f"../shared/ldm564/{name} not found: clone with shared/ beside the repository")
    return path.read_text(encoding="utf-8")
