"""Each kind of damage issue 10 found unreported or raising is now a finding at its place."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner
from verify_damage import build_small_ledger

from cli.app import app
from events import body_hash, canonical_bytes, decode_body
from ledger.errors import InvalidInput
from ledger.store import StoredEvent
from ledger.transfer import export_log, read_export
from ledger.verify import MIN_HEAD_PREFIX, every_row, verify_rows, verify_store


@pytest.fixture
def book(db_url, admin_key, tmp_path):
    """A small ledger of most kinds of event, on each store."""
    ledger = build_small_ledger(db_url, tmp_path, admin_key)
    yield ledger
    ledger.close()


@pytest.fixture
def sqlite_book(sqlite_url, admin_key, tmp_path):
    """The same on SQLite only: for what only SQLite can hold, and for exports."""
    ledger = build_small_ledger(sqlite_url, tmp_path, admin_key)
    yield ledger
    ledger.close()


def _owner(book, *statements: tuple[str, dict]) -> None:  # type: ignore[type-arg]
    """Run statements as the database's owner can: with every trigger on events dropped."""
    with book.store.engine.begin() as conn:
        if book.store.dialect == "sqlite":
            names = conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'events'"
            ).scalars()
            drops = [f"DROP TRIGGER {name}" for name in names]
        else:
            names = conn.exec_driver_sql(
                "SELECT tgname FROM pg_trigger "
                "WHERE tgrelid = 'events'::regclass AND NOT tgisinternal"
            ).scalars()
            drops = [f"DROP TRIGGER {name} ON events" for name in names]
        for drop in drops:
            conn.exec_driver_sql(drop)
        for statement, values in statements:
            conn.execute(sa.text(statement), values)


def _insert(book, row: StoredEvent) -> None:
    columns = row.as_row()
    names = ", ".join(f'"{name}"' for name in columns)
    marks = ", ".join(f":{name}" for name in columns)
    _owner(book, (f"INSERT INTO events ({names}) VALUES ({marks})", columns))


def _head(book) -> StoredEvent:
    return book.store.read(after=len(book.log) - 1)[0]


def test_a_row_moved_far_beyond_the_head_is_reported_where_it_went_missing(book):
    last = len(book.log)
    # The seq from issue 10; PostgreSQL's INTEGER column holds no more than 2**31 - 1.
    far = 4503599627370958 if book.store.dialect == "sqlite" else 2**31 - 1
    _owner(book, ("UPDATE events SET seq = :far WHERE seq = :last", {"far": far, "last": last}))

    report = verify_store(book.store)

    assert report.failure.seq == last
    assert f"event #{last} is missing: the next row stored has seq {far}" in report.failure.reason


def test_an_unsigned_row_inserted_after_a_gap_is_reported_at_the_gap_and_at_the_row(book):
    head = _head(book)
    seq = head.seq + 5001
    body = decode_body(head.body) | {"seq": seq, "id": "forged", "prev": head.hash.hex()}
    raw = canonical_bytes(body)
    forged = StoredEvent(
        seq, "forged", head.type, head.subject, head.actor, head.key, head.rfc, None,
        head.recorded_at, head.effective, raw, body_hash(raw), bytes(64),
    )  # fmt: skip
    _insert(book, forged)

    report = verify_store(book.store)
    result = CliRunner().invoke(app, ["--db", book.store.url, "verify"])

    assert [f.seq for f in report.findings] == [head.seq + 1, seq]
    assert "the signature does not verify" in report.findings[1].reason
    assert result.exit_code == 8
    assert result.output.startswith(f"FAILED at event #{head.seq + 1}: event #{head.seq + 1} is")


def test_a_row_stored_before_genesis_is_reported_at_its_seq(book):
    second = book.store.read(after=1, upto=2)[0]
    values = second.as_row() | {"seq": 0, "id": "copy"}

    _insert(book, StoredEvent(**values))
    report = verify_store(book.store)

    assert report.failure.seq == 0
    assert "before the genesis event" in report.failure.reason
    assert len(report.findings) == 1  # the chain from #1 on is intact


def test_every_damaged_row_is_listed_in_seq_order(book):
    _owner(
        book,
        ("UPDATE events SET actor = 'mallory' WHERE seq = 7", {}),
        ("UPDATE events SET subject = 'x' WHERE seq = 3", {}),
    )

    report = verify_store(book.store)

    assert [(f.seq, f.reason) for f in report.findings] == [
        (3, "the stored subject column does not agree with the signed body"),
        (7, "the stored actor column does not agree with the signed body"),
    ]
    assert report.checked == 2


def test_a_text_column_that_is_not_utf8_is_reported_at_its_seq(sqlite_book):
    book = sqlite_book
    _owner(book, ("UPDATE events SET actor = CAST(X'616c6963ff' AS TEXT) WHERE seq = 5", {}))

    report = verify_store(book.store)

    assert report.failure.seq == 5
    assert report.failure.reason == "the stored actor column does not agree with the signed body"


def test_verify_reports_a_log_too_damaged_to_load(sqlite_book):
    book = sqlite_book
    # Before, loading the log folded this body and raised KeyError in ledger/fold.py.
    body = book.store.read(after=3, upto=4)[0].body.replace(b'"key_id"', b'"kez_id"')
    _owner(book, ("UPDATE events SET body = :b WHERE seq = 4", {"b": body}))

    result = CliRunner().invoke(app, ["--db", book.store.url, "verify"])

    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 8
    assert result.output.startswith("FAILED at event #4: the stored hash is not the SHA-256")


@pytest.mark.parametrize(
    "prefix", ["7", "0" * (MIN_HEAD_PREFIX - 1), "g" * MIN_HEAD_PREFIX, "0" * 65, ""]
)
def test_expect_head_needs_a_full_hash_or_a_prefix_of_sixteen_hex_digits(book, prefix):
    with pytest.raises(InvalidInput, match="at least the first 16"):
        verify_store(book.store, expect_head=prefix)

    result = CliRunner().invoke(app, ["--db", book.store.url, "verify", "--expect-head", prefix])

    assert result.exit_code == 2
    assert result.output.startswith("error: the expected head must be 64, or at least")


def test_a_sixteen_digit_prefix_of_the_head_verifies_and_catches_a_cut_log(book):
    head = _head(book).hash.hex()
    earlier = book.store.read(after=4, upto=5)[0].hash.hex()

    whole = verify_store(book.store, expect_head=head[:MIN_HEAD_PREFIX].upper())
    _owner(book, ("DELETE FROM events WHERE seq = :s", {"s": len(book.log)}))
    cut = verify_store(book.store, expect_head=head[:MIN_HEAD_PREFIX])
    at_five = verify_store(book.store, expect_head=earlier)

    assert whole.ok and at_five.ok
    assert not cut.ok and "does not contain the expected head" in cut.failure.reason


def test_the_ledger_id_must_be_a_whole_hash(book):
    with pytest.raises(InvalidInput, match="must be 64 hex digits"):
        verify_store(book.store, ledger_id=book.ledger_id[:16])


@pytest.fixture
def exported(sqlite_book, tmp_path):
    """The book's export, as bytes, and where to write a changed copy."""
    export_log(store=sqlite_book.store, path=tmp_path / "log.jsonl")
    return (tmp_path / "log.jsonl").read_bytes(), tmp_path / "changed.jsonl"


def test_a_deeply_nested_json_line_is_reported_at_its_line(exported):
    data, path = exported
    lines = data.splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:2]) + b"[" * 100_000 + b"\n" + b"".join(lines[3:]))

    result = CliRunner().invoke(app, ["verify-file", str(path)])

    assert result.exit_code == 8
    assert result.output.startswith("FAILED at event #3: line 3: the line is not JSON")


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda line: line.replace(b'"hash":"', b'"hash": "'), "exact form"),
        (lambda line: line[:-20] + line[-20:].upper(), "exact form"),
        (lambda line: line.replace(b"\n", b"\r\n"), "exact form"),
        (lambda line: line.replace(b'"seq":3', b'"seq":3.0'), "not a whole number"),
        (lambda line: line.replace(b'"seq":3', b'"seq":"3"'), "not a whole number"),
        (lambda line: line.replace(b'{"seq":3,', b'{"seq":3,"seq":3,'), "exact form"),
        (lambda line: line.replace(b"\n", b""), "no end"),
        (lambda line: line[:40] + b"\xff" + line[41:], "not UTF-8"),
    ],
)
def test_an_export_line_changed_without_changing_its_event_is_reported_at_its_line(
    exported, change, reason
):
    data, path = exported
    lines = data.splitlines(keepends=True)
    lines[2] = change(lines[2])
    last = len(lines)
    path.write_bytes(b"".join(lines if lines[2].endswith(b"\n") else lines[:3]))

    report = verify_rows(read_export(path))

    assert report.failure.seq == 3, report.failure
    assert report.failure.reason.startswith("line 3: ") and reason in report.failure.reason
    assert last > 3


def test_importing_a_damaged_export_is_refused_and_imports_nothing(exported, tmp_path):
    data, path = exported
    path.write_bytes(data.replace(b'"seq":5,', b'"seq":6,', 1))
    copy = tmp_path / "copy.db"

    result = CliRunner().invoke(app, ["--db", str(copy), "import", str(path)])

    assert result.exit_code == 2
    assert "does not verify at event 5" in result.output and "nothing was imported" in result.output


def test_every_row_pages_through_rows_outside_the_expected_seqs(book):
    last = len(book.log)
    far = 2**31 - 1
    _owner(
        book,
        ("UPDATE events SET seq = -5 WHERE seq = 2", {}),
        ("UPDATE events SET seq = :far WHERE seq = :last", {"far": far, "last": last}),
    )

    seqs = [row.seq for row in every_row(book.store, page=4)]

    assert seqs == [-5, 1, *range(3, last), far]
