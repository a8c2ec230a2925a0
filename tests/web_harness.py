"""Helpers for the web view's tests: a ledger with the real LDM-564 revisions, served.

The fixtures are in `web_fixtures` (a pytest plugin the web test modules name in
`pytest_plugins`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from click.testing import Result
from ldm564_files import REVISION_2018, REVISION_2022, ldm564_dir
from typer.testing import CliRunner

from cli.app import app as cli_app
from ledger.ledger import Ledger
from ledger.signing import generate_key_file
from web.server import Server

HOSTILE_TITLE = "<script>alert(1)</script>"
HOSTILE_RFC_TITLE = "<img src=x onerror=alert(2)> & friends"
HOSTILE_CODE = "DM-EVIL-1"
HOSTILE_RFC = "RFC-900"


@dataclass
class Imported:
    """A ledger holding both LDM-564 revisions and the hostile additions."""

    db_url: str
    key: Path

    def cli(self, *args: str) -> Result:
        """Run `milestone ARGS` against the ledger as alice; it must succeed."""
        result = CliRunner().invoke(cli_app, ["--db", self.db_url, "--key", str(self.key), *args])
        assert result.exit_code == 0, result.output
        return result

    def cli_json(self, *args: str) -> Any:
        """What `milestone ARGS --json` prints, parsed."""
        return json.loads(self.cli(*args, "--json").stdout)


def import_ldm564(folder: Path) -> Imported:
    """A new ledger in `folder` with both revisions imported through the CLI (from
    ../shared/ldm564, never copied here), then a hostile RFC and milestone under change
    control, so that every page has something that must stay text."""
    documents = ldm564_dir()
    key = folder / "keys" / "alice.pem"
    signer = generate_key_file(key)
    url = f"sqlite:///{folder / 'milestones.db'}"
    Ledger.create(url, name="LDM-564", signer=signer, actor="alice").close()
    ledger = Imported(url, key)
    ledger.cli("import-doc", str(documents / REVISION_2018))
    ledger.cli("import-doc", str(documents / REVISION_2022))
    ledger.cli("rfc", "open", HOSTILE_RFC, HOSTILE_RFC_TITLE)
    ledger.cli(
        "define", HOSTILE_CODE, HOSTILE_TITLE, "--due", "2031-01-31", "--level", "3",
        "--rfc", HOSTILE_RFC,
    )  # fmt: skip
    ledger.cli("depend", HOSTILE_CODE, "--on", "DM-AP-18", "--rfc", HOSTILE_RFC)
    ledger.cli("rfc", "approve", HOSTILE_RFC, "--version", "9.0")
    return ledger


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """`app` under uvicorn on 127.0.0.1 (any free port): its base URL, while it lasts."""
    server = Server(app, host="127.0.0.1", port=0).start()
    try:
        yield server.url.rstrip("/")
    finally:
        server.stop()


def client(base_url: str) -> httpx.Client:
    """An HTTP client for a served view; it does not follow redirects (tests look at them)."""
    return httpx.Client(base_url=base_url, follow_redirects=False, timeout=30)
