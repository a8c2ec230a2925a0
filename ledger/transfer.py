"""Export and import of the signed log as JSON Lines, verifiable offline.

Each line holds one event: its seq, the exact canonical body (as text: the
body is UTF-8 JSON), its hash and signature (hex). Nothing is re-encoded, so
an export verifies exactly as the database does.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

from events import decode_body
from ledger import tree
from ledger.errors import DocumentError, InvalidInput
from ledger.files import refusal, writable_path
from ledger.rebuild import rebuild
from ledger.store import Store, StoredEvent
from ledger.verify import Report, Unreadable, verify_rows


def export_line(*, seq: int, body: str, hash_: bytes, sig: bytes) -> str:
    """One line of an export: the exact text `export_log` writes and `read_export` requires."""
    item = {"seq": seq, "body": body, "hash": hash_.hex(), "sig": sig.hex()}
    return json.dumps(item, ensure_ascii=False, separators=(",", ":")) + "\n"


def export_log(*, store: Store, path: Path) -> int:
    """Write every event to `path` as JSON Lines; return how many."""
    count = 0
    writable_path(path, what="export file")
    tmp = path.with_name(path.name + ".part")
    try:
        handle = tmp.open("w", encoding="utf-8")
    except (OSError, ValueError) as error:
        raise refusal(error, tmp, what="export file") from None
    with handle:
        for row in store.iter_all():
            handle.write(
                export_line(seq=row.seq, body=row.body.decode("utf-8"), hash_=row.hash, sig=row.sig)
            )
            count += 1
    tmp.replace(path)
    return count


def read_export(path: Path) -> Iterator[StoredEvent | Unreadable]:
    """The lines of an export as stored rows (index columns taken from the bodies).

    A line that is not exactly as `export_log` writes it (not UTF-8, not JSON,
    other fields, other spacing, escapes or hex case, no line end) comes back
    as `Unreadable` at its line: verification reports it there. Every changed
    byte of a file so either spoils a line's form or changes what it holds,
    which the hashes and signatures catch. Raises `DocumentError` only when
    the file cannot be opened.
    """
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise DocumentError(f"no export file at {path}") from None
    except (OSError, ValueError) as error:  # ValueError: a NUL in the name
        raise refusal(error, path, what="export file") from None
    with handle:
        for number, raw in enumerate(handle, start=1):
            yield _parse_line(raw, number)


def _parse_line(raw: bytes, number: int) -> StoredEvent | Unreadable:
    if not raw.endswith(b"\n"):
        return Unreadable(number, "the line has no end: the file was cut short or changed")
    try:
        text = raw.decode("utf-8")
        item = json.loads(text)
    except UnicodeDecodeError:
        return Unreadable(number, "the line is not UTF-8 text")
    except (ValueError, RecursionError):  # a deeply nested line exhausts json's recursion
        return Unreadable(number, "the line is not JSON")
    if not isinstance(item, dict) or list(item) != ["seq", "body", "hash", "sig"]:
        return Unreadable(number, "the line is not an export line (seq, body, hash, sig)")
    seq, body, hash_hex, sig_hex = item.values()
    if type(seq) is not int or not all(isinstance(v, str) for v in (body, hash_hex, sig_hex)):
        return Unreadable(number, "the line's seq is not a whole number or a field is not text")
    try:
        raw_body = body.encode("utf-8")
        hash_, sig = bytes.fromhex(hash_hex), bytes.fromhex(sig_hex)
    except ValueError:
        return Unreadable(number, "the line's body is not UTF-8 or its hash or sig is not hex")
    if export_line(seq=seq, body=body, hash_=hash_, sig=sig) != text:
        return Unreadable(
            number, "the line is not in the exact form export writes (spacing, escapes or case)"
        )
    return _row(seq, raw_body, hash_, sig)


def _row(seq: int, body: bytes, hash_: bytes, sig: bytes) -> StoredEvent:
    """A stored row with the index columns a store would hold for this body."""
    try:
        fields = decode_body(body)
    except ValueError:
        fields = {}  # verification reports the body; the columns do not matter then

    def text(name: str) -> str:
        value = fields.get(name)
        return value if isinstance(value, str) else ""

    def optional(name: str) -> str | None:
        value = fields.get(name)
        return value if isinstance(value, str) else None

    return StoredEvent(
        seq=seq,
        id=text("id"),
        type=text("type"),
        subject=text("subject"),
        actor=text("actor"),
        key=text("key"),
        rfc=optional("rfc"),
        idem=optional("idem"),
        recorded_at=text("recorded_at"),
        effective=text("effective"),
        body=body,
        hash=hash_,
        sig=sig,
    )


def import_log(
    *, store: Store, path: Path, progress: Callable[[int], None] | None = None
) -> Report:
    """Load an export into an empty database, after verifying all of it."""
    if store.head() is not None:
        raise InvalidInput(
            f"the database at {store.where} already holds a ledger; import into a new one (--db)"
        )
    rows = list(read_export(path))
    report = verify_rows(rows)
    if not report.ok:
        assert report.failure is not None
        raise DocumentError(
            f"{path} does not verify at event {report.failure.seq}: {report.failure.reason}; "
            "nothing was imported"
        )
    with store.writing() as txn:
        events = [row for row in rows if isinstance(row, StoredEvent)]
        assert len(events) == len(rows)  # it verified: every line was a row
        for start in range(0, len(events), 1000):
            txn.insert_many(events[start : start + 1000])
            if progress is not None:
                progress(min(start + 1000, len(events)))
        # The plan at the head, the snapshots and the Merkle tree are derived: make them
        # from what was loaded.
        rebuild(txn.conn)
        tree.rebuild(txn.conn)
    return report
