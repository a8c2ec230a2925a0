"""Where a build's time goes, without a profiler's overhead: wall time of named library steps.

`Breakdown` wraps a few functions of the library (by module and attribute) with
a timer while it is active, and restores them afterwards. A step the library no
longer has is skipped (the core is changing; this is a diagnostic, not a test).
Steps nest: sealing includes encoding and signing, keeping the head includes
the snapshots.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any

#: (label, module, attribute path), outermost first within each group.
STEPS = (
    ("append: whole transaction", "ledger.ledger", "Ledger._append"),
    ("  seal (encode, hash; signing starts)", "ledger.ledger", "seal"),
    ("    canonical bytes (RFC 8785)", "ledger.append", "canonical_bytes"),
    ("    Ed25519 sign", "ledger.signing", "Signer.sign"),
    (
        "  insert rows (as their signatures come)",
        "ledger.store.base",
        "WriteTransaction.insert_many",
    ),
    ("  keep the head (fold, rows, snapshots)", "ledger.head", "extend"),
    ("    snapshot documents", "ledger.projection", "snapshot_doc"),
    ("    log-order state for a seq snapshot", "ledger.head", "seq_state"),
    ("    refold after a backdated event", "ledger.head", "_refold"),
    ("    write plan rows", "ledger.store.derived", "write_rows"),
    ("    save snapshots", "ledger.store.derived", "save_snapshot"),
)


class Breakdown:
    """Times the `STEPS` while active (`with Breakdown() as b: ...`), then `b.report(total)`."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self._restore: list[tuple[Any, str, Any]] = []

    def __enter__(self) -> Breakdown:
        for label, module_name, path in STEPS:
            owner: Any = importlib.import_module(module_name)
            *parents, name = path.split(".")
            try:
                for parent in parents:
                    owner = getattr(owner, parent)
                original = getattr(owner, name)
            except AttributeError:
                continue
            self.seconds[label] = 0.0
            self.calls[label] = 0
            self._restore.append((owner, name, original))
            setattr(owner, name, self._timed(label, original))
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        for owner, name, original in reversed(self._restore):
            setattr(owner, name, original)
        self._restore.clear()

    def _timed(self, label: str, original: Callable[..., Any]) -> Callable[..., Any]:
        seconds, calls = self.seconds, self.calls

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                seconds[label] += time.perf_counter() - start
                calls[label] += 1

        return timed

    def report(self, total: float, events: int, *, outside: bool = True) -> str:
        """The steps as lines: seconds, share of `total`, and microseconds per event.

        With `outside`, a last line gives the time of `total` spent outside appends."""
        head = "step (nested steps are part of the one above)"
        lines = [f"  {head:<46}{'s':>8}{'%':>6}{'µs/event':>10}"]
        for label, _, _ in STEPS:
            if label not in self.seconds:
                lines.append(f"  {label:<46}{'(not in this version)':>24}")
                continue
            spent = self.seconds[label]
            lines.append(
                f"  {label:<46}{spent:>8.1f}{100 * spent / total:>6.1f}"
                f"{1e6 * spent / max(events, 1):>10.1f}"
            )
        if not outside:
            return "\n".join(lines)
        rest = total - self.seconds.get(STEPS[0][0], 0.0)
        lines.append(
            f"  {'outside appends (the generator, mostly)':<46}{rest:>8.1f}"
            f"{100 * rest / total:>6.1f}{1e6 * rest / max(events, 1):>10.1f}"
        )
        return "\n".join(lines)
