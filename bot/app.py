"""The Bolt app: `/milestone` and the approval buttons, acknowledged within Slack's 3 seconds.

A slash command is parsed on the request thread, then run on a worker
thread while the request thread waits at most `Settings.ack_budget` seconds
(counted from when the request arrived). In time, the answer *is* the
acknowledgement; too late (a locked or slow database), the acknowledgement
says so and the answer follows through the command's response_url. Button
clicks are acknowledged at once and worked on by a Bolt lazy listener.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_bolt.error import BoltError
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot import blocks
from bot.access import LedgerAccess
from bot.announcer import Announcer
from bot.blocks import Reply
from bot.incoming import Click, SlashRequest
from bot.more import MORE_ACTIONS
from bot.settings import ConfigError, Settings
from bot.slash import APPROVE_ACTION, CANCEL_ACTION, Slash
from bot.uploads import Uploads
from bot.verification import SlackSignature
from ledger.errors import LedgerError
from ledger.rules import may_sign_for
from ledger.signing import load_key_file

log = logging.getLogger(__name__)

COMMAND = "/milestone"
#: Context key under which the HTTP front sets the monotonic time a request arrived.
RECEIVED_AT = "milestone_received_at"


@dataclass
class Bot:
    """The Bolt app and what it runs on: ledger access, worker threads, the announcer."""

    app: App
    settings: Settings
    access: LedgerAccess
    reads: ThreadPoolExecutor
    writes: ThreadPoolExecutor
    announcer: Announcer | None = None
    _closed: bool = field(default=False, repr=False)

    def close(self) -> None:
        """Stop the announcer and the workers, and release the database."""
        if self._closed:
            return
        self._closed = True
        if self.announcer is not None:
            self.announcer.stop()
        self.reads.shutdown(wait=True)
        self.writes.shutdown(wait=True)
        self.access.close()


class _TokenFromClient(logging.Filter):
    """Drops Bolt's start-up warning that the token is unused because a client was given.

    Bolt reads SLACK_BOT_TOKEN from the environment whatever it is passed, and
    warns when a client comes too; ours carries that same token (and the Web
    API address tests point elsewhere), so the warning only alarms.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


logging.getLogger("slack_bolt.App").addFilter(_TokenFromClient())


def web_client(settings: Settings, *, wait_when_limited: bool = True) -> WebClient:
    """A Web API client for the bot token, at `MILESTONE_SLACK_API_URL` if set.

    It retries lost connections and server errors; when Slack says to slow
    down (HTTP 429) it waits as long as Slack asks and retries, unless
    `wait_when_limited` is False (the announcer paces itself and waits on its own).
    """
    client = WebClient(
        token=settings.bot_token, base_url=settings.api_base or WebClient.BASE_URL, timeout=10
    )
    if wait_when_limited:
        client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=3))
    client.retry_handlers.append(ServerErrorRetryHandler(max_retry_count=2))
    if not any(isinstance(h, ConnectionErrorRetryHandler) for h in client.retry_handlers):
        client.retry_handlers.append(ConnectionErrorRetryHandler())
    return client


def build(settings: Settings, *, access: LedgerAccess | None = None) -> Bot:
    """Compose the bot: key, ledger, Bolt app with its listeners, and the announcer.

    Fails at once, with a message saying what to fix, when the key or the
    ledger is missing or Slack refuses the token.
    """
    if access is None:
        access = LedgerAccess(db_url=settings.db_url, signer=load_key_file(settings.bot_key))
    client = web_client(settings)
    # Without a secret (Socket Mode needs none) use one nobody knows, so that a stray
    # HTTP request can never pass verification with an empty key.
    secret = settings.signing_secret or secrets.token_hex(32)
    try:
        app = App(
            name="milestone",
            # The token travels in `client` (which knows where the Web API is).
            signing_secret=secret,
            # Bolt's verification, in its own place in the chain, made stricter: malformed
            # timestamps and replays (to any replica: the ledger's database keeps the
            # signatures seen) are refused too, and no request body is logged.
            request_verification_enabled=False,
            before_authorize=SlackSignature(
                secret, sightings=access.store, ack_budget=settings.ack_budget
            ),
            client=client,
            # Our listener acknowledges itself, within the budget; Bolt must not answer first.
            process_before_response=True,
        )
    except (BoltError, SlackApiError, OSError) as error:
        access.close()
        raise ConfigError(
            f"Slack did not accept the bot token at {client.base_url} ({error}); check "
            "SLACK_BOT_TOKEN (xoxb-…) and MILESTONE_SLACK_API_URL"
        ) from None
    if (problem := key_problem(access)) is not None:
        log.warning("%s", problem)
    bot = Bot(
        app=app,
        settings=settings,
        access=access,
        reads=ThreadPoolExecutor(max_workers=4, thread_name_prefix="milestone-read"),
        # Appends are one at a time anyway (the write lock); two workers let one render
        # while the next appends.
        writes=ThreadPoolExecutor(max_workers=2, thread_name_prefix="milestone-write"),
    )
    if settings.channel:
        bot.announcer = _announcer(settings, access)
    _listen(bot, Slash(access, web=settings.web_url, uploads=Uploads(client)))
    return bot


def _announcer(settings: Settings, access: LedgerAccess) -> Announcer:
    assert settings.channel is not None
    return Announcer(
        access=access,
        client=web_client(settings, wait_when_limited=False),
        channel=settings.channel,
        name=settings.announcer,
        idle=settings.announcer_wait,
        web=settings.web_url,
    )


def key_problem(access: LedgerAccess) -> str | None:
    """Why the bot's key cannot sign for Slack users yet, or None if it can."""
    signer = access.signer
    if signer is None:
        return None
    key = access.read(lambda ledger: ledger.state().keys.get(signer.key_id))
    fix = (
        "an admin runs `milestone key add bot:slack BOT.pub --delegate-for slack:` "
        "(see docs/slack.md); until then every change from Slack is refused"
    )
    if key is None:
        return f"the bot's key {signer.key_id} is not registered in the ledger: {fix}"
    if key.revoked_seq is not None:
        return f"the bot's key {signer.key_id} was revoked at event #{key.revoked_seq}: {fix}"
    # The bot signs for actors named slack:TEAM/USER: the ledger's signing rule decides.
    if not may_sign_for(key, "slack:"):
        return f"the bot's key {signer.key_id} may not sign for Slack users: {fix}"
    return None


def create_app(settings: Settings) -> App:
    """The Bolt `App` answering `/milestone` and its buttons (see `build` for the rest)."""
    return build(settings).app


def _listen(bot: Bot, slash: Slash) -> None:
    app, budget = bot.app, bot.settings.ack_budget

    @app.command(COMMAND)
    def on_command(ack: Ack, body: dict[str, Any], respond: Respond, context: BoltContext) -> None:
        """Answer within the budget, or say the ledger is slow and answer later."""
        received = context.get(RECEIVED_AT) or time.monotonic()
        try:
            request = SlashRequest.from_body(body)
        except LedgerError as error:
            ack(**blocks.error(str(error)).ephemeral())
            return
        prepared = slash.prepare(request)
        if isinstance(prepared, Reply):
            ack(**prepared.ephemeral())
            return
        pool = bot.writes if prepared.writes else bot.reads
        future = pool.submit(prepared.run)
        try:
            answer = future.result(timeout=max(0.0, budget - (time.monotonic() - received)))
        except FutureTimeout:
            ack(**blocks.busy(prepared.name).ephemeral())
            future.add_done_callback(_later(respond))
            return
        ack(**answer.ephemeral())

    def acknowledge(ack: Ack) -> None:
        ack()

    def approve(body: dict[str, Any], respond: Respond) -> None:
        try:
            answer = slash.approve(Click.from_body(body))
        except LedgerError as error:
            answer = blocks.error(str(error))
        respond(**answer.ephemeral(replace_original=True))

    def more(body: dict[str, Any], respond: Respond) -> None:
        try:
            answer = slash.more(Click.from_body(body))
        except LedgerError as error:
            answer = blocks.error(str(error))
        # A new message below, only for whoever clicked: the page before stays as it was.
        respond(**answer.ephemeral(replace_original=False))

    def cancel(body: dict[str, Any], respond: Respond) -> None:
        actions = body.get("actions") or [{}]
        rfc = str(actions[0].get("value") or "the RFC")
        text = f"Not approved: nothing was recorded for {blocks.code(rfc)}."
        respond(**Reply(text).ephemeral(replace_original=True))

    app.action(APPROVE_ACTION)(ack=acknowledge, lazy=[approve])
    app.action(CANCEL_ACTION)(ack=acknowledge, lazy=[cancel])
    app.action(MORE_ACTIONS)(ack=acknowledge, lazy=[more])


def _later(respond: Respond) -> Callable[[Future[Reply]], None]:
    """Deliver an answer that missed the acknowledgement through the response_url."""

    def deliver(done: Future[Reply]) -> None:
        try:
            respond(**done.result().ephemeral())
        except Exception:
            log.exception("could not deliver a late answer through the response_url")

    return deliver


def build_announcer(settings: Settings) -> Announcer:
    """The announcer on its own (no HTTP, no signing key): `milestone serve --announce-only`."""
    if not settings.channel:
        raise ConfigError(
            "the announcer needs MILESTONE_SLACK_CHANNEL, the id of the channel to post to "
            "(e.g. C0123ABCD; right-click the channel → Copy link shows it)"
        )
    return _announcer(settings, LedgerAccess(db_url=settings.db_url, signer=None))
