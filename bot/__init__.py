"""The Slack bot: `/milestone` in a channel issues and queries the same signed events.

`create_app(settings)` builds the Bolt app; `Settings.from_env` reads its
configuration; `bot.server` serves it over HTTP or Socket Mode; the
`Announcer` posts every change to the configured channel once.
"""

from bot.announcer import Announcer
from bot.app import Bot, build, build_announcer, create_app
from bot.settings import ConfigError, Settings

__all__ = ["Announcer", "Bot", "ConfigError", "Settings", "build", "build_announcer", "create_app"]
