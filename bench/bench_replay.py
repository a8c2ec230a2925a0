"""Benchmark what refusing replays costs a Slack request: its signature recorded in the database.

    .venv/bin/python bench/bench_replay.py [--requests 1000] [--threads 1] [--db URL]

Makes a new ledger (a SQLite file in a temporary folder, or the empty database
or PostgreSQL schema `--db` names), then passes `--requests` freshly signed
requests through the bot's check (`SlackSignature.refusal`: the signature, the
timestamp, and recording the signature as seen), from `--threads` threads at
once, as request threads of the served bot would. It prints the median and
99th-percentile wall time of one check, the process's CPU time per check, and
the median time to check a replay of each, and how many replays were refused
(those whose first pass found the database too busy to record it are let in).
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import logging
import math
import statistics
import tempfile
import threading
import time
from pathlib import Path

from bot.verification import SlackSignature
from ledger.ledger import Ledger
from ledger.signing import generate_key_file

SECRET = "bench-signing-secret"


def _signed(n: int) -> tuple[str, str, str]:
    body = f"team_id=T0&user_id=U{n}&command=%2Fmilestone&text=show+DM-AP-{n}&trigger_id={n}"
    stamp = str(int(time.time()))
    mac = hmac.new(SECRET.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256)
    return body, stamp, "v0=" + mac.hexdigest()


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


def run(db_url: str, requests: int, threads: int, folder: Path) -> None:
    """Time `requests` checks from `threads` threads on a new ledger at `db_url`."""
    signer = generate_key_file(folder / "bench.pem")
    book = Ledger.create(db_url, name="bench", signer=signer, actor="bench")
    check = SlackSignature(SECRET, sightings=book.store, ack_budget=2.0)
    logging.getLogger("bot.verification").setLevel(logging.ERROR)  # counted below instead
    signed = [_signed(n) for n in range(requests)]
    times: list[float] = []
    failures: list[str] = []
    share = math.ceil(requests / threads)

    def work(part: list[tuple[str, str, str]]) -> None:
        for request in part:
            started = time.perf_counter()
            reason = check.refusal(*request)
            times.append(time.perf_counter() - started)
            if reason is not None:
                failures.append(reason)

    parts = [signed[i : i + share] for i in range(0, requests, share)]
    workers = [threading.Thread(target=work, args=(part,)) for part in parts]
    cpu = time.process_time()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    cpu = time.process_time() - cpu
    replays, missed = [], 0
    for request in signed:
        started = time.perf_counter()
        reason = check.refusal(*request)
        replays.append(time.perf_counter() - started)
        missed += reason is None  # its first pass was let in unrecorded (the database was busy)
    book.close()
    assert not failures, failures[:3]
    print(f"{requests} requests from {threads} thread(s) on {db_url.split('?')[0]}")
    print(
        f"  accepted: median {statistics.median(times) * 1e3:.2f} ms, "
        f"p99 {_percentile(times, 0.99) * 1e3:.2f} ms, CPU {cpu / requests * 1e3:.3f} ms each"
    )
    print(
        f"  replays: median {statistics.median(replays) * 1e3:.2f} ms; "
        f"{requests - missed} refused, {missed} let in (unrecorded: the database was busy)"
    )


def main() -> None:
    """Parse the options and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--db", help="an empty database (default: a new SQLite file)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = options.db or f"sqlite:///{Path(folder) / 'bench.db'}"
        run(url, options.requests, options.threads, Path(folder))


if __name__ == "__main__":
    main()
