"""Checking that a request comes from Slack, once: Bolt's verification, made stricter.

Bolt's `RequestVerification` checks the signature and that the timestamp is
within five minutes. This subclass takes its place (in the same spot of the
middleware chain) and also

- refuses a timestamp that is not a number with 401 (Bolt's raises, a 500);
- refuses a request whose signature it has already seen in the last five
  minutes (a captured request replayed byte for byte): Slack signs every
  delivery, retries included, at the moment it sends it;
- logs why it refused, never the request body (Bolt's logs the whole body).

The signatures seen are kept in this process, bounded (`SeenSignatures`), so
replicas each keep their own: a replay sent to another replica within the
five minutes is not caught. A table of seen signatures in the shared store
would catch it (see docs/slack.md).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from slack_bolt.middleware.request_verification import RequestVerification
from slack_bolt.request import BoltRequest
from slack_bolt.response import BoltResponse

log = logging.getLogger(__name__)

#: How far a request's timestamp may be from now, as Slack's verification guide says.
WINDOW = 5 * 60


class SeenSignatures:
    """The signatures of requests accepted in the last `WINDOW` seconds, at most `limit`.

    A signature is forgotten once its request is too old to pass the
    timestamp check anyway. Only verified requests are remembered, so nobody
    but Slack can fill the set; past `limit` the oldest are forgotten first.
    """

    def __init__(self, *, limit: int = 50_000, clock: Callable[[], float] = time.time) -> None:
        self.limit = limit
        self.clock = clock
        self._expiry: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def first_time(self, signature: str, timestamp: int) -> bool:
        """Remember `signature`; False if it was already remembered (a replay)."""
        now = self.clock()
        with self._lock:
            while self._expiry and next(iter(self._expiry.values())) < now:
                self._expiry.popitem(last=False)
            if signature in self._expiry:
                return False
            while len(self._expiry) >= self.limit:
                self._expiry.popitem(last=False)
            self._expiry[signature] = max(timestamp + WINDOW, now)
            return True

    def __len__(self) -> int:
        return len(self._expiry)


class SlackSignature(RequestVerification):
    """Bolt's request verification, refusing malformed timestamps and replays too."""

    def __init__(self, signing_secret: str, *, seen: SeenSignatures | None = None) -> None:
        super().__init__(signing_secret)
        self.seen = seen if seen is not None else SeenSignatures()

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
        if not self.seen.first_time(signature, int(timestamp)):
            return "a request with this signature was already answered (a replay)"
        return None


def _header(req: BoltRequest, name: str) -> str:
    values: Any = req.headers.get(name) or [""]
    return str(values[0])
