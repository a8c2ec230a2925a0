"""Looking after a ledger's database: upgrade its schema, rebuild its derived data.

The log is never touched: an upgrade runs the schema migrations this version
has and a rebuild drops the plan at the head and the snapshots and folds them
again from the log (both are derived data, DESIGN.md section 6).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ledger.errors import ChainBroken, NotInitialised
from ledger.ledger import Ledger
from ledger.store.connect import open_store

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Upkeep:
    """What an upgrade or rebuild did: the schema versions before and after, and how many
    events the derived data was folded from."""

    where: str
    schema_before: int
    schema_after: int
    events: int


def upgrade(*, url: str, progress: Progress | None = None) -> Upkeep:
    """Migrate the ledger at `url` to this version's schema, then rebuild its derived data."""
    say = progress or (lambda message: None)
    store = open_store(url, check=False)
    try:
        say(f"upgrading the schema of {store.where}")
        before, after = store.upgrade()
        say(f"  schema version {before} -> {after}")
        return Upkeep(store.where, before, after, _rebuild(Ledger(store), say))
    finally:
        store.close()


def rebuild(*, url: str, progress: Progress | None = None) -> Upkeep:
    """Drop and fold again the derived data of the ledger at `url` (its schema unchanged)."""
    from ledger.store.schema import SCHEMA_VERSION

    say = progress or (lambda message: None)
    ledger = Ledger.open(url)
    try:
        return Upkeep(ledger.store.where, SCHEMA_VERSION, SCHEMA_VERSION, _rebuild(ledger, say))
    finally:
        ledger.close()


def _rebuild(ledger: Ledger, say: Progress) -> int:
    _verified(ledger, say)
    say(f"rebuilding the plan and snapshots of {ledger.store.where} from the log")
    try:
        events = ledger.rebuild(progress=say)
    except ValueError as error:  # a stored body that no longer decodes
        raise ChainBroken(
            f"the log is damaged ({error}); nothing was rebuilt. Run `milestone verify`"
        ) from None
    if events == 0:
        raise NotInitialised(f"the database at {ledger.store.where} holds no events to fold")
    return events


def _verified(ledger: Ledger, say: Progress) -> None:
    """Refuse to fold a log that `milestone verify` would not accept.

    The derived data is what every read at the head shows, and a rebuild folds
    every row it finds: a forged or damaged row must not become part of the plan
    by way of a rebuild (DESIGN.md section 5).
    """
    from ledger.verify import verify_store

    if ledger.store.last_seq() == 0:
        return  # nothing to fold: said below, in one line
    say(f"verifying the log of {ledger.store.where} first")
    report = verify_store(ledger.store)
    if report.failure is not None:
        raise ChainBroken(
            f"the log does not verify at event #{report.failure.seq} "
            f"({report.failure.reason}); nothing was rebuilt. Run `milestone verify` "
            "for the full report"
        )
    say(f"  {report.checked} events verified")
