"""The `/milestone` command: the words a user typed in, one ledger call, a reply out.

Parsing is the shared grammar's (`ledger.grammar.parse`); running is the
grammar's too, with the verified Slack user as the actor and an idempotency
key derived from the request, so a retried delivery records nothing twice.
Approving an RFC is the one change that asks first: the reply carries a button
(with Slack's confirm dialog), and only the click appends.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from bot import render
from bot.access import LedgerAccess, rfc_states
from bot.render import Reply
from bot.words import actor_of, split
from ledger import commands, grammar, queries
from ledger.errors import Conflict, InvalidInput, LedgerError
from ledger.ledger import Ledger
from ledger.signing import Signer
from ledger.state import Recorded

log = logging.getLogger(__name__)

APPROVE_ACTION = "milestone_rfc_approve"
CANCEL_ACTION = "milestone_rfc_cancel"


@dataclass(frozen=True)
class SlashRequest:
    """A verified `/milestone` request: who asked, what they typed, and a key for retries."""

    team_id: str
    user_id: str
    text: str
    idem: str

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
        return cls(team_id, user_id, str(body.get("text") or ""), f"slack/{team_id}/{trigger}")

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


@dataclass(frozen=True)
class Job:
    """A parsed command, to run against the ledger on a worker thread."""

    name: str
    writes: bool
    run: Callable[[], Reply]


def _no_signer() -> Signer:
    raise InvalidInput("a read needs no key")  # reads never sign; reaching this is a bug


class Slash:
    """Answers `/milestone` requests and approval clicks against one ledger."""

    def __init__(self, access: LedgerAccess) -> None:
        self.access = access

    def prepare(self, request: SlashRequest) -> Reply | Job:
        """Parse a request: a reply at once (help, a parse error) or a job for the ledger."""
        try:
            words = split(request.text, team_id=request.team_id)
            if not words or words[0] == "help":
                if len(words) > 1:
                    return render.help_one(grammar.find(words[1:])[0])
                return render.help_all(grammar.COMMANDS)
            command, values = grammar.parse(words)
            if str(values.get("actor", "")).startswith("@"):
                raise InvalidInput(
                    f"Slack sent {values['actor']} as plain text, not as a user id: mention the "
                    "person (pick them from the list as you type @), or write "
                    "slack:TEAM/USER. If mentions never work, turn on 'Escape channels, users, "
                    "and links' for /milestone in the Slack app (docs/slack.md)"
                )
        except LedgerError as error:
            return render.error(str(error))
        except Exception:
            log.exception("could not parse a /milestone request")
            return render.error("the bot could not read that command (it is logged); try `help`")
        if command.path == ("rfc", "approve"):
            # Approving asks first: the job only reads, and shows the button that approves.
            rfc, version = values["rfc"], values.get("version")
            prompt = partial(self._prompt, rfc, version, request.idem)
            return Job(command.name, False, partial(self._guarded, prompt))
        run = partial(self._run, command, values, request)
        return Job(command.name, command.writes, partial(self._guarded, run))

    def approve(self, click: Click) -> Reply:
        """Approve the RFC a confirmed button names, once however often it is clicked."""
        return self._guarded(lambda: self._approve(click))

    # --- running ------------------------------------------------------------------------------

    def _guarded(self, answer: Callable[[], Reply]) -> Reply:
        """Library errors become their message; anything else is logged, not shown raw."""
        try:
            return answer()
        except LedgerError as error:
            return render.error(str(error))
        except Exception:
            log.exception("a /milestone request failed")
            return render.error(
                "something went wrong on the bot's side (it is logged). If you changed "
                "something, `milestone history CODE` shows whether it was recorded"
            )

    def _run(
        self, command: grammar.Command, values: dict[str, Any], request: SlashRequest
    ) -> Reply:
        if not command.writes:

            def read(ledger: Ledger) -> tuple[Any, tuple[int, str] | None]:
                context = grammar.Context(lambda: ledger, _no_signer, request.actor)
                return grammar.run(command, context, values), ledger.broken

            result, broken = self.access.read(read)
            answer = render.READS[command.name](result, values)
            return answer.with_note(render.broken(*broken)) if broken else answer

        def write(ledger: Ledger, signer: Signer) -> tuple[list[Recorded], dict[str, str]]:
            context = grammar.Context(lambda: ledger, lambda: signer, request.actor, request.idem)
            events = grammar.run(command, context, values)
            return events, rfc_states(ledger)

        events, states = self.access.write(write)
        return render.recorded(events, states)

    def _prompt(self, rfc_id: str, version: str | None, nonce: str, note: str = "") -> Reply:
        """Show what approving would do, with the button that does it."""

        def look(ledger: Ledger) -> tuple[queries.RfcSummary, int]:
            commands.require_open_rfc(ledger.state(), commands.check_rfc_id(rfc_id), "approved")
            return queries.rfc_show(ledger, rfc_id), len(ledger.log)

        rfc, head = self.access.read(look)
        value = json.dumps({"rfc": rfc.id, "version": version, "head": head, "prompt": nonce})
        return render.approval_prompt(rfc, version, value, APPROVE_ACTION, CANCEL_ACTION, note)

    def _approve(self, click: Click) -> Reply:
        try:
            asked = json.loads(click.value)
            rfc_id, head, prompt = str(asked["rfc"]), int(asked["head"]), str(asked["prompt"])
            version = asked.get("version")
        except (ValueError, KeyError, TypeError):
            raise InvalidInput(
                "this button is not one the bot made; run /milestone rfc approve"
            ) from None

        def write(ledger: Ledger, signer: Signer) -> tuple[list[Recorded], dict[str, str]]:
            events = commands.approve_rfc(
                ledger=ledger,
                signer=signer,
                rfc=rfc_id,
                version=version,
                actor=click.actor,
                # Every click on this prompt carries the same key: a double click, or Slack
                # delivering the click twice, records one approval.
                idem=f"{prompt}/approve",
                # Approve what was shown: if anything was appended since, ask again.
                expect_head=head,
            )
            return events, rfc_states(ledger)

        try:
            events, states = self.access.write(write)
        except Conflict as moved:
            return self._prompt(rfc_id, version, click.nonce, note=str(moved))
        return render.recorded(events, states)
