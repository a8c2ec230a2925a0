"""Benchmark verification on one core and on every core (SQLite).

    python bench/bench_verify.py 100000 [--dir DIR] [--repeat 3]

Builds a ledger of N events (or reuses the one in --dir), then verifies it
whole, as `milestone verify` does, several times over in turn: with the
verifier as it was before it went parallel (read from git, commit --before),
on one core, and on every core. Prints the median rates, their ratios, and
whether Ed25519 verification releases the GIL (if it did, threads would do
instead of processes). The machine is shared: the load average before and
after is printed so that a noisy run can be told from a slow one.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from types import ModuleType

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from events.catalogue import (
    BaselineMoved,
    ForecastMoved,
    MilestoneCompleted,
    MilestoneDefined,
    MilestoneReopened,
    RfcApproved,
    RfcOpened,
)
from ledger.ledger import Draft, Ledger
from ledger.signing import generate_key_file
from ledger.store import Store
from ledger.verify import verify_store
from ledger.verify_parallel import cores

#: The last commit with the single-core verifier.
BEFORE = "308a886"

#: Events appended per transaction while building: building is not what is measured.
BATCH = 2000


def drafts(n: int, rng: random.Random) -> Iterator[Draft]:
    """A plausible history of `n` changes: definitions, moves, completions, RFCs."""
    base = date(2024, 1, 1)
    releases = [f"LDM-503-{i:02d}" for i in range(max(5, n // 2000))]
    forecast: dict[str, date] = {}
    milestones: list[str] = []
    done: set[str] = set()

    def day() -> date:
        return base + timedelta(days=rng.randrange(1, 2000))

    count = 0
    for code in releases:
        forecast[code] = day()
        yield Draft(
            MilestoneDefined(
                code=code,
                level=2,
                title=f"Release {code}",
                baseline=forecast[code],
                forecast=forecast[code],
            ),
            subject=code,
        )
        count += 1
    rfc_number = 0
    while count < n:
        if len(milestones) < max(50, n // 100) and rng.random() < 0.3:
            code = f"DM-T{len(milestones) % 7}-{len(milestones)}"
            milestones.append(code)
            forecast[code] = day()
            yield Draft(
                MilestoneDefined(
                    code=code,
                    level=3,
                    title=f"Milestone {code}",
                    baseline=forecast[code],
                    forecast=forecast[code],
                    releases=(rng.choice(releases),),
                ),
                subject=code,
            )
            count += 1
            continue
        roll = rng.random()
        if roll < 0.02 or not milestones:
            rfc_number += 1
            rfc = f"RFC-{rfc_number}"
            yield Draft(RfcOpened(id=rfc, title=f"Change {rfc_number}"), subject=rfc)
            for code in rng.sample(milestones if len(milestones) >= 3 else releases, 3):
                moved = BaselineMoved.model_validate(
                    {"code": code, "from": forecast[code], "to": day()}
                )
                yield Draft(moved, subject=code, rfc=rfc)
            yield Draft(RfcApproved(id=rfc, on=base, version=f"{rfc_number}.0"), subject=rfc)
            count += 5
            continue
        code = rng.choice(milestones)
        if code in done:
            yield Draft(MilestoneReopened(code=code, reason="found more work"), subject=code)
            done.discard(code)
        elif roll < 0.15:
            yield Draft(MilestoneCompleted(code=code, on=base), subject=code)
            done.add(code)
        else:
            to = day()
            moved = ForecastMoved.model_validate(
                {"code": code, "from": forecast[code], "to": to, "reason": "rescheduled"}
            )
            forecast[code] = to
            yield Draft(moved, subject=code)
        count += 1


def build(folder: Path, n: int) -> str:
    """The URL of a ledger of at least `n` events in `folder`, built unless already there."""
    folder.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{folder / 'bench.db'}"
    if (folder / "bench.db").exists():
        store = Store.open(url)
        have = store.last_seq()
        store.close()
        if have >= n:
            print(f"reusing {have:,} events in {folder}")
            return url
        sys.exit(f"{folder} holds a ledger of {have:,} events; give another --dir")
    signer = generate_key_file(folder / "bench-key.pem")
    book = Ledger.create(url, name="bench", signer=signer, actor="bench", baseline_control=False)
    start = time.perf_counter()
    pending = drafts(n - len(book.log), random.Random(564))
    while batch := [draft for _, draft in zip(range(BATCH), pending, strict=False)]:
        book.append(signer=signer, actor=None, decide=lambda _state, batch=batch: batch)
    print(f"built {len(book.log):,} events in {time.perf_counter() - start:.1f} s")
    book.close()
    return url


def before_verifier(commit: str) -> ModuleType | None:
    """`ledger/verify.py` as it was at `commit`, or None without git."""
    try:
        source = subprocess.run(
            ["git", "show", f"{commit}:ledger/verify.py"],
            capture_output=True,
            check=True,
            cwd=Path(__file__).resolve().parent,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    spec = importlib.util.spec_from_loader("verify_before", loader=None)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while they are made
    exec(compile(source, f"{commit}:ledger/verify.py", "exec"), module.__dict__)
    return module


def rate(events: int, verify: Callable[[], object]) -> float:
    """Events verified per second, one whole verification."""
    start = time.perf_counter()
    report = verify()
    elapsed = time.perf_counter() - start
    assert getattr(report, "ok", False), report
    return events / elapsed


def gil_check(count: int = 6000) -> float:
    """How many cores two threads verifying Ed25519 signatures keep busy (CPU time / wall).

    About 1 means `cryptography` holds the GIL while it verifies (so threads
    cannot help and processes are needed); about 2, that it releases it
    (pyca/cryptography#15164 makes it do so in a later release). Rates alone
    mislead on a shared machine; CPU time does not.
    """
    private = Ed25519PrivateKey.generate()
    public = private.public_key()
    messages = [os.urandom(52) for _ in range(count)]
    signatures = [private.sign(m) for m in messages]

    def verify(indexes: range) -> None:
        for i in indexes:
            public.verify(signatures[i], messages[i])

    with ThreadPoolExecutor(2) as pool:
        cpu, wall = time.process_time(), time.perf_counter()
        list(pool.map(verify, [range(0, count // 2), range(count // 2, count)]))
        return (time.process_time() - cpu) / (time.perf_counter() - wall)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("events", type=int, nargs="?", default=20_000, help="ledger size")
    parser.add_argument("--dir", type=Path, help="build the ledger here, or reuse it")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each (median)")
    parser.add_argument("--before", default=BEFORE, help="commit of the verifier before")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        url = build(args.dir or Path(scratch), args.events)
        store = Store.open(url)
        events = store.last_seq()
        old = before_verifier(args.before)
        every = cores()
        print(f"{events:,} events, {every} cores, load average {os.getloadavg()[0]:.2f}")
        modes: dict[str, Callable[[], object]] = {
            "one core": lambda: verify_store(store, workers=1),
            f"{every} cores": lambda: verify_store(store, workers=every),
        }
        if old is not None:
            modes = {f"before ({args.before})": lambda: old.verify_rows(store.iter_all())} | modes
        rates: dict[str, list[float]] = {name: [] for name in modes}
        for _ in range(args.repeat):
            for name, verify in modes.items():  # in turn, so that load changes hit all alike
                rates[name].append(rate(events, verify))
        busy = gil_check()
        store.close()

    medians = {name: statistics.median(found) for name, found in rates.items()}
    print(f"{'verify, median of ' + str(args.repeat):<28}{'events/s':>12}")
    for name, value in medians.items():
        print(f"{name:<28}{value:>12,.0f}")
    single, parallel = medians["one core"], medians[f"{every} cores"]
    print(f"{'all cores / one core':<28}{parallel / single:>12.2f}")
    if old is not None:
        print(f"{'all cores / before':<28}{parallel / medians[f'before ({args.before})']:>12.2f}")
    gil = "releases" if busy > 1.3 else "holds"
    print(f"two threads verifying Ed25519 keep {busy:.2f} cores busy: cryptography {gil} the GIL")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
