"""Checking that a request comes from Slack, once: Bolt's verification, made stricter.

Bolt's `RequestVerification` checks the signature and that the timestamp is
within five minutes. This subclass takes its place (in the same spot of the
middleware chain) and also

- refuses a timestamp that is not a number with 401 (Bolt's raises, a 500);
- refuses a request whose signature was already seen in the last five
  minutes (a captured request replayed byte for byte): Slack signs every
  delivery, retries included, at the moment it sends it;
- logs why it refused, never the request body (Bolt's logs the whole body).

The signatures seen are recorded in the ledger's database
(`Store.first_sighting`), which every replica of the bot shares: a request
accepted by one replica and replayed to another is refused there too.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, Protocol

from slack_bolt.middleware.request_verification import RequestVerification
from slack_bolt.request import BoltRequest
from slack_bolt.response import BoltResponse

from ledger.errors import LedgerError

log = logging.getLogger(__name__)

#: How far a request's timestamp may be from now, as Slack's verification guide says.
WINDOW = 5 * 60

#: How far apart the clocks of replicas may be: a signature is kept this much longer than
#: its timestamp stays valid, so that no replica whose clock is behind accepts it again.
CLOCK_MARGIN = 60

#: The share of the acknowledgement budget a request may spend waiting for the database
#: to record its signature (on SQLite, for the write lock an append elsewhere holds).
WAIT_SHARE = 1 / 8


class Sightings(Protocol):
    """Where the signatures seen are recorded: the ledger's store (`Store.first_sighting`)."""

    def first_sighting(self, key: str, *, at: float, keep_until: float, wait: float) -> bool:
        """Record `key`; True if nobody had recorded it (and it was not yet forgotten)."""
        ...


class SlackSignature(RequestVerification):
    """Bolt's request verification, refusing malformed timestamps and replays too."""

    def __init__(self, signing_secret: str, *, sightings: Sightings, ack_budget: float) -> None:
        super().__init__(signing_secret)
        self.sightings = sightings
        #: How long recording a signature may wait: a share of the time to acknowledge.
        self.wait = ack_budget * WAIT_SHARE

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse:
        """Pass a request on only if it is signed, fresh and new."""
        if self._can_skip(req.mode, req.body):  # Socket Mode: no HTTP, nothing to sign
            return next()
        timestamp = _header(req, "x-slack-request-timestamp")
        reason = self.refusal(req.raw_body, timestamp, _header(req, "x-slack-signature"))
        if reason is not None:
            # Why, and nothing of the body: it may hold what users typed.
            log.warning("refused a request to the Slack endpoint: %s", reason)
            return self._build_error_response()
        return next()

    def refusal(self, body: str, timestamp: str, signature: str) -> str | None:
        """Why a request must be refused, or None if it is signed by Slack, fresh and new."""
        if not timestamp or not signature:
            return "no X-Slack-Request-Timestamp or X-Slack-Signature header"
        if not (timestamp.isascii() and timestamp.isdigit()) or len(timestamp) > 12:
            return f"the timestamp {timestamp[:20]!r} is not a number of seconds"
        if not self.verifier.is_valid(body, timestamp, signature):
            return "the signature does not match, or the timestamp is over five minutes off"
        if not self.first_sighting(signature, int(timestamp)):
            return "a request with this signature was already answered (a replay)"
        return None

    def first_sighting(self, signature: str, timestamp: int) -> bool:
        """Record a verified request's signature; False if it was seen already (a replay).

        A signature is kept while its timestamp can pass the check (plus the
        margin for replicas' clocks). When the database cannot record it in
        time (on SQLite a long write elsewhere holds the only write lock) the
        request is let through and the log says so: refusing would take the bot
        down for as long as the write lasts, and a replayed change cannot be
        recorded twice anyway (its idempotency key is Slack's trigger id).
        """
        try:
            return self.sightings.first_sighting(
                signature,
                at=time.time(),
                keep_until=timestamp + WINDOW + CLOCK_MARGIN,
                wait=self.wait,
            )
        except LedgerError as error:
            log.warning("could not check whether a request is a replay, so it is let in: %s", error)
            return True


def _header(req: BoltRequest, name: str) -> str:
    values: Any = req.headers.get(name) or [""]
    return str(values[0])
