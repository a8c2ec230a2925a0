"""The web view's settings: where the ledger is and who may read it, checked at start-up."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ledger.errors import InvalidInput

DEFAULT_DB = "sqlite:///milestones.db"
_HEADER_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")


@dataclass(frozen=True)
class Settings:
    """Everything the web view is configured with.

    `token`, when set, must accompany every request (a bearer token, or the
    cookie a `?token=` link leaves); `trust_header` names the header an
    authenticating proxy in front sets to the signed-in user (a request
    carrying it is let in). With either set, a request needs one of them;
    with neither, anyone who can reach the port may read. `readers` is how
    many requests may read the ledger at once.
    """

    db_url: str = DEFAULT_DB
    token: str | None = None
    trust_header: str | None = None
    readers: int = 4

    @classmethod
    def from_env(cls, env: Mapping[str, str], **overrides: Any) -> Settings:
        """Settings from MILESTONE_DB_URL, MILESTONE_WEB_TOKEN and MILESTONE_WEB_TRUST_HEADER,
        with `overrides` (from options) winning."""

        def get(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        values: dict[str, Any] = {
            "db_url": get("MILESTONE_DB_URL") or DEFAULT_DB,
            "token": get("MILESTONE_WEB_TOKEN"),
            "trust_header": get("MILESTONE_WEB_TRUST_HEADER"),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def __post_init__(self) -> None:
        if self.token is not None and len(self.token) < 16:
            raise InvalidInput(
                "MILESTONE_WEB_TOKEN is too short to guard anything: use at least 16 "
                "characters, e.g. the output of `python3 -c 'import secrets; "
                "print(secrets.token_urlsafe())'`"
            )
        if self.trust_header is not None and not set(self.trust_header) <= _HEADER_CHARS:
            raise InvalidInput(
                f"MILESTONE_WEB_TRUST_HEADER {self.trust_header!r} is not a header name; "
                "name the header your proxy sets, e.g. X-Forwarded-User"
            )
        if self.readers < 1:
            raise InvalidInput("the web view needs at least one reader")

    @property
    def guarded(self) -> bool:
        """Whether requests must show who they are."""
        return self.token is not None or self.trust_header is not None
