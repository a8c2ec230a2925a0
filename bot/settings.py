"""The bot's settings: what it needs from the environment, checked once at start-up."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ledger.errors import LedgerError

DEFAULT_DB = "sqlite:///milestones.db"
#: Slack gives a slash command 3 seconds; keep the rest for the network.
DEFAULT_ACK_BUDGET = 2.0


class ConfigError(LedgerError):
    """The bot is missing a setting it needs, or one is malformed."""

    exit_code = 2


@dataclass(frozen=True)
class Settings:
    """Everything the Slack bot is configured with.

    `api_url` points the Web API client somewhere other than slack.com (tests
    use a local stand-in); `channel` is where changes are announced (none: no
    announcements); `ack_budget` is how long a slash command may work before
    its acknowledgement says "still working" and the answer follows later;
    `announcer_wait` how long the announcer waits for news between looks (new
    events wake it sooner on PostgreSQL; it bounds how long stopping takes);
    `web_url` is the web view's address, which answers too long for one
    message link to.
    """

    bot_token: str
    db_url: str
    bot_key: Path
    signing_secret: str | None = None
    app_token: str | None = None
    api_url: str | None = None
    channel: str | None = None
    ack_budget: float = DEFAULT_ACK_BUDGET
    announcer: str = "slack-announcer"
    announcer_wait: float = 1.0
    web_url: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str], **overrides: Any) -> Settings:
        """Settings from environment variables, with `overrides` (e.g. from options) winning.

        Reads SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_APP_TOKEN,
        MILESTONE_SLACK_API_URL, MILESTONE_SLACK_CHANNEL, MILESTONE_DB_URL,
        MILESTONE_BOT_KEY and MILESTONE_WEB_URL. Raises `ConfigError` naming every
        missing variable, or saying what is wrong with a malformed one.
        """

        def get(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        values: dict[str, Any] = {
            "bot_token": get("SLACK_BOT_TOKEN"),
            "signing_secret": get("SLACK_SIGNING_SECRET"),
            "app_token": get("SLACK_APP_TOKEN"),
            "api_url": get("MILESTONE_SLACK_API_URL"),
            "channel": get("MILESTONE_SLACK_CHANNEL"),
            "db_url": get("MILESTONE_DB_URL") or DEFAULT_DB,
            "bot_key": get("MILESTONE_BOT_KEY"),
            "web_url": get("MILESTONE_WEB_URL"),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        missing = [
            variable
            for variable, field_name in (
                ("SLACK_BOT_TOKEN", "bot_token"),
                ("MILESTONE_BOT_KEY", "bot_key"),
            )
            if not values[field_name]
        ]
        if missing:
            raise ConfigError(
                f"the Slack bot needs {' and '.join(missing)}: SLACK_BOT_TOKEN is the bot "
                "token (xoxb-…) from the Slack app's OAuth page, MILESTONE_BOT_KEY the path of "
                "the bot's private key (see docs/slack.md)"
            )
        values["bot_key"] = Path(values["bot_key"]).expanduser()
        if values["web_url"] is not None:
            values["web_url"] = web_address(values["web_url"])
        return cls(**values)

    def with_changes(self, **changes: Any) -> Settings:
        """A copy with some fields replaced."""
        return replace(self, **changes)

    def require_http(self) -> None:
        """Refuse to serve HTTP without the signing secret every request is checked with."""
        if not self.signing_secret:
            raise ConfigError(
                "HTTP mode needs SLACK_SIGNING_SECRET (Basic Information → App Credentials → "
                "Signing Secret) to check that requests come from Slack; or run "
                "`milestone serve --socket` with SLACK_APP_TOKEN"
            )

    def require_socket(self) -> None:
        """Refuse Socket Mode without an app-level token."""
        if not self.app_token:
            raise ConfigError(
                "Socket Mode needs SLACK_APP_TOKEN, an app-level token (xapp-…) with the "
                "connections:write scope (Basic Information → App-Level Tokens)"
            )
        if not self.app_token.startswith("xapp-"):
            raise ConfigError(
                "SLACK_APP_TOKEN must be an app-level token starting with xapp- (not the bot "
                "token xoxb-…); create one under Basic Information → App-Level Tokens with "
                "the connections:write scope"
            )

    @property
    def api_base(self) -> str | None:
        """The Web API base URL with the trailing slash slack_sdk expects."""
        if not self.api_url:
            return None
        return self.api_url if self.api_url.endswith("/") else self.api_url + "/"


_WEB = re.compile(r"^https?://[^\s<>|\"'`]+$")


def web_address(url: str) -> str:
    """The web view's address as links start with it (no trailing slash), or `ConfigError`."""
    if not _WEB.match(url):
        raise ConfigError(
            f"MILESTONE_WEB_URL {url!r} is not a web address; give the address the web view "
            "is served at, e.g. https://milestones.example.org"
        )
    return url.rstrip("/")
