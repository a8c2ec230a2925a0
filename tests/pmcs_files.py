"""Where the two real P6 exports of Rubin's schedule live for tests.

Like the LDM-564 revisions (see ``ldm564_files.py``), they are kept beside the repository in
``../shared/pmcs``, never copied into it; a checkout without them skips the tests that need
them, unless ``MILESTONE_REQUIRE_SHARED=1`` (CI) makes that a failure.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PMCS_DIR = Path(__file__).resolve().parents[2] / "shared" / "pmcs"
EXPORT_2018 = "201802-ME.csv"
EXPORT_2019 = "201904-ME.xls"


def pmcs_path(name: str) -> Path:
    """Return the path of one export by name, skipping the test if it is absent."""
    path = PMCS_DIR / name
    if not path.is_file():
        message = f"../shared/pmcs/{name} not found: clone with shared/ beside the repository"
        if os.environ.get("MILESTONE_REQUIRE_SHARED") == "1":
            pytest.fail(message + " (MILESTONE_REQUIRE_SHARED=1 forbids skipping)", pytrace=False)
        pytest.skip(message)
    return path
