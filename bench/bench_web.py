"""Benchmark the web view: 50 concurrent clients on the plan page of a 100,000-event ledger.

    .venv/bin/python bench/bench_web.py [--events 100000] [--clients 50] [--requests 2000]

Builds a SQLite ledger of N events through the batch path (`Ledger.append` with
`decide` returning about 10,000 drafts per transaction: 50 Level-2 and 1,000 Level-3
milestones defined, then forecast moves, completions and approved RFCs), serves it
with `python -m web` on 127.0.0.1 in a process of its own, and has `--clients`
keep-alive connections ask for `/plan` until `--requests` answers have come back (or
`--seconds` have passed). Prints the median and 99th-percentile latency of the plan
page: when all clients ask at once just after an append (so the page must be rendered
anew, once for all of them), in the steady state, and as of an RFC. Clients ask as
browsers do (gzip accepted, the body decompressed); the last measure asks without
gzip, as curl does.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from events.catalogue import (
    ForecastMoved,
    MilestoneCompleted,
    MilestoneDefined,
    RfcApproved,
    RfcOpened,
)
from ledger.append import Draft
from ledger.ledger import Ledger
from ledger.signing import Signer, generate_key_file

BATCH = 10_000
LEVEL2 = 50
LEVEL3 = 1_000


def drafts(total: int) -> Iterator[Draft]:
    """The events of a plan that lives a long time, in the order they are recorded."""
    rng = random.Random(564)
    start = date(2024, 1, 1)
    forecast: dict[str, date] = {}
    done: set[str] = set()
    releases = [f"LDM-503-{n:02d}" for n in range(LEVEL2)]
    for code in releases:
        due = start + timedelta(days=rng.randrange(200, 2000))
        forecast[code] = due
        yield Draft(MilestoneDefined(code=code, level=2, title=f"Release {code}",
                                     baseline=due, forecast=due), subject=code)  # fmt: skip
    level3 = [f"DM-T{n % 9}-{n}" for n in range(LEVEL3)]
    for code in level3:
        due = start + timedelta(days=rng.randrange(100, 2000))
        forecast[code] = due
        yield Draft(
            MilestoneDefined(code=code, level=3, title=f"Milestone {code} of the bench plan",
                             baseline=due, forecast=due, releases=(rng.choice(releases),)),
            subject=code,
        )  # fmt: skip
    made, rfc = LEVEL2 + LEVEL3, 0
    while made < total:
        roll = rng.random()
        if roll < 0.001 and made + 2 <= total:
            rfc += 1
            rfc_id = f"RFC-{rfc}"
            yield Draft(RfcOpened(id=rfc_id, title=f"Change {rfc}"), subject=rfc_id, rfc=rfc_id)
            approval = RfcApproved(id=rfc_id, on=date(2025, 1, 1), version=f"{rfc}.0")
            yield Draft(approval, subject=rfc_id, rfc=rfc_id)
            made += 2
            continue
        code = rng.choice(level3)
        if code in done:
            continue
        if roll < 0.003:
            done.add(code)
            yield Draft(MilestoneCompleted(code=code, on=forecast[code]), subject=code)
        else:
            to = forecast[code] + timedelta(days=rng.choice([-7, -1, 1, 7, 14, 30]))
            yield Draft(ForecastMoved(code=code, **{"from": forecast[code]}, to=to), subject=code)
            forecast[code] = to
        made += 1


def build(url: str, signer: Signer, total: int) -> float:
    """A ledger of `total` events (genesis included); returns the seconds it took."""
    started = time.perf_counter()
    ledger = Ledger.create(url, name="bench", signer=signer, actor="bench", baseline_control=False)
    pending = list(drafts(total - ledger.length))
    for first in range(0, len(pending), BATCH):
        batch = pending[first : first + BATCH]
        ledger.append(signer=signer, actor="bench", decide=lambda _state, batch=batch: batch)
    assert ledger.length == total, ledger.length
    ledger.close()
    return time.perf_counter() - started


#: What a browser sends; the body is decompressed too, as a browser would.
HEADERS = {"Accept-Encoding": "gzip, deflate, br"}


def read_body(response: http.client.HTTPResponse) -> bytes:
    """An answer's body, decompressed if it came gzipped."""
    body = response.read()
    if response.getheader("content-encoding") == "gzip":
        return zlib.decompress(body, wbits=31)
    return body


def load(
    base: str,
    path: str,
    *,
    clients: int,
    requests: int,
    seconds: float,
    headers: dict[str, str] | None = None,
) -> list[float]:
    """`clients` connections asking for `path` until `requests` answers or `seconds` pass."""
    host, port = base.removeprefix("http://").rstrip("/").split(":")
    latencies: list[float] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    left = [requests]

    def client() -> None:
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        while time.monotonic() < deadline:
            with lock:
                if left[0] <= 0:
                    break
                left[0] -= 1
            started = time.perf_counter()
            connection.request("GET", path, headers=HEADERS if headers is None else headers)
            response = connection.getresponse()
            body = read_body(response)
            elapsed = time.perf_counter() - started
            assert response.status == 200 and body, response.status
            with lock:
                latencies.append(elapsed)
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies


def waves(
    base: str, path: str, *, url: str, signer: Signer, clients: int, rounds: int
) -> list[float]:
    """After each of `rounds` appends (so no page is kept), `clients` ask at once."""
    host, port = base.removeprefix("http://").rstrip("/").split(":")
    ledger = Ledger.open(url)
    latencies: list[float] = []
    lock = threading.Lock()
    code = "DM-T0-0"
    for round_ in range(rounds):
        current = ledger.state().milestones[code].forecast
        to = date.fromisoformat(current) + timedelta(days=1 + round_ % 2)
        move = Draft(ForecastMoved(code=code, **{"from": current}, to=to), subject=code)
        ledger.append(signer=signer, actor="bench", decide=lambda _s, m=move: m)

        def client(start: threading.Barrier) -> None:
            connection = http.client.HTTPConnection(host, int(port), timeout=60)
            start.wait()
            started = time.perf_counter()
            connection.request("GET", path, headers=HEADERS)
            response = connection.getresponse()
            read_body(response)
            elapsed = time.perf_counter() - started
            assert response.status == 200
            connection.close()
            with lock:
                latencies.append(elapsed)

        start = threading.Barrier(clients)
        threads = [threading.Thread(target=client, args=(start,)) for _ in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    ledger.close()
    return latencies


def report(name: str, latencies: list[float], seconds: float) -> None:
    """One line: how many, how fast, p50 and p99 in milliseconds."""
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    print(
        f"{name:<34}{len(ordered):>8}{len(ordered) / seconds:>10.0f}"
        f"{statistics.median(ordered) * 1000:>10.1f}{p99 * 1000:>10.1f}"
    )


def main() -> None:
    """Build, serve, measure, print."""
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--events", type=int, default=100_000)
    options.add_argument("--clients", type=int, default=50)
    options.add_argument("--requests", type=int, default=2_000, help="answers per measure")
    options.add_argument("--seconds", type=float, default=120, help="time limit per measure")
    options.add_argument("--port", type=int, default=8753)
    args = options.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        url = f"sqlite:///{folder / 'bench.db'}"
        signer = generate_key_file(folder / "bench.pem")
        built = build(url, signer, args.events)
        print(f"built {args.events:,} events in {built:.1f} s ({args.events / built:,.0f}/s)")

        env = {**os.environ, "MILESTONE_DB_URL": url}
        server = subprocess.Popen(
            [sys.executable, "-m", "web", "--host", "127.0.0.1", "--port", str(args.port)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        try:
            assert server.stdout is not None
            base = server.stdout.readline().split()[1]
            size = len(_get(base, "/plan"))
            print(f"serving {base}; the plan page is {size / 1024:,.0f} KiB")
            print(f"{'measure':<34}{'answers':>8}{'per s':>10}{'p50 ms':>10}{'p99 ms':>10}")
            started = time.perf_counter()
            rounds = max(1, min(20, args.requests // args.clients))
            latencies = waves(
                base, "/plan", url=url, signer=signer, clients=args.clients, rounds=rounds
            )
            report("plan, now, just after an append", latencies, time.perf_counter() - started)
            measures = (
                ("plan, now", "/plan", HEADERS),
                ("plan as of RFC-5", "/plan?as_of=RFC-5", HEADERS),
                ("plan, now, not gzipped", "/plan", {}),
            )
            for name, path, headers in measures:
                _get(base, path)  # one look first, as a person's first visit would
                started = time.perf_counter()
                latencies = load(
                    base,
                    path,
                    clients=args.clients,
                    requests=args.requests,
                    seconds=args.seconds,
                    headers=headers,
                )
                report(name, latencies, time.perf_counter() - started)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)


def _get(base: str, path: str) -> bytes:
    host, port = base.removeprefix("http://").rstrip("/").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    connection.request("GET", path)
    body = connection.getresponse().read()
    connection.close()
    return body


if __name__ == "__main__":
    main()
