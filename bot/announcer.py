"""The announcer: every event appended to the ledger, posted once to the channel, at Slack's pace.

It is the only thing that announces: the bot's own writes only answer the
user who made them, and the announcer posts them like any change from a
terminal or another replica. It reads after its cursor in the database and
claims each run of events by moving the cursor with a compare-and-set before
posting, so replicas sharing a database never post the same event twice and a
restart carries on where the last run stopped. (A crash between the claim and
the post loses that one announcement rather than repeating it; the ledger
itself is unaffected.)

Slack takes about one message a second in a channel. The announcer posts at
most that often: it waits for its turn *before* claiming, so everything
recorded meanwhile (an import's hundreds of events, a burst of commands)
goes out as one message. When Slack still says to slow down (HTTP 429), it
waits as long as the `Retry-After` header says and posts the same message
again.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.access import LedgerAccess
from bot.announcement import News, announcement, gather
from bot.blocks import Reply, section
from bot.limits import problems
from ledger.ledger import Ledger

log = logging.getLogger(__name__)

_HINTS = {
    "not_in_channel": "invite the bot to the channel, or add the chat:write.public scope",
    "channel_not_found": "check MILESTONE_SLACK_CHANNEL (a channel id such as C0123ABCD)",
}
#: Slack's pace for posting in one channel.
INTERVAL = 1.0
#: Longest wait a Retry-After is taken for (a larger one is a fault, not a request).
MAX_RETRY_AFTER = 3600.0


class Pace:
    """When each channel may next be posted to: `interval` after the last post, or
    later if Slack asked to wait."""

    def __init__(
        self, interval: float = INTERVAL, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.interval = interval
        self.clock = clock
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def delay(self, channel: str) -> float:
        """Seconds until `channel` may be posted to."""
        with self._lock:
            return max(0.0, self._next.get(channel, 0.0) - self.clock())

    def posted(self, channel: str, *, wait: float | None = None) -> None:
        """A post was made (or refused with `wait` seconds to wait)."""
        with self._lock:
            after = self.interval if wait is None else max(wait, self.interval)
            self._next[channel] = max(self._next.get(channel, 0.0), self.clock() + after)


class Announcer:
    """Follows the ledger and posts new events to a Slack channel.

    `batch` bounds the events one message covers; `idle` is how long it waits
    for news between looks; `web` is the web view's address for links.
    """

    def __init__(
        self,
        *,
        access: LedgerAccess,
        client: WebClient,
        channel: str,
        name: str = "slack-announcer",
        batch: int = 1000,
        idle: float = 1.0,
        web: str | None = None,
        pace: Pace | None = None,
        retries: int = 5,
    ) -> None:
        self.access = access
        self.client = client
        self.channel = channel
        self.name = name
        self.batch = batch
        self.idle = idle
        self.web = web
        self.pace = pace or Pace()
        self.retries = retries
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start_at_head(self) -> None:
        """On a first run, begin after the events already recorded rather than post them all.

        A cursor at 0 means no run of this name ever claimed an event (a ledger
        always holds its genesis events), so no event is skipped later.
        """
        store = self.access.store
        if store.cursor(self.name) == 0:
            store.advance_cursor(self.name, expected=0, to=store.last_seq())

    def announce_pending(self) -> int:
        """Wait for the channel's turn, then claim and post everything not yet announced
        (up to `batch` events) as one message; how many events this call posted."""
        if not self._turn():
            return 0
        store = self.access.store
        start = store.cursor(self.name)

        def unannounced(ledger: Ledger) -> News:
            # Only the rows of this run are read: the bot never holds the whole log.
            upto = min(start + self.batch, ledger.length)
            rows = ledger.store.read(after=start, upto=upto) if upto > start else []
            return gather(ledger, ledger.events(rows))

        news = self.access.read(unannounced)
        if not news.events:
            return 0
        first, last = news.events[0].seq, news.events[-1].seq
        if not store.advance_cursor(self.name, expected=start, to=last):
            return 0  # another replica claimed these first, and posts them
        message = announcement(news, web=self.web).message(unfurl_links=False, unfurl_media=False)
        self._post(message, first, last)
        return len(news.events)

    def _turn(self) -> bool:
        """Wait until the channel may be posted to; False if stopped meanwhile."""
        while (delay := self.pace.delay(self.channel)) > 0:
            if self._stop.wait(delay):
                return False
        return True

    def _post(self, message: dict[str, Any], first: int, last: int) -> None:
        what = f"events #{first}-#{last} in {self.channel}"
        if found := problems(message):
            # A bug: Slack would refuse the message. Say where to look instead of nothing.
            log.error("announcing %s briefly: the message breaks Slack's limits (%s)", what, found)
            text = (
                f"Events #{first} to #{last} were recorded; `/milestone log --since {first - 1}` "
                "shows them."
            )
            message = Reply(text, (section(text),)).message(unfurl_links=False, unfurl_media=False)
        for _attempt in range(self.retries + 1):
            try:
                self.client.chat_postMessage(channel=self.channel, **message)
                self.pace.posted(self.channel)
                return
            except SlackApiError as failure:
                if failure.response.status_code != 429:
                    self.pace.posted(self.channel)
                    reason = failure.response.get("error", "unknown error")
                    hint = f" ({_HINTS[reason]})" if reason in _HINTS else ""
                    log.error("could not announce %s: %s%s", what, reason, hint)
                    return
                wait = _retry_after(failure.response.headers)
                log.warning(
                    "Slack asked to wait %.0f s before announcing %s (HTTP 429)", wait, what
                )
                self.pace.posted(self.channel, wait=wait)
                if not self._turn():
                    log.error("not announced, stopping while Slack asked to wait: %s", what)
                    return
        log.error("could not announce %s: Slack kept answering HTTP 429", what)

    def run(self) -> None:
        """Announce until `stop` is called, waiting for new events in between."""
        self.start_at_head()
        while not self._stop.is_set():
            try:
                if self.announce_pending():
                    continue
                store = self.access.store
                store.wait_for_events(after=store.cursor(self.name), timeout=self.idle)
            except Exception:
                # A database or network hiccup must not end the announcer; try again shortly.
                log.exception("the announcer failed a round; retrying")
                self._stop.wait(self.idle)

    def start(self) -> threading.Thread:
        """Run in a background thread."""
        self._thread = threading.Thread(target=self.run, name="slack-announcer", daemon=True)
        self._thread.start()
        return self._thread

    def stop(self, *, wait: bool = True, timeout: float = 10.0) -> None:
        """Finish the post in hand, then stop (`wait`: until the thread has ended)."""
        self._stop.set()
        if wait and self._thread is not None:
            self._thread.join(timeout)


def _retry_after(headers: Any) -> float:
    """The seconds a 429's Retry-After header asks for (1 if it says nothing usable)."""
    values = {str(k).lower(): v for k, v in dict(headers or {}).items()}
    raw = values.get("retry-after")
    if isinstance(raw, list):
        raw = raw[0] if raw else None
    try:
        seconds = float(str(raw))
    except ValueError:
        return 1.0
    return min(max(seconds, 0.0), MAX_RETRY_AFTER) if math.isfinite(seconds) else 1.0
