"""1,000 `milestone plan` runs on damaged ledgers: the real plan or a refusal, never a traceback.

A small ledger with dated history (RFC approvals carrying versions, forecast and
baseline moves, completions, a backdated definition) is damaged one stored value
at a time, as a flip on disk leaves it (`verify_damage`: one bit or byte of one
column of one row of `events`, text columns holding the raw bytes). After each
change one `plan` runs in-process through the real Typer app, with a selector
from a spread: the head, `--as-of` a date, an RFC, a version and a log position,
`--known-at`, and `--json`. Each run must print exactly what the undamaged
ledger prints for that selector (damage the view did not need), or refuse in one
line that names `milestone verify` with ChainBroken's exit status. A traceback or
any other plan is a failure: a changed row must never show.

Each change is undone before the next is made (as `verify_damage.damage_rows`
does), which costs far less than a fresh copy of the file each time; the copy
verifies again at the end, so no change outlived its run.

Before the views checked what they read, the same 1,000 runs gave 92 tracebacks
(SQLite refusing to decode a text column, a body that did not decode) and 16
changed plans (a row whose seq moved away dropped out of `--as-of` and `--known-at`
views); 863 were identical and 29 refused.
"""

from __future__ import annotations

import collections
import shutil
from pathlib import Path

import pytest
import typer.main
import typer.testing
from conftest import make_key
from freezegun import freeze_time
from typer.testing import CliRunner
from verify_damage import Mutation, Tamperer, draw_many

from cli.app import app as typer_app
from events.catalogue import MilestoneDefined
from ledger import requests as rq
from ledger import verify_parallel
from ledger.asof import parse_instant_text
from ledger.errors import ChainBroken, NotFound
from ledger.execute import record
from ledger.ledger import Draft, Ledger
from ledger.signing import generate_key_file
from ledger.verify import verify_store
from ledger.verify_parallel import PARALLEL_FROM, cores

SEED = 10
RUNS = 1000

#: The selectors each run takes one of, in turn.
SELECTORS: tuple[tuple[str, ...], ...] = (
    (),
    ("--as-of", "2020-02-15"),
    ("--as-of", "2020-03-20"),
    ("--as-of", "2020-04-01T09:00Z"),
    ("--as-of", "RFC-1"),
    ("--as-of", "RFC-2"),
    ("--as-of", "v1.2"),
    ("--as-of", "#12"),
    ("--as-of", "#30"),
    ("--known-at", "2020-03-02"),
    ("--known-at", "2020-04-20T12:00Z", "--as-of", "2020-02-01"),
    ("--known-at", "2020-04-20T12:00Z", "--as-of", "RFC-2"),
    ("--json",),
    ("--json", "--as-of", "v1.0"),
    ("--json", "--as-of", "2020-01-20"),
    ("--json", "--known-at", "2020-03-10T13:00Z"),
)


def build_dated_ledger(url: str, keys: Path) -> None:
    """A ledger whose ~40 events happen on known days of 2020, one of them backdated."""
    alice = generate_key_file(keys / "alice.pem")
    with freeze_time("2020-01-01 08:00"):
        book = Ledger.create(url, name="dated", signer=alice, actor="alice")
    k = {"ledger": book, "signer": alice}
    bob = make_key(keys, "bob")
    as_bob = {"ledger": book, "signer": bob}

    def on(day: str, *requests: rq.Request, who: dict = k) -> None:
        with freeze_time(f"2020-{day} 08:00"):
            for request in requests:
                record(request, **who)

    on(
        "01-01",
        rq.AddKey(actor="bob", public_key=bob.public_raw),
        rq.GrantRole(actor="bob", role="editor"),
    )
    defines = [
        rq.DefineMilestone(
            code=f"L2-{n}", title=f"Release {n}", due=f"2020-0{4 + n}-30", level=2, rfc="RFC-1"
        )
        for n in (1, 2)
    ]
    defines += [
        rq.DefineMilestone(
            code=f"DM-A-{n}",
            title=f"Step {n}",
            due=f"2020-0{3 + n % 3}-1{n}",
            releases=(f"L2-{1 + n % 2}",),
            rfc="RFC-1",
        )
        for n in range(1, 7)
    ]
    on("01-02", rq.OpenRfc(rfc="RFC-1", title="the plan"), *defines)
    on("01-03", rq.ApproveRfc(rfc="RFC-1", version="1.0"))
    on("01-20", rq.MoveMilestone(code="DM-A-1", to="2020-04-20", reason="late kit"), who=as_bob)
    on(
        "02-01",
        rq.MoveMilestone(code="DM-A-2", to="2020-05-02"),
        rq.CompleteMilestone(code="DM-A-3", on="2020-01-30"),
    )
    on(
        "03-01",
        rq.OpenRfc(rfc="RFC-2", title="slip"),
        rq.MoveMilestone(code="DM-A-1", to="2020-05-15", baseline=True, rfc="RFC-2"),
        rq.MoveMilestone(code="DM-A-4", to="2020-06-15", baseline=True, rfc="RFC-2"),
    )
    on("03-05", rq.ApproveRfc(rfc="RFC-2", version="1.1"))
    with freeze_time("2020-03-10 12:00"):
        book.append(
            signer=alice,
            actor=None,
            decide=lambda _s: Draft(
                MilestoneDefined(
                    code="DM-OLD",
                    level=3,
                    title="Found late",
                    baseline="2020-02-20",
                    forecast="2020-02-20",
                    releases=("L2-1",),
                ),
                subject="DM-OLD",
                effective="2020-01-15T09:00:00.000000Z",
            ),
        )
    on(
        "03-15",
        rq.CompleteMilestone(code="DM-OLD", on="2020-02-25"),
    )
    on(
        "03-20",
        rq.OpenRfc(rfc="RFC-3", title="withdraw six"),
        rq.WithdrawMilestone(code="DM-A-6", reason="not needed", rfc="RFC-3"),
        rq.RetitleMilestone(code="DM-A-2", title="Step two, renamed", rfc="RFC-3"),
    )
    on("03-25", rq.ApproveRfc(rfc="RFC-3", version="1.2"))
    on(
        "04-01",
        rq.CompleteMilestone(code="DM-A-1", on="2020-03-30"),
        rq.ReopenMilestone(code="DM-A-3", reason="failed test"),
    )
    on(
        "04-10",
        rq.OpenRfc(rfc="RFC-4", title="too bold"),
        rq.MoveMilestone(code="L2-2", to="2020-12-01", baseline=True, rfc="RFC-4"),
    )
    on("04-12", rq.RejectRfc(rfc="RFC-4", reason="no"))
    on(
        "04-15",
        rq.MoveMilestone(code="DM-A-5", to="2020-07-01"),
        rq.CompleteMilestone(code="DM-A-3", on="2020-04-14"),
        who=as_bob,
    )
    on(
        "05-01",
        rq.CompleteMilestone(code="L2-1", on="2020-04-30"),
        rq.MoveMilestone(code="DM-A-2", to="2020-05-20", reason="waits for one"),
    )
    book.close()


@pytest.fixture(scope="module")
def dated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The undamaged ledger file."""
    folder = tmp_path_factory.mktemp("plan-damage")
    build_dated_ledger(f"sqlite:///{folder / 'ledger.db'}", folder / "keys")
    return folder / "ledger.db"


def test_a_thousand_plans_on_damaged_ledgers_are_real_or_refused(dated, tmp_path, monkeypatch):
    # Typer's runner builds the Click tree again for every call; build it once.
    built = typer.main.get_command(typer_app)
    monkeypatch.setattr(typer.testing, "_get_command", lambda _app: built)
    runner = CliRunner()
    path = tmp_path / "damaged.db"
    shutil.copyfile(dated, path)
    db = ["--db", str(path)]

    def run(selector: tuple[str, ...]):
        return runner.invoke(typer_app, [*db, "plan", *selector])

    with freeze_time("2020-06-01 12:00"):
        real = {}
        for selector in SELECTORS:
            result = run(selector)
            assert result.exit_code == 0 and result.exception is None, (selector, result.output)
            real[selector] = result.stdout
        tamperer = Tamperer(path)
        mutations = draw_many(SEED, RUNS, tamperer.lengths())
        counts: collections.Counter[str] = collections.Counter()
        refused: collections.Counter[str] = collections.Counter()
        failures: list[str] = []
        try:
            for number, mutation in enumerate(mutations):
                selector = SELECTORS[number % len(SELECTORS)]
                undo = tamperer.apply(mutation)
                try:
                    result = run(selector)
                finally:
                    tamperer.restore(mutation, undo)
                outcome, detail = _judge(result, real[selector])
                counts[outcome] += 1
                refused[" ".join(selector) or "(head)"] += outcome == "refused"
                if outcome not in ("identical", "refused"):
                    failures.append(f"{detail}: {mutation} with plan {' '.join(selector)}")
        finally:
            tamperer.close()

    print(f"\n{RUNS} plans on damaged ledgers: {dict(counts)}")
    print("refused, by selector:", ", ".join(f"{k}: {v}" for k, v in refused.items()))
    assert counts["identical"] + counts["refused"] + len(failures) == RUNS
    assert not failures, f"{len(failures)} of {RUNS} failed ({dict(counts)}):\n" + "\n".join(
        failures[:40]
    )
    # The damage reached the views: both outcomes happen, or the test proves nothing.
    assert counts["identical"] > 100 and counts["refused"] > 100
    # Every change was undone: the file verifies again.
    from ledger.store import Store

    store = Store.open(f"sqlite:///{path}")
    try:
        assert verify_store(store).ok
    finally:
        store.close()


def _judge(result: typer.testing.Result, real: str) -> tuple[str, str]:
    """What one run did (identical, refused, traceback, changed plan, other) and in words."""
    error = result.exception
    if error is not None and not isinstance(error, SystemExit):
        return "traceback", f"traceback {type(error).__name__}: {error}"
    if "Traceback" in result.output:
        return "traceback", "traceback in the output"
    if result.exit_code == 0:
        same = result.stdout == real
        return ("identical", "") if same else ("changed plan", "changed plan")
    lines = result.stderr.strip().splitlines()
    if (
        result.exit_code == ChainBroken.exit_code
        and not result.stdout
        and len(lines) == 1
        and "damaged" in lines[0]
        and "milestone verify" in lines[0]
    ):
        return "refused", ""
    return "other", f"other exit {result.exit_code}: {result.stderr.strip()[:200]}"


def test_known_at_on_a_long_log_refuses_a_damaged_row_checked_on_every_core(tmp_path, monkeypatch):
    # Long enough that --known-at checks its rows in worker processes, as verify does.
    length = PARALLEL_FROM + 200
    url = f"sqlite:///{tmp_path / 'long.db'}"
    alice = generate_key_file(tmp_path / "alice.pem")
    book = Ledger.create(url, name="long", signer=alice, actor="alice", baseline_control=False)
    drafts = [
        Draft(
            MilestoneDefined(
                code=f"DM-X-{n}", level=3, title="x", baseline="2020-01-01", forecast="2020-01-01"
            ),
            subject=f"DM-X-{n}",
        )
        for n in range(length)
    ]
    book.append(signer=alice, actor=None, decide=lambda _state: drafts)
    future = parse_instant_text("2999-01-01")
    pools = []
    real_pool = verify_parallel._in_pool
    monkeypatch.setattr(
        verify_parallel, "_in_pool", lambda *a: pools.append(a[-1]) or real_pool(*a)
    )

    whole = book.view(known_at=future)
    assert whole.position == book.length and whole.state.milestones == book.state().milestones
    assert pools == ([cores()] if cores() > 1 else [])

    tamperer = Tamperer(tmp_path / "long.db")
    damaged = Mutation(seq=PARALLEL_FROM + 100, column="body", position=40, mask=1)
    undo = tamperer.apply(damaged)
    try:
        with pytest.raises(ChainBroken, match=f"damaged at event #{damaged.seq}.*milestone verify"):
            book.view(known_at=future)
        # Nothing was known in 2000: that is said, not refused (no row after it is read).
        with pytest.raises(NotFound, match="nothing was recorded by"):
            book.view(known_at=parse_instant_text("2000-01-01T00:00Z"))
    finally:
        tamperer.restore(damaged, undo)
        tamperer.close()
        book.close()
