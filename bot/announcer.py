"""The announcer: every event appended to the ledger, posted once to the channel.

It is the only thing that announces: the bot's own writes only answer the
user who made them, and the announcer posts them like any change from a
terminal or another replica. It reads after its cursor in the database and
claims each run of events by moving the cursor with a compare-and-set before
posting, so replicas sharing a database never post the same event twice and a
restart carries on where the last run stopped. (A crash between the claim and
the post loses that one announcement rather than repeating it; the ledger
itself is unaffected.)
"""

from __future__ import annotations

import logging
import threading

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import render
from bot.access import LedgerAccess, rfc_states
from ledger.ledger import Ledger
from ledger.proving import CheckpointInfo, stored
from ledger.state import Recorded

log = logging.getLogger(__name__)

Checkpoints = dict[int, CheckpointInfo]

_HINTS = {
    "not_in_channel": "invite the bot to the channel, or add the chat:write.public scope",
    "channel_not_found": "check MILESTONE_SLACK_CHANNEL (a channel id such as C0123ABCD)",
}


class Announcer:
    """Follows the ledger and posts new events to a Slack channel."""

    def __init__(
        self,
        *,
        access: LedgerAccess,
        client: WebClient,
        channel: str,
        name: str = "slack-announcer",
        batch: int = 20,
        idle: float = 1.0,
    ) -> None:
        self.access = access
        self.client = client
        self.channel = channel
        self.name = name
        self.batch = batch
        self.idle = idle
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
        """Claim and post the next run of unannounced events; how many this call posted."""
        store = self.access.store
        start = store.cursor(self.name)

        def unannounced(ledger: Ledger) -> tuple[list[Recorded], dict[str, str], Checkpoints]:
            # Only the rows of this run are read: the bot never holds the whole log.
            upto = min(start + self.batch, ledger.length)
            rows = ledger.store.read(after=start, upto=upto) if upto > start else []
            events = ledger.events(rows)
            approvals = [e.seq for e in events if e.type == "rfc.approved"]
            kept = {c.size: c for c in stored(ledger, sizes=approvals)} if approvals else {}
            return events, rfc_states(ledger), kept

        events, states, kept = self.access.read(unannounced)
        if not events:
            return 0
        if not store.advance_cursor(self.name, expected=start, to=events[-1].seq):
            return 0  # another replica claimed these first, and posts them
        message = render.announcement(events, states, kept).message(
            unfurl_links=False, unfurl_media=False
        )
        try:
            self.client.chat_postMessage(channel=self.channel, **message)
        except SlackApiError as failure:
            reason = failure.response.get("error", "unknown error")
            log.error(
                "could not announce events #%d-#%d in %s: %s%s",
                events[0].seq,
                events[-1].seq,
                self.channel,
                reason,
                f" ({_HINTS[reason]})" if reason in _HINTS else "",
            )
        return len(events)

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
