"""Fixtures for the web view's tests: the imported ledger, and the view served over it.

Built once per test module: importing both LDM-564 revisions takes a few seconds, and
no test of the web view writes to the ledger.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from web_harness import Imported, client, import_ldm564, serving

from web import Settings, create_app


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Imported:
    """Both revisions and the hostile additions, in a new SQLite ledger."""
    return import_ldm564(tmp_path_factory.mktemp("web"))


@pytest.fixture(scope="module")
def served(imported: Imported) -> Iterator[str]:
    """The web view of the imported ledger (no access control) on 127.0.0.1: its base URL."""
    app = create_app(Settings(db_url=imported.db_url))
    with serving(app) as base_url:
        yield base_url
    app.close()


@pytest.fixture(scope="module")
def web(served: str) -> Iterator[httpx.Client]:
    """An HTTP client for the served view."""
    with client(served) as http:
        yield http
