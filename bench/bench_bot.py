"""Benchmark: how fast the served Slack bot acknowledges slash commands under load.

Starts `milestone serve` (uvicorn on 127.0.0.1) over a fresh ledger of a few
hundred milestones, with the Slack Web API stood in locally, then sends 500
signed `/milestone` commands (reads such as `show` and `history`, writes such
as `complete` and `move`) over 20 concurrent keep-alive connections, and
prints the median and 99th-percentile time from sending a request to
receiving its acknowledgement (the HTTP answer Slack waits 3 seconds for).

    .venv/bin/python bench/bench_bot.py [--requests 500] [--connections 20] [--db URL]
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import queue
import random
import select
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the Slack stand-in lives with the tests

from slack_standin import SlackSender, SlackStandIn, signature  # noqa: E402

from ledger import requests as rq  # noqa: E402
from ledger.execute import record  # noqa: E402
from ledger.ledger import Ledger  # noqa: E402
from ledger.signing import generate_key_file  # noqa: E402
from ledger.verify import verify_rows  # noqa: E402

SECRET = "bench-signing-secret"
TEAM = "T0TEST"
USERS = [f"UENG{n:02d}" for n in range(10)]
MILESTONES = 300


def seed(db_url: str, folder: Path) -> None:
    """A ledger with 6 Level-2 and MILESTONES Level-3 milestones; engineers are editors."""
    admin = generate_key_file(folder / "admin.pem")
    bot = generate_key_file(folder / "bot.pem")
    ledger = Ledger.create(
        db_url, name="bench", signer=admin, actor="admin", baseline_control=False
    )
    record(
        rq.AddKey(actor="bot:slack", public_key=bot.public_raw, delegate_for="slack:"),
        ledger=ledger,
        signer=admin,
    )
    for user in USERS:
        record(
            rq.GrantRole(actor=f"slack:{TEAM}/{user}", role="editor"), ledger=ledger, signer=admin
        )
    for n in range(6):
        record(
            rq.DefineMilestone(
                code=f"LDM-503-{n:02d}", title=f"Release {n}", due=f"2031-{n + 1:02d}-28", level=2
            ),
            ledger=ledger,
            signer=admin,
        )
    for n in range(MILESTONES):
        record(
            rq.DefineMilestone(
                code=f"DM-AP-{n}",
                title=f"Alert work item {n}",
                due=f"2030-{n % 12 + 1:02d}-{n % 28 + 1:02d}",
                releases=[f"LDM-503-{n % 6:02d}"],
            ),
            ledger=ledger,
            signer=admin,
        )
    ledger.close()


def workload(count: int, rng: random.Random) -> list[tuple[str, bool]]:
    """(command text, is a write): 60% reads, 40% writes that all succeed."""
    writes = int(count * 0.4)
    completes = list(range(0, writes // 2))
    moves = list(range(MILESTONES // 2, MILESTONES // 2 + writes - len(completes)))
    texts: list[tuple[str, bool]] = [(f"complete DM-AP-{n}", True) for n in completes]
    texts += [(f"move DM-AP-{n} 2032-{n % 12 + 1:02d}-{n % 28 + 1:02d}", True) for n in moves]
    reads = ["show DM-AP-{}", "history DM-AP-{}", "show LDM-503-0{}", "late", "upcoming"]
    for _ in range(count - len(texts)):
        texts.append((rng.choice(reads).format(rng.randrange(6)), False))
    rng.shuffle(texts)
    return texts


def start_bot(db_url: str, folder: Path, slack: SlackStandIn) -> tuple[subprocess.Popen, str]:
    """`milestone serve --port 0` in its own process; returns it and its URL."""
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_SIGNING_SECRET": SECRET,
        "MILESTONE_SLACK_API_URL": slack.api_url,
        "MILESTONE_SLACK_CHANNEL": "CBENCH",
        "MILESTONE_BOT_KEY": str(folder / "bot.pem"),
    }
    milestone = Path(sys.executable).with_name("milestone")
    process = subprocess.Popen(
        [str(milestone), "--db", db_url, "serve", "--port", "0"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], 30)
    line = process.stdout.readline() if ready else ""
    if not line.startswith("serving "):
        process.kill()
        raise SystemExit(f"the bot did not start: {line!r}")
    return process, line.split()[1]


def run(url: str, slack: SlackStandIn, texts: list[tuple[str, bool]], connections: int) -> dict:
    """Send every command over `connections` keep-alive connections; time each answer."""
    work: queue.Queue[tuple[int, str]] = queue.Queue()
    for index, (text, _) in enumerate(texts):
        work.put((index, text))
    results: list[tuple[float, int, str]] = [(0.0, 0, "")] * len(texts)
    parsed = urllib.parse.urlsplit(url)
    sender = SlackSender(url, SECRET, slack)

    def client(worker: int) -> None:
        connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
        while True:
            try:
                index, text = work.get_nowait()
            except queue.Empty:
                break
            body, _ = sender.command_body(text, user=USERS[index % len(USERS)])
            stamp = str(int(time.time()))
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Slack-Request-Timestamp": stamp,
                "X-Slack-Signature": signature(SECRET, stamp, body),
            }
            started = time.perf_counter()
            connection.request("POST", parsed.path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
            seconds = time.perf_counter() - started
            text_out = json.loads(data).get("text", "") if data else ""
            results[index] = (seconds, response.status, text_out)
        connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(connections)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"results": results, "wall": time.perf_counter() - began}


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile: the smallest value at or above `fraction` of them."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def main() -> None:
    """Run the benchmark and print the figures."""
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--requests", type=int, default=500)
    options.add_argument("--connections", type=int, default=20)
    options.add_argument("--db", help="an empty database's URL (default: a new SQLite file)")
    args = options.parse_args()
    with tempfile.TemporaryDirectory() as scratch, SlackStandIn() as slack:
        folder = Path(scratch)
        db_url = args.db or f"sqlite:///{folder / 'bench.db'}"
        print(f"seeding {MILESTONES} milestones at {db_url.split('?')[0]} …", flush=True)
        seed(db_url, folder)
        texts = workload(args.requests, random.Random(564))
        process, url = start_bot(db_url, folder, slack)
        try:
            outcome = run(url, slack, texts, args.connections)
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(30)
        results = outcome["results"]
        ledger = Ledger.open(db_url)
        report = verify_rows(ledger.store.iter_all())
        ledger.close()

    times = [r[0] * 1000 for r in results]
    failed = [r for r in results if r[1] != 200]
    busy = [r for r in results if "slow to answer" in r[2]]
    refused = [
        r
        for (r, (_, write)) in zip(results, texts, strict=True)
        if write and "Recorded" not in r[2]
    ]
    writes = sum(1 for _, write in texts if write)
    print(
        f"{len(results)} slash commands ({writes} writes, {len(results) - writes} reads) over "
        f"{args.connections} connections in {outcome['wall']:.2f} s "
        f"({len(results) / outcome['wall']:.0f}/s)\n"
        f"time to acknowledgement: median {statistics.median(times):.1f} ms, "
        f"p99 {percentile(times, 0.99):.1f} ms, max {max(times):.1f} ms\n"
        f"non-200 answers: {len(failed)}; 'still working' acks: {len(busy)}; "
        f"writes not recorded: {len(refused)}; ledger verifies: {report.ok} "
        f"({report.checked} events)"
    )


if __name__ == "__main__":
    main()
