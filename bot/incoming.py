"""What Slack sends the bot, read from verified payloads: a slash command and a click.

The ids come from the request Slack signed, never from display names; the
idempotency keys come from what Slack sends again when it redelivers.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.words import actor_of


@dataclass(frozen=True)
class SlashRequest:
    """A verified `/milestone` request: who asked, what they typed, and a key for retries."""

    team_id: str
    user_id: str
    text: str
    idem: str
    channel_id: str | None = None  # where it was typed: where a chart is uploaded

    @classmethod
    def from_body(cls, body: Mapping[str, Any]) -> SlashRequest:
        """Read a slash command's form fields (already checked against Slack's signature).

        The idempotency key is the request's `trigger_id`, which Slack sends
        unchanged when it retries a delivery and anew for every command typed.
        """
        team_id = str(body.get("team_id") or "")
        user_id = str(body.get("user_id") or "")
        trigger = str(body.get("trigger_id") or "")
        if not trigger:
            # No trigger id (not seen from Slack): the request itself is what a retry repeats.
            fields = json.dumps(sorted((k, str(v)) for k, v in body.items()))
            trigger = hashlib.sha256(fields.encode()).hexdigest()[:32]
        actor_of(team_id, user_id)  # refuse malformed ids before anything runs
        channel = str(body.get("channel_id") or "") or None
        text = str(body.get("text") or "")
        return cls(team_id, user_id, text, f"slack/{team_id}/{trigger}", channel)

    @property
    def actor(self) -> str:
        """The ledger actor: `slack:TEAM/USER`."""
        return actor_of(self.team_id, self.user_id)


@dataclass(frozen=True)
class Click:
    """A verified click on an approval button."""

    team_id: str
    user_id: str
    value: str
    nonce: str  # unique to this click: names a fresh prompt if one is needed

    @classmethod
    def from_body(cls, body: Mapping[str, Any]) -> Click:
        """Read a block_actions payload."""
        user = body.get("user") or {}
        team = body.get("team") or {}
        team_id = str(team.get("id") or user.get("team_id") or "")
        user_id = str(user.get("id") or "")
        actions = body.get("actions") or [{}]
        value = str(actions[0].get("value") or "")
        click = str(body.get("trigger_id") or actions[0].get("action_ts") or "")
        actor_of(team_id, user_id)
        return cls(team_id, user_id, value, f"slack/{team_id}/{click}")

    @property
    def actor(self) -> str:
        """The ledger actor: `slack:TEAM/USER`."""
        return actor_of(self.team_id, self.user_id)
