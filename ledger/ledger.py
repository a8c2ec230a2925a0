"""The ledger: a store, the plan at its head, views as of any point, and locked appends.

Nothing here replays the log to answer a command: the plan at the head lives
in derived tables kept in the transaction of every append (`ledger.head`),
and a view as of an earlier point folds at most a snapshot interval of events
onto a stored snapshot (`ledger.views`). Only `--known-at` views, which ask
what the ledger knew at a past time, still fold from the start.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from ledger import head as heads
from ledger import tree, views
from ledger.append import Draft, seal, store_sealed
from ledger.asof import NOW, AsOf
from ledger.errors import ChainBroken, Conflict, InvalidInput, NotInitialised, PermissionDenied
from ledger.head import SNAPSHOT_EVERY
from ledger.merkle import TreeState
from ledger.rebuild import rebuild
from ledger.records import decode_row, event_doc
from ledger.rules import authorise, permitted
from ledger.signing import Signer
from ledger.state import PlanState, Recorded
from ledger.store import Store, StoredEvent, WriteTransaction, rows
from ledger.store.writes import CATCH_UP
from ledger.trust import Trust, head_problem
from ledger.views import View

Clock = Callable[[], datetime]

__all__ = ["SNAPSHOT_EVERY", "Draft", "Ledger", "View", "authorise", "dump_fields", "utc_now"]


def utc_now() -> datetime:
    """The current time, timezone-aware UTC (freezegun-friendly)."""
    return datetime.now(UTC)


class Ledger:
    """A milestone ledger: read it as of any point, append to it."""

    def __init__(self, store: Store, *, clock: Clock = utc_now) -> None:
        self.store = store
        self.clock = clock
        self._head = heads.Head()
        self._log: list[Recorded] | None = None
        self._head_checked = 0
        self._tree: TreeState | None = None  # the Merkle tree at the head, once known
        #: Where the chain was found broken by this process, if it was: (seq, reason).
        self.broken: tuple[int, str] | None = None

    # --- opening ----------------------------------------------------------------------------

    @classmethod
    def open(cls, url: str, *, clock: Clock = utc_now) -> Ledger:
        """Open an existing ledger (its plan at the head, not its log)."""
        ledger = cls(Store.open(url), clock=clock)
        ledger.refresh()
        if ledger._head.position == 0:
            ledger.close()
            raise NotInitialised(
                f"the database at {ledger.store.where} holds no ledger yet; run `milestone init`"
            )
        return ledger

    @classmethod
    def create(
        cls,
        url: str,
        *,
        name: str,
        signer: Signer,
        actor: str,
        baseline_control: bool = True,
        clock: Clock = utc_now,
    ) -> Ledger:
        """Create a ledger: the genesis event names `actor` admin with `signer`'s key,
        and grants that actor the editor and approver roles too."""
        from ledger.decisions.governance import create_ledger

        ledger = cls(Store.open(url, create=True), clock=clock)
        ledger.refresh()
        if ledger._head.position:
            ledger.close()
            raise InvalidInput(
                f"{ledger.store.where} already holds the ledger {ledger.state().name!r} "
                f"(id {ledger.ledger_id}); use it, or choose another --db"
            )
        drafts = create_ledger(
            name=name,
            actor=actor,
            key_id=signer.key_id,
            public_key=signer.public_hex,
            baseline_control=baseline_control,
        )
        ledger._append(signer=signer, actor=actor, decide=lambda _state: drafts, genesis=True)
        return ledger

    def close(self) -> None:
        """Release the database connections."""
        self.store.close()

    # --- the head ---------------------------------------------------------------------------

    @property
    def ledger_id(self) -> str:
        """The hash of the genesis event, hex: this ledger's identity."""
        return self._head.genesis

    @property
    def length(self) -> int:
        """How many events the ledger holds (the seq of its head)."""
        return self._head.position

    @property
    def head(self) -> Recorded | None:
        """The last event of the log."""
        if not self._head.position:
            return None
        last = self._head.state.last
        if last is not None and last.seq == self._head.position:
            return last
        return self.events(self.store.rows([self._head.position]))[0]

    def refresh(self) -> None:
        """Catch up with events appended since the last look (by anyone)."""
        with self.store.reading() as conn:
            if heads.position(conn) != self._head.position or not self._head.position:
                self._head = heads.load(conn)
        if self._log is not None:
            self._log.extend(self._decoded(after=len(self._log)))

    def state(self) -> PlanState:
        """The plan and everything else as of the head. Treat it as read-only."""
        return self._head.state

    @property
    def log(self) -> list[Recorded]:
        """Every event in seq order, decoded (read on first use: for tools and tests,
        never on a command's path)."""
        if self._log is None:
            self._log = self._decoded(after=0)
        return self._log

    def _decoded(self, *, after: int) -> list[Recorded]:
        return [decode_row(row) for row in self.store.read(after=after, upto=self._head.position)]

    def events(self, stored: Sequence[StoredEvent]) -> list[Recorded]:
        """Rows read from the store, checked and decoded (`ChainBroken` for a damaged one)."""
        trust = Trust(self.state().keys)
        return [trust.event(row) for row in stored if row.seq <= self._head.position]

    def today(self) -> str:
        """Today's UTC date, ISO."""
        return self.clock().date().isoformat()

    # --- views ------------------------------------------------------------------------------

    def view(self, as_of: AsOf = NOW, *, known_at: str | None = None) -> View:
        """The plan as of a selector, optionally limited to events recorded by `known_at`."""
        if as_of.kind == "now" and known_at is None:
            return View(self.state(), as_of, self.today(), self._head.position)
        return views.view(self, as_of, known_at=known_at)

    def find_approval(self, as_of: AsOf) -> Recorded:
        """The `rfc.approved` event an RFC or version selector names."""
        return views.find_approval(self, as_of)

    # --- appending --------------------------------------------------------------------------

    def append(
        self,
        *,
        signer: Signer,
        actor: str | None,
        decide: Callable[[PlanState], Draft | Sequence[Draft]],
        idem: str | None = None,
        expect_head: int | None = None,
    ) -> list[Recorded]:
        """Record what `decide` returns, atomically, under the write lock.

        `decide` runs against the state at the head (after catching up with
        events others appended) and raises a typed error to refuse; then nothing
        is appended. With `idem`, a command already recorded under that key is
        not recorded again: its events are returned instead. With `expect_head`,
        the append is refused with `Conflict` if the head moved past that seq.
        """

        def decide_list(state: PlanState) -> Sequence[Draft]:
            drafts = decide(state)
            return [drafts] if isinstance(drafts, Draft) else drafts

        return self._append(
            signer=signer, actor=actor, decide=decide_list, idem=idem, expect_head=expect_head
        )

    def _append(
        self,
        *,
        signer: Signer,
        actor: str | None,
        decide: Callable[[PlanState], Sequence[Draft]],
        idem: str | None = None,
        expect_head: int | None = None,
        genesis: bool = False,
    ) -> list[Recorded]:
        try:
            with self.store.writing(known=self._head.position or None) as txn:
                conn = txn.conn
                if (stored_position := heads.position(conn)) != self._head.position:
                    self._catch_up(txn, stored_position)
                if idem is not None and (done := txn.by_idem(idem)) is not None:
                    return [decode_row(done)]
                stored_head = rows.head(conn)
                if genesis and stored_head is not None:
                    raise Conflict("another process created this ledger at the same moment")
                self._check_head(stored_head)
                if expect_head is not None and self._head.position != expect_head:
                    raise Conflict(
                        f"the ledger moved on while you were deciding (head was "
                        f"#{expect_head}, now #{self._head.position}); look again and retry"
                    )
                state = self._head.state
                if not genesis:
                    actor = authorise(state, signer=signer, actor=actor)
                assert actor is not None
                drafts = decide(state)
                sealed = seal(
                    drafts,
                    signer=signer,
                    actor=actor,
                    idem=idem,
                    after=stored_head,
                    now=self.clock(),
                )
                events = sealed.events
                if not genesis:
                    for event in events:
                        refusal = permitted(state, actor=actor, event_type=event.type)
                        if refusal is not None:
                            raise PermissionDenied(f"{refusal}; nothing was recorded")
                grown, trees = store_sealed(txn, sealed, tree_before=self._tree)
                heads.extend(conn, self._head, events)
                from ledger import tlog  # signs checkpoints: only appends need it

                tlog.record_approvals(
                    conn, events=events, trees=trees, signer=signer, ledger_id=self._head.genesis
                )
        except BaseException:
            # The head may hold events whose transaction did not commit: read it again.
            self._head, self._tree = heads.Head(), None
            self.refresh()
            raise
        self._head_checked = self._head.position
        self._tree = grown
        if self._log is not None:
            if events and len(self._log) != events[0].seq - 1:
                # Others appended since it was read: read it again when it is next asked for
                # (extending would leave a gap that refresh() then fills with repeats).
                self._log = None
            else:
                self._log.extend(events)
        return events

    def _catch_up(self, txn: WriteTransaction, stored_position: int) -> None:
        """Bring the head up to the stored one under the lock: fold the few events others
        appended since (and grow the known tree by them), or load the stored head."""
        newer = txn.newer(self._head.position) if self._head.position else []
        if 0 < len(newer) < CATCH_UP and newer[-1].seq == stored_position:
            before = self._tree if self._tree and self._tree.size == self._head.position else None
            if heads.catch_up(self._head, newer):
                self._tree = tree.grown(before, newer) if before else None
                return
        self._head = heads.load(txn.conn)

    def _check_head(self, stored_head: StoredEvent | None) -> None:
        """Refuse to append after rows the ledger did not write or a head that does not verify."""
        if self.broken is not None:
            seq, reason = self.broken
            raise ChainBroken(
                f"the ledger does not verify at event {seq} ({reason}); nothing can be appended "
                "until it is repaired. Run `milestone verify` for the full report"
            )
        last = stored_head.seq if stored_head is not None else 0
        if last != self._head.position or self._head_checked != last:
            problem = head_problem(
                stored_head,
                position=self._head.position,
                hash=self._head.hash,
                keys=self._head.state.keys,
            )
            if problem is not None:
                self._note_break(last, problem)
            elif last == self._head.position:
                self._head_checked = last
        if self.broken is not None:
            self._check_head(stored_head)

    def _note_break(self, seq: int, reason: str) -> None:
        if self.broken is None:
            self.broken = (seq, reason)

    # --- derived data -----------------------------------------------------------------------

    def rebuild(self, *, progress: Callable[[str], None] | None = None) -> int:
        """Drop the plan at the head, the snapshots and the Merkle tree, and make them again
        from the log (signed checkpoints and cosignatures are kept: they cannot be remade);
        return how many events were folded."""
        with self.store.locked() as conn:
            self._head = rebuild(conn, progress=progress)
            self._tree = tree.rebuild(conn)
        return self._head.position


def dump_fields(event: Recorded) -> dict[str, object]:
    """An event as a JSON-ready dict (for --json output and exports)."""
    return event_doc(event)
