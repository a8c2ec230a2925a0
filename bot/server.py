"""Serving the bot: HTTP at /slack/events under uvicorn, or Slack's Socket Mode.

HTTP mode uses Bolt's own ASGI adapter, with one change: the sync Bolt app
is dispatched on a worker thread rather than on the event loop, so a request
waiting for the ledger never stalls the others (the adapter as shipped calls
the sync app from its coroutine).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_bolt.adapter.asgi import SlackRequestHandler
from slack_bolt.adapter.asgi.http_request import AsgiHttpRequest
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.request import BoltRequest
from slack_bolt.response import BoltResponse

from bot.app import RECEIVED_AT, Bot
from bot.settings import ConfigError
from ledger.errors import InvalidInput
from ledger.serving import Serving

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"


class SlackEndpoint(SlackRequestHandler):
    """The ASGI application: Slack's requests at /slack/events, a health check at /healthz,
    and any other path to the app `beside` it, if one is given (the web view)."""

    def __init__(self, bot: Bot, *, threads: int = 32, beside: Any = None) -> None:
        super().__init__(bot.app, path=EVENTS_PATH)
        self.beside = beside
        # Request threads mostly wait (for a worker, for the ledger), so there are many.
        self.executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="slack-request")

    async def dispatch(self, request: AsgiHttpRequest) -> BoltResponse:
        """Verify and handle one request on a request thread."""
        received = time.monotonic()
        try:
            body = await request.get_raw_body()
        except UnicodeDecodeError:
            return _refused("its body is not UTF-8")
        bolt_request = BoltRequest(
            body=body,
            query=request.query_string,
            headers=request.get_headers(),
            context={RECEIVED_AT: received},
        )
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, self.app.dispatch, bolt_request)

    async def __call__(
        self, scope: Any, receive: Callable[..., Any], send: Callable[..., Any]
    ) -> None:
        """Answer the health check here; everything else goes to Bolt's adapter."""
        if scope["type"] == "http" and not _utf8(scope):
            # Slack sends UTF-8; Bolt's adapter would fail decoding anything else (a 500).
            refused = _refused("its headers or query string are not UTF-8")
            await send(
                {
                    "type": "http.response.start",
                    "status": refused.status,
                    "headers": [(b"content-type", b"application/json")],
                }
            )
            await send({"type": "http.response.body", "body": refused.body.encode()})
            return
        if scope["type"] == "http" and scope["path"] == HEALTH_PATH and scope["method"] == "GET":
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [(b"content-type", b"text/plain")],
                }
            )
            await send({"type": "http.response.body", "body": b"ok\n"})
            return
        if self.beside is not None and scope["type"] == "http" and scope["path"] != EVENTS_PATH:
            await self.beside(scope, receive, send)
            return
        await super().__call__(scope, receive, send)

    def close(self) -> None:
        """Let requests in hand finish, then stop the request threads."""
        self.executor.shutdown(wait=True)


def _utf8(scope: Any) -> bool:
    """Whether a request's headers and query string decode as UTF-8."""
    try:
        for name, value in scope.get("headers") or ():
            name.decode("utf-8")
            value.decode("utf-8")
        bytes(scope.get("query_string") or b"").decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _refused(reason: str) -> BoltResponse:
    """The answer to a request that cannot be from Slack, as Bolt's verification answers."""
    log.warning("refused a request to the Slack endpoint: %s", reason)
    return BoltResponse(status=401, body={"error": "invalid request"})


class HttpService:
    """The bot under uvicorn on one host and port (0: any free port), with its announcer."""

    def __init__(
        self,
        bot: Bot,
        *,
        host: str = "127.0.0.1",
        port: int = 3000,
        announce: bool = True,
        beside: Any = None,
    ) -> None:
        self.bot = bot
        self.announce = announce
        self.endpoint = SlackEndpoint(bot, beside=beside)
        try:
            self.serving = Serving(
                self.endpoint, host=host, port=port, name="uvicorn", lifespan="off"
            )
        except InvalidInput as error:
            self.endpoint.close()
            bot.close()
            raise ConfigError(str(error)) from None
        self.host, self.port = self.serving.host, self.serving.port

    @property
    def url(self) -> str:
        """Where Slack sends requests (behind a TLS proxy in production)."""
        return f"{self.serving.origin}{EVENTS_PATH}"

    def _begin(self) -> None:
        if self.announce and self.bot.announcer is not None:
            self.bot.announcer.start()

    def run(self) -> None:
        """Serve in the foreground until interrupted (Ctrl-C, SIGTERM)."""
        self._begin()
        try:
            self.serving.run()
        finally:
            self.close()

    def start(self, timeout: float = 10.0) -> HttpService:
        """Serve on a background thread; return once the server accepts connections."""
        self._begin()
        self.serving.start(timeout)
        return self

    def stop(self) -> None:
        """Stop serving (requests in hand finish) and release everything."""
        if self.bot.announcer is not None:
            self.bot.announcer.stop(wait=False)  # winds down while the server does
        self.serving.stop()
        self.close()

    def close(self) -> None:
        """Release the socket, the request threads and the bot."""
        self.serving.socket.close()
        self.endpoint.close()
        self.bot.close()


def socket_mode_handler(bot: Bot) -> SocketModeHandler:
    """A Socket Mode connection for the bot, with its app-level token (refused without one)."""
    bot.settings.require_socket()
    return SocketModeHandler(bot.app, app_token=bot.settings.app_token)


def serve_socket_mode(bot: Bot, *, announce: bool = True) -> None:
    """Connect to Slack over Socket Mode and serve until interrupted."""
    handler = socket_mode_handler(bot)
    if announce and bot.announcer is not None:
        bot.announcer.start()
    try:
        handler.start()
    finally:
        handler.close()
        bot.close()
