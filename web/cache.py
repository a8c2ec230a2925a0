"""Pages already rendered, by address and the ledger's head: made once, shared by all.

The log only grows, so a page's address, the length of the log it was answered
from and the day its statuses were judged on fix every byte of it; an append
changes the length, and so the key. When many readers ask for a page nobody
has rendered yet, one renders it and the others wait for that one (a crowd
arriving after an append costs one rendering, not fifty). A page is kept
gzipped too, compressed once, for the browsers that accept it (all do).
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, field

#: Pages kept, and the largest page kept (a whole 100,000-event log is not worth keeping).
PAGES_KEPT = 64
LARGEST = 2 * 1024 * 1024
#: Pages smaller than this are sent as they are: compressing them saves nothing.
SMALLEST_GZIPPED = 1024


@dataclass(frozen=True)
class Page:
    """A rendered page: its entity tag, its bytes, and the same gzipped (if worth it)."""

    etag: str
    body: bytes
    gzipped: bytes | None

    @classmethod
    def of(cls, key: Hashable, html: str) -> Page:
        """The page kept under `key` (which names every byte of it)."""
        body = html.encode()
        gzipped = gzip.compress(body, 6) if len(body) >= SMALLEST_GZIPPED else None
        return cls(etag_of(key), body, gzipped)


@dataclass
class Claim:
    """A page to render (`mine`), or one another thread is rendering (wait on `done`)."""

    key: Hashable
    mine: bool
    done: threading.Event = field(default_factory=threading.Event)


def etag_of(key: Hashable) -> str:
    """A weak entity tag naming the page kept under `key` (weak: the same page is sent
    gzipped or not)."""
    return 'W/"' + hashlib.sha256(repr(key).encode()).hexdigest()[:32] + '"'


class PageCache:
    """The last pages rendered, least recently used dropped first."""

    def __init__(self, kept: int = PAGES_KEPT) -> None:
        self.kept = kept
        self._pages: OrderedDict[Hashable, Page] = OrderedDict()
        self._making: dict[Hashable, Claim] = {}
        self._lock = threading.Lock()

    def claim(self, key: Hashable) -> Page | Claim:
        """The page if it is kept; else a claim: to render it, or to wait for it."""
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
                return page
            making = self._making.get(key)
            if making is not None:
                return Claim(key, False, making.done)
            claim = Claim(key, True)
            self._making[key] = claim
            return claim

    def kept_page(self, key: Hashable) -> Page | None:
        """The page under `key`, if it is kept."""
        with self._lock:
            return self._pages.get(key)

    def finish(self, claim: Claim, page: Page | None) -> None:
        """Keep the page a claim rendered (None: it failed) and wake whoever waits for it."""
        with self._lock:
            self._making.pop(claim.key, None)
            if page is not None and len(page.body) <= LARGEST:
                self._pages[claim.key] = page
                while len(self._pages) > self.kept:
                    self._pages.popitem(last=False)
        claim.done.set()
