"""The read-only web view: the plan, milestones, RFCs, diffs, the log and verification
as pages and as JSON, over the same requests and `handle` as the CLI and the bot."""

from web.app import WebApp, create_app
from web.settings import Settings

__all__ = ["Settings", "WebApp", "create_app"]
