"""Where the ledger and the key are, as the options and the environment decide.

`settings_from` is the one place the command line reads the environment: the
Typer callback and the direct run of a grammar command (`cli.direct`) both
call it. Nothing here imports Typer.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cli.screen import PLAIN, Screen, screen_of

if TYPE_CHECKING:
    from ledger.ledger import Ledger
    from ledger.signing import Signer

DEFAULT_DB = "sqlite:///milestones.db"
DB_HELP = "the ledger: a file path, or a SQLAlchemy URL  [env MILESTONE_DB_URL]"
KEY_HELP = "your private key file  [env MILESTONE_KEY]"


@dataclass
class Settings:
    """Where the ledger and the key are, as decided by options and environment."""

    db_url: str
    key_path: Path
    screen: Screen = PLAIN

    def open_ledger(self) -> Ledger:
        """Open the ledger (it says how to create one when there is none)."""
        from ledger.ledger import Ledger

        return Ledger.open(self.db_url)

    def load_signer(self) -> Signer:
        """Load the key that signs this user's commands."""
        from ledger.signing import load_key_file

        return load_key_file(self.key_path)


def settings_from(db: str | None, key: Path | None, environ: Mapping[str, str]) -> Settings:
    """The settings of a run from the root `--db` and `--key` (None: not given)."""
    url = db or environ.get("MILESTONE_DB_URL") or DEFAULT_DB
    key_path = key or (
        Path(environ["MILESTONE_KEY"]) if environ.get("MILESTONE_KEY") else default_key_path()
    )
    screen = screen_of(sys.stdout, environ)
    return Settings(db_url=db_url(url), key_path=key_path.expanduser(), screen=screen)


def default_key_path() -> Path:
    """The key file used when neither --key nor MILESTONE_KEY says otherwise."""
    import platformdirs

    return Path(platformdirs.user_config_dir("milestone-ledger")) / "key.pem"


def db_url(value: str) -> str:
    """A database URL from a --db value: a bare path is friendlier to type than a URL."""
    return value if "://" in value else f"sqlite:///{value}"
