"""A real plan's whole history: the three LDM-564 revisions imported in all six orders.

Each order is imported once per store (SQLite and PostgreSQL) into a ledger whose clock
moves an hour between imports; every test then reads those ledgers. The expected plans are
read from the documents by the independent reference reader (`plan_shapes`), never by the
importer: as of each revision's "Latest Revision" date the plan must be that revision,
release by release and line by line, in document order; now, the newest; as of RFC-501's
approval (2018-07-17), the 2018 revision; and `--known-at` a time between two imports, what
the ledger held then.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from conftest import PG_SERVER
from ldm564_files import REVISION_2018, REVISION_2019, REVISION_2022, ldm564_dir, read_ldm564
from plan_shapes import document_plan, ledger_plan

from events import format_instant
from ledger.asof import NOW, parse_as_of
from ledger.change_results import ImportResult
from ledger.check import check
from ledger.importer import import_revision_file
from ledger.ledger import Ledger
from ledger.queries import plan
from ledger.rfcs import rfc_list
from ledger.signing import Signer, generate_key_file
from ledger.verify import verify_rows

DATES = {
    REVISION_2018: "2018-04-13",
    REVISION_2019: "2019-05-20",
    REVISION_2022: "2022-08-13",
}
ORDERS = list(itertools.permutations(DATES))
STORES = ("sqlite", "postgresql")


@dataclass
class Clock:
    """A clock the test moves by hand, so each import is recorded at a known time."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now


@dataclass
class History:
    """One ledger holding the three revisions, imported in `order`."""

    store: str
    order: tuple[str, ...]
    ledger: Ledger
    results: list[ImportResult]
    #: Just after each import was recorded (a `--known-at` between it and the next one).
    known: list[str]


@pytest.fixture(scope="module")
def expected() -> dict[str, list[dict[str, Any]]]:
    """Each revision's section 3, read from the document itself."""
    return {name: document_plan(read_ldm564(name)) for name in DATES}


@pytest.fixture(scope="module")
def key(tmp_path_factory: pytest.TempPathFactory) -> Signer:
    return generate_key_file(tmp_path_factory.mktemp("keys") / "alice.pem")


@contextmanager
def databases(kind: str, folder: Path) -> Iterator[Callable[[], str]]:
    """A factory of empty databases of one kind; PostgreSQL schemas are dropped after."""
    schemas: list[str] = []
    admin = sa.create_engine(PG_SERVER) if kind == "postgresql" else None

    def make() -> str:
        if admin is None:
            return f"sqlite:///{folder / f'ledger-{uuid.uuid4().hex[:8]}.db'}"
        schema = f"h_{uuid.uuid4().hex[:12]}"
        with admin.begin() as conn:
            conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
        schemas.append(schema)
        return f"{PG_SERVER}?options=-csearch_path%3D{schema}"

    try:
        yield make
    finally:
        if admin is not None:
            with admin.begin() as conn:
                for schema in schemas:
                    conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
            admin.dispose()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    # One build per store, as conftest's `db_kind` chooses stores (`--sqlite-only`).
    if "histories" in metafunc.fixturenames:
        only_sqlite = metafunc.config.getoption("--sqlite-only")
        kinds = ["sqlite"] if only_sqlite else list(STORES)
        metafunc.parametrize("histories", kinds, indirect=True, scope="module")


@pytest.fixture(scope="module")
def histories(
    request: pytest.FixtureRequest, key: Signer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[History]]:
    """The six orders, each imported once into a fresh ledger on one store."""
    kind = request.param
    with databases(kind, tmp_path_factory.mktemp("history")) as make:
        built = []
        for order in ORDERS:
            clock = Clock(datetime(2023, 1, 2, 9, 0, tzinfo=UTC))
            ledger = Ledger.create(make(), name="LDM-564", signer=key, actor="alice", clock=clock)
            results, known = [], []
            for name in order:
                clock.now += timedelta(hours=1)
                results.append(
                    import_revision_file(ledger=ledger, signer=key, path=ldm564_dir() / name)
                )
                known.append(format_instant(clock.now + timedelta(minutes=30)))
            built.append(History(kind, order, ledger, results, known))
        yield built
        for history in built:
            history.ledger.close()


def _plan_at(ledger: Ledger, as_of: str, known_at: str | None = None) -> list[dict[str, Any]]:
    return ledger_plan(plan(ledger.view(parse_as_of(as_of), known_at=known_at)))


def _case(histories: list[History], order: int) -> History:
    history = histories[order]
    assert history.order == ORDERS[order]
    return history


ORDER_IDS = ["-".join(DATES[name][:4] for name in order) for order in ORDERS]
each_order = pytest.mark.parametrize("order", range(len(ORDERS)), ids=ORDER_IDS)


# --- the plan as of each revision -----------------------------------------------------------------


@each_order
def test_the_plan_as_of_each_revision_date_is_that_revision_line_by_line(
    histories: list[History], expected: dict[str, list[dict[str, Any]]], order: int
) -> None:
    ledger = _case(histories, order).ledger

    for name, day in DATES.items():
        assert _plan_at(ledger, day) == expected[name], f"as of {day}"


@each_order
def test_the_plan_now_is_the_newest_revision_and_before_the_oldest_it_is_empty(
    histories: list[History], expected: dict[str, list[dict[str, Any]]], order: int
) -> None:
    ledger = _case(histories, order).ledger

    assert _plan_at(ledger, "now") == expected[REVISION_2022]
    assert _plan_at(ledger, "2018-04-12") == []
    assert _plan_at(ledger, "2019-05-19") == expected[REVISION_2018]
    assert _plan_at(ledger, "2022-08-12") == expected[REVISION_2019]


@each_order
def test_as_of_an_rfc_is_the_plan_just_after_its_approval(
    histories: list[History], expected: dict[str, list[dict[str, Any]]], order: int
) -> None:
    ledger = _case(histories, order).ledger

    # RFC-501 was approved on 2018-07-17, when the 2018 revision was the plan; the 2019
    # draft came later and names it only in its history.
    assert _plan_at(ledger, "RFC-501") == expected[REVISION_2018]
    assert _plan_at(ledger, "v1.2") == expected[REVISION_2018]
    assert _plan_at(ledger, "RFC-373") == []
    assert _plan_at(ledger, "RFC-781") == expected[REVISION_2022]


@each_order
def test_known_at_a_time_between_imports_shows_what_the_ledger_held_then(
    histories: list[History], expected: dict[str, list[dict[str, Any]]], order: int
) -> None:
    history = _case(histories, order)

    for count, known_at in enumerate(history.known, start=1):
        imported = history.order[:count]
        for day in (*DATES.values(), "now"):
            held = [n for n in imported if day == "now" or DATES[n] <= day]
            newest = max(held, key=DATES.__getitem__, default=None)
            want = expected[newest] if newest else []
            got = _plan_at(history.ledger, day, known_at)
            assert got == want, f"as of {day}, known at {known_at} (after {imported})"


# --- time, RFCs, integrity ------------------------------------------------------------------------


@each_order
def test_a_late_revision_is_recorded_at_its_own_date_and_restored_before_the_next_change(
    histories: list[History], order: int
) -> None:
    history = _case(histories, order)

    for index, (name, result) in enumerate(zip(history.order, history.results, strict=True)):
        later = [DATES[n] for n in history.order[:index] if DATES[n] > DATES[name]]
        assert result.effective == f"{DATES[name]}T23:59:59.999999Z"
        if later:
            assert result.restored_at is not None, name
            assert DATES[name] < result.restored_at[:10] <= min(later)
        else:
            assert result.restored_at is None, name


@each_order
def test_each_revisions_changes_are_under_the_rfc_its_newest_row_names_and_no_other(
    histories: list[History], order: int
) -> None:
    ledger = _case(histories, order).ledger

    # The revisions' own changes, at the end of their days (restores land earlier).
    rfcs = {
        (e.effective[:10], e.rfc)
        for e in ledger.log
        if e.type.startswith("milestone.")
        and e.effective[:10] in DATES.values()
        and e.effective.endswith("T23:59:59.999999Z")
    }
    rfc_by_day = {day: {rfc for d, rfc in rfcs if d == day} for day in DATES.values()}
    # 2018: newest row "1.1 Synchronize milestones with PMCS" names none; 2019: a TBD draft.
    assert rfc_by_day == {"2018-04-13": {None}, "2019-05-20": {None}, "2022-08-13": {"RFC-781"}}


@each_order
def test_every_order_approves_the_same_rfcs_with_their_own_dates_and_labels(
    histories: list[History], order: int
) -> None:
    ledger = _case(histories, order).ledger

    found = [(r.id, r.state, r.version, r.decided_on) for r in rfc_list(ledger)]

    assert found == [
        ("RFC-373", "approved", "1.0", "2017-08-18"),
        ("RFC-497", "approved", "1.1", "2018-06-18"),
        ("RFC-501", "approved", "1.2", "2018-07-17"),
        ("RFC-781", "approved", "1.5", "2021-06-03"),
    ]


@each_order
def test_the_ledger_verifies_and_check_sees_the_plan_not_the_order_of_imports(
    histories: list[History], order: int
) -> None:
    ledger = _case(histories, order).ledger
    in_order = histories[0].ledger

    report = verify_rows(ledger.store.iter_all())

    assert report.ok, report.failure
    assert report.checked == ledger.length
    for day in (*DATES.values(), "now"):
        found = check(ledger.view(parse_as_of(day)))
        assert [o for o in found if o.kind == "log"] == [], day
        assert found == check(in_order.view(parse_as_of(day))), day


@each_order
def test_a_milestone_that_leaves_and_returns_is_reinstated_in_its_history(
    histories: list[History], order: int
) -> None:
    ledger = _case(histories, order).ledger

    # DM-DAX-5 is in 2018, not in 2019, and back in 2022.
    state_2019 = ledger.view(parse_as_of("2019-05-20")).state
    now = ledger.view(NOW).state

    assert state_2019.milestones["DM-DAX-5"].withdrawn
    assert not now.milestones["DM-DAX-5"].withdrawn
    if ORDERS[order] == (REVISION_2018, REVISION_2019, REVISION_2022):
        kinds = [e.type for e in ledger.log if e.subject == "DM-DAX-5"]
        assert kinds.count("milestone.reinstated") == 1
