"""The ledger's answers for the web view: requests handled on a borrowed reader.

Pages ask one or more questions at once; they are answered from the same
reader after one catch-up, so a page never mixes two heads. A rendered page
is kept until the log grows (`web.cache`). Verification reads the whole log,
so its last answer is kept (per question, for a few questions) and one runs
at a time: a crowd reloading the page shares a run.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from ledger import requests as rq
from ledger import results as rs
from ledger.errors import LedgerError
from ledger.handle import Context, handle
from web.cache import Claim, Page, PageCache

if TYPE_CHECKING:
    from ledger.ledger import Ledger
    from ledger.signing import Signer
    from web.access import Readers

_VERIFICATIONS_KEPT = 8


@dataclass(frozen=True)
class Answer:
    """The results of a page's questions, and where the chain was found broken, if it was."""

    results: list[rs.Result]
    broken: tuple[int, str] | None


@dataclass(frozen=True)
class Verification:
    """A verification's result and when it ran (UTC, to the second)."""

    result: rs.VerifyResult
    when: str


def _no_signer() -> Signer:
    # Nothing on the web signs: the only reads that ask for a key (a checkpoint of the head,
    # a proof in one) are refused here; `checkpoints` lists those signed at approvals.
    raise LedgerError(
        "the web view has no key to sign a checkpoint with; `checkpoints` lists those "
        "signed at RFC approvals"
    )


def _answer(ledger: Ledger, requests: Sequence[rq.Request]) -> Answer:
    context = Context(lambda: ledger, _no_signer)
    results = [handle(request, context=context) for request in requests]
    return Answer(results, ledger.broken)


class Answers:
    """Requests answered against the ledger, for any number of request threads."""

    def __init__(self, readers: Readers) -> None:
        self.readers = readers
        self.pages = PageCache()
        self._verified: OrderedDict[rq.VerifyLedger, Verification] = OrderedDict()
        self._verifying = threading.Lock()

    def ask(self, *requests: rq.Request) -> Answer:
        """Answer questions from one reader, caught up once."""

        return self.readers.read(lambda ledger: _answer(ledger, requests))

    def page(
        self, address: str, requests: Sequence[rq.Request], render: Callable[[Answer], str]
    ) -> Page:
        """The page at `address`, showing the answers to `requests` as `render` lays them
        out: rendered once for each length of the log (and day), then shared."""

        def look(ledger: Ledger) -> tuple[Hashable, Page | Claim, Answer | None]:
            key = (address, ledger.length, ledger.today())
            found = self.pages.claim(key)
            if not isinstance(found, Claim) or not found.mine:
                return key, found, None
            try:
                return key, found, _answer(ledger, requests)
            except BaseException:
                self.pages.finish(found, None)
                raise

        key, found, answer = self.readers.read(look)
        if isinstance(found, Page):
            return found
        if answer is None:
            found.done.wait(60)
            kept = self.pages.kept_page(key)
            if kept is not None:
                return kept
            # The one rendering it failed, or the page is too large to keep: render it here.
            return Page.of(key, render(self.ask(*requests)))
        try:
            page = Page.of(key, render(answer))
        except BaseException:
            self.pages.finish(found, None)
            raise
        self.pages.finish(found, page)
        return page

    def verification(self, request: rq.VerifyLedger, *, again: bool = False) -> Verification:
        """The last verification asked this way; run now if asked `again` or never run."""
        with self._verifying:
            known = self._verified.get(request)
            if known is not None and not again:
                return known
            (result,) = self.ask(request).results
            assert isinstance(result, rs.VerifyResult)
            when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
            self._verified[request] = Verification(result, when)
            self._verified.move_to_end(request)
            while len(self._verified) > _VERIFICATIONS_KEPT:
                self._verified.popitem(last=False)
            return self._verified[request]
