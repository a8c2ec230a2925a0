"""Damage for the verifier's tests: a small ledger of every kind of event, and random
single-bit and single-byte changes to its stored rows and to its exports.

A change is written as a flip on disk leaves it: raw bytes, even where they are no
longer UTF-8 in a text column (SQLite keeps whatever bytes it is given), and a
changed `seq` is the stored integer with one bit or byte of its 64-bit form changed.
Everything is drawn from a seeded `random.Random`, so a failure reproduces.
"""

from __future__ import annotations

import functools
import random
import shutil
import sqlite3
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from conftest import make_key

from ledger import requests as rq
from ledger import verify_replay, verify_row
from ledger.execute import record
from ledger.ledger import Ledger
from ledger.signing import Signer
from ledger.store import Store, rows
from ledger.transfer import read_export
from ledger.verify import Report, verify_rows, verify_store
from ledger.verify_row import UNCHECKABLE

#: Every column of the events table, in the order the store declares them.
COLUMNS = rows.COLUMNS
BINARY = frozenset({"body", "hash", "sig"})


def build_small_ledger(url: str, keys: Path, admin: Signer) -> Ledger:
    """A ledger holding one of most kinds of event: keys (one a delegate, one revoked),
    roles, milestones, an approved RFC with a baseline move, completions by another
    actor and by a delegate, and an idempotency key."""
    book = Ledger.create(url, name="damage", signer=admin, actor="alice", baseline_control=False)
    k = {"ledger": book, "signer": admin}
    bob = make_key(keys, "bob")
    bot = make_key(keys, "bot")
    old = make_key(keys, "old")
    record(rq.AddKey(actor="bob", public_key=bob.public_raw), **k)
    record(rq.AddKey(actor="bot", public_key=bot.public_raw, delegate_for="slack:"), **k)
    record(rq.AddKey(actor="bob", public_key=old.public_raw), **k)
    record(rq.RevokeKey(key_id=old.key_id, reason="lost"), **k)
    record(rq.GrantRole(actor="bob", role="editor"), **k)
    record(rq.GrantRole(actor="slack:T1/U1", role="editor"), **k)
    record(rq.DefineMilestone(code="L2", title="Two", due="2020-06-30", level=2), **k)
    record(rq.DefineMilestone(code="DM-A-1", title="Ä", due="2020-05-01", releases=("L2",)), **k)
    record(rq.OpenRfc(rfc="RFC-1", title="slip"), **k)
    record(rq.MoveMilestone(code="DM-A-1", to="2020-06-01", baseline=True, rfc="RFC-1"), **k)
    record(rq.ApproveRfc(rfc="RFC-1", version="1.0"), **k)
    record(
        rq.CompleteMilestone(code="DM-A-1", on="2020-05-30"), ledger=book, signer=bob, idem="once"
    )
    record(
        rq.CompleteMilestone(code="L2", on="2020-05-31"),
        ledger=book,
        signer=bot,
        actor="slack:T1/U1",
    )
    return book


@dataclass(frozen=True)
class Mutation:
    """One changed bit or byte of one column of one stored row."""

    seq: int
    column: str
    position: int  # which byte of the stored value
    mask: int  # XORed into that byte: one bit, or any other value of the whole byte

    def apply(self, raw: bytes) -> bytes:
        """The value's bytes after this change (a NULL, having none, gains one)."""
        if not raw:
            return bytes([self.mask])
        changed = bytearray(raw)
        changed[self.position] ^= self.mask
        return bytes(changed)


def draw(rng: random.Random, lengths: dict[tuple[int, str], int]) -> Mutation:
    """A random change of one stored value; `lengths` gives each value's size in bytes."""
    seq, column = rng.choice(sorted(lengths))
    size = lengths[(seq, column)]
    position = rng.randrange(max(size, 1))
    if rng.random() < 0.5:
        return Mutation(seq, column, position, 1 << rng.randrange(8))
    return Mutation(seq, column, position, rng.randrange(1, 256))


def draw_many(seed: int, count: int, lengths: dict[tuple[int, str], int]) -> list[Mutation]:
    """`count` changes that can all be stored: none moves a row onto another's seq."""
    rng = random.Random(seed)
    seqs = {seq for seq, _column in lengths}
    drawn: list[Mutation] = []
    while len(drawn) < count:
        mutation = draw(rng, lengths)
        if mutation.column != "seq" or changed_seq(mutation) not in seqs:
            drawn.append(mutation)
    return drawn


def changed_seq(mutation: Mutation) -> int:
    """The seq a row ends up with when `mutation` changes its seq column."""
    return int.from_bytes(mutation.apply(_int64(mutation.seq)), "big", signed=True)


def expected_seq(mutation: Mutation) -> int:
    """Where verification must report a change: the changed row, or where it moved to
    when its new seq comes first."""
    if mutation.column == "seq":
        return min(mutation.seq, changed_seq(mutation))
    return mutation.seq


def _int64(value: int) -> bytes:
    return value.to_bytes(8, "big", signed=True)


class Tamperer:
    """Writes changes straight into a SQLite ledger file, as its owner (or a disk) could."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None)
        # Speed over durability: these writes are undone a moment later.
        self.conn.execute("PRAGMA synchronous=OFF")
        for name in ("events_no_update", "events_no_delete"):
            self.conn.execute(f"DROP TRIGGER IF EXISTS {name}")

    def close(self) -> None:
        """Release the connection."""
        self.conn.close()

    def lengths(self) -> dict[tuple[int, str], int]:
        """The size in bytes of every stored value (8 for seq, 0 for NULL)."""
        sizes: dict[tuple[int, str], int] = {}
        for row in self.conn.execute(f"SELECT {', '.join(COLUMNS)} FROM events"):
            for column, value in zip(COLUMNS, row, strict=True):
                sizes[(row[0], column)] = 8 if column == "seq" else len(_raw(value))
        return sizes

    def apply(self, mutation: Mutation) -> Any:
        """Make the change; return what to restore, or raise sqlite3.IntegrityError when it
        cannot be stored (a seq or id that another row holds)."""
        column = mutation.column
        if column == "seq":
            new = changed_seq(mutation)
            self.conn.execute("UPDATE events SET seq = ? WHERE seq = ?", (new, mutation.seq))
            return new
        (original,) = self.conn.execute(
            f'SELECT "{column}" FROM events WHERE seq = ?', (mutation.seq,)
        ).fetchone()
        changed = mutation.apply(_raw(original))
        cast = "BLOB" if column in BINARY else "TEXT"
        self.conn.execute(
            f'UPDATE events SET "{column}" = CAST(? AS {cast}) WHERE seq = ?',
            (changed, mutation.seq),
        )
        return original

    def restore(self, mutation: Mutation, undo: Any) -> None:
        """Put back what `apply` changed."""
        if mutation.column == "seq":
            self.conn.execute("UPDATE events SET seq = ? WHERE seq = ?", (mutation.seq, undo))
        else:
            self.conn.execute(
                f'UPDATE events SET "{mutation.column}" = ? WHERE seq = ?', (undo, mutation.seq)
            )


def _raw(value: Any) -> bytes:
    if value is None:
        return b""
    if isinstance(value, str):
        return value.encode("utf-8")
    return bytes(value)


def mutate_file(data: bytes, rng: random.Random) -> bytes:
    """An export with one random bit flipped or byte replaced (always a real change)."""
    changed = bytearray(data)
    position = rng.randrange(len(changed))
    changed[position] ^= 1 << rng.randrange(8) if rng.random() < 0.5 else rng.randrange(1, 256)
    return bytes(changed)


@dataclass
class Tally:
    """What verification made of a run of damaged ledgers or files."""

    runs: int = 0
    tracebacks: list[str] = field(default_factory=list)
    passes: list[str] = field(default_factory=list)
    misplaced: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        """Count another run's outcomes in with these."""
        self.runs += other.runs
        self.tracebacks += other.tracebacks
        self.passes += other.passes
        self.misplaced += other.misplaced

    def judge(self, what: object, verify: Callable[[], Report], seq: int | None) -> None:
        """Verify once; note a traceback, a pass, or a finding anywhere but `seq`."""
        self.runs += 1
        try:
            report = verify()
        except Exception:
            self.tracebacks.append(f"{what}\n{traceback.format_exc()}")
            return
        if report.failure is None:
            self.passes.append(f"{what}")
        elif (seq is not None and report.failure.seq != seq) or any(
            UNCHECKABLE in finding.reason for finding in report.findings
        ):
            self.misplaced.append(f"{what}: {report.failure}")


@contextmanager
def remembered_signatures() -> Iterator[None]:
    """Remember Ed25519's answers while damaging one ledger over and over.

    A signature check is a pure function of key, hash and signature, and each
    change leaves all rows but one as they were: remembering the answers skips
    recomputing identical checks (nine tenths of the run's time) and changes no
    verdict. Everything else the verifier does runs in full every time.
    """
    real = verify_row.signature_ok
    remembered = functools.lru_cache(maxsize=None)(real)
    verify_row.signature_ok = verify_replay.signature_ok = remembered
    try:
        yield
    finally:
        verify_row.signature_ok = verify_replay.signature_ok = real


def damage_rows(source: Path, scratch: Path, mutations: list[Mutation]) -> Tally:
    """Verify a copy of the ledger at `source` once after each change (undone after)."""
    scratch.mkdir(parents=True, exist_ok=True)
    path = scratch / "damaged.db"
    shutil.copyfile(source, path)
    tamperer = Tamperer(path)
    store = Store.open(f"sqlite:///{path}")
    tally = Tally()
    try:
        with remembered_signatures():
            for mutation in mutations:
                undo = tamperer.apply(mutation)
                try:
                    tally.judge(mutation, lambda: verify_store(store), expected_seq(mutation))
                finally:
                    tamperer.restore(mutation, undo)
    finally:
        store.close()
        tamperer.close()
    return tally


def damage_file(source: Path, scratch: Path, seed: int, count: int) -> Tally:
    """Verify `count` copies of the export at `source`, each with one random change."""
    scratch.mkdir(parents=True, exist_ok=True)
    data = source.read_bytes()
    rng = random.Random(seed)
    path = scratch / "damaged.jsonl"
    tally = Tally()
    with remembered_signatures():
        for number in range(count):
            path.write_bytes(mutate_file(data, rng))
            verify = lambda: verify_rows(read_export(path))  # noqa: E731
            tally.judge(f"seed {seed}, file {number}", verify, None)
    return tally
