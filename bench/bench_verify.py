"""Benchmark verification on one core and on every core (SQLite).

    python bench/bench_verify.py 100000 [--dir DIR] [--repeat 3]

Builds a ledger of N events (or reuses the one in --dir), then verifies it
whole, as `milestone verify` does, several times over in turn: with the
verifier as it was before it went parallel (read from git, commit --before),
on one core, on every core with processes (the default) and with threads.
Prints the median rates, the CPU each spends per event, their ratios, and
whether Ed25519 verification releases the GIL (threads gain only if it does).
The machine is shared: the load average before and after is printed so that
a noisy run can be told from a slow one.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from types import ModuleType
from typing import Literal

import cryptography
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
from ledger import verify_parallel
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


def rate(events: int, verify: Callable[[], object]) -> tuple[float, float]:
    """Events verified per second in one whole verification, and CPU µs spent per event
    (this process and its workers: what parallel checking costs beyond one core)."""
    cpu = _cpu()
    start = time.perf_counter()
    report = verify()
    elapsed = time.perf_counter() - start
    assert getattr(report, "ok", False), report
    return events / elapsed, (_cpu() - cpu) / events * 1e6


def _cpu() -> float:
    own, workers = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def gil_released(calls: int = 5) -> bool:
    """Whether `cryptography` lets other threads run while it verifies Ed25519.

    With a long switch interval a pure-Python thread gets the GIL only while
    another thread is inside a call that releases it, so this does not depend
    on how busy the machine is (CPU time and rates do).
    """
    private = Ed25519PrivateKey.generate()
    public = private.public_key()
    message = os.urandom(52)
    signature = private.sign(message)
    finished = threading.Event()
    loops = 0

    def spin() -> None:
        nonlocal loops
        while not finished.is_set():
            loops += 1

    def verify() -> None:
        for _ in range(calls):
            public.verify(signature, message)
        finished.set()

    interval = sys.getswitchinterval()
    sys.setswitchinterval(0.2)
    try:
        threads = [threading.Thread(target=verify), threading.Thread(target=spin)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    return loops > 1000


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

        def on_every_core(pool: Literal["process", "thread"]) -> Callable[[], object]:
            def verify() -> object:
                verify_parallel.POOL = pool
                try:
                    return verify_store(store, workers=every)
                finally:
                    verify_parallel.POOL = "process"

            return verify

        modes: dict[str, Callable[[], object]] = {
            "one core": lambda: verify_store(store, workers=1),
            f"{every} processes": on_every_core("process"),
            f"{every} threads": on_every_core("thread"),
        }
        if old is not None:
            modes = {f"before ({args.before})": lambda: old.verify_rows(store.iter_all())} | modes
        rates: dict[str, list[float]] = {name: [] for name in modes}
        costs: dict[str, list[float]] = {name: [] for name in modes}
        for _ in range(args.repeat):
            for name, verify in modes.items():  # in turn, so that load changes hit all alike
                found, cost = rate(events, verify)
                rates[name].append(found)
                costs[name].append(cost)
        released = gil_released()
        store.close()

    medians = {name: statistics.median(found) for name, found in rates.items()}
    print(f"{'verify, median of ' + str(args.repeat):<28}{'events/s':>12}{'CPU µs/event':>16}")
    for name, value in medians.items():
        print(f"{name:<28}{value:>12,.0f}{statistics.median(costs[name]):>16,.0f}")
    single = medians["one core"]
    for pool in ("processes", "threads"):
        print(f"{f'{every} {pool} / one core':<28}{medians[f'{every} {pool}'] / single:>12.2f}")
    if old is not None:
        before = medians[f"before ({args.before})"]
        print(f"{'processes / before':<28}{medians[f'{every} processes'] / before:>12.2f}")
    gil = "releases" if released else "holds"
    print(f"cryptography {cryptography.__version__} {gil} the GIL while it verifies Ed25519")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
